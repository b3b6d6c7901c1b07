"""The moments worth seeing in a run, found in the run's own kept weights.

Each milestone is a test of the weights of one step, and is reached at the first
step whose weights pass it: the steps the timeline keeps (every step up to 64,
then 16 per doubling, and the step a run is solved at) are tested in order, and
where one passes past skipped steps, those are replayed and tested first. Told
here for addition; every finite task has the same six in its own words (its
borrow, its three-state machine), and multiplication, which no finite machine
does, has 1, 5 and 6 only:

1. first_bit: bit 0 of the sum is right on every pair. No carry comes into it
   (it is a0 xor b0), so it can be learnt alone, long before the rest.
2. carry: a hidden unit follows the carry where only memory can tell it: on the
   steps whose two input bits differ (there the carry out is the carry in), its
   activation and the carry correlate at |r| >= CARRY_CORRELATION, over the
   hidden-state view's seeded sums.
3. clouds: the state-space view's states after a carry and the others lie on two
   sides of one flat cut through the hidden space (statespace.parted), every one;
   with three carries, the states of each two of them.
4. machine: the machine read off the hidden states (machine.py) is binary
   addition. Tested once 1 is reached: reading it costs the most, and the
   adder's bit 0 is right on every pair.
5. solved: every pair right at the training width (evaluation.wrong_pairs).
6. limits: at the solved step, the longest carry chain the weights survive on
   64-bit sums, and the first sum they get wrong (evaluation.carry_chains); for
   multiplication, the share of wider products right (evaluation.wider_widths).

A network that learns to add reaches 1 first, then 2 and 3 (in either order,
often a few steps apart), then 4, then 5 and 6 together.
"""

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from . import evaluation, machine, model, statespace
from .tasks import ADD, TASKS, Task

ORDER = ("first_bit", "carry", "clouds", "machine", "solved", "limits")
CARRY_CORRELATION = 0.85
CLOUDS_SPLIT = 1.0  # the share of states on their own side of the cut: all
WIDER_SAMPLE = 1000  # the seeded problems per wider width that measure multiplication's limits


def names(task: Task = ADD) -> tuple[str, ...]:
    """The milestones a run of `task` can reach: without a machine, none of memory's."""
    return ORDER if task.machine else ("first_bit", "solved", "limits")


def _title(name: str, task: Task) -> str:
    return {
        "first_bit": "The first bit is right",
        "carry": f"A unit follows the {task.memory}",
        "clouds": "The clouds part",
        "machine": "The machine is read",
        "solved": f"Every {task.problem_word} right",
        "limits": "Its limits",
    }[name]


def _definition(name: str, task: Task) -> str:
    memory, problem, answer = task.memory, task.problem_word, task.answer_word
    if name == "first_bit":
        return f"bit 0 of the {answer} ({task.bit0}, no {memory} into it) is right on every {problem}"
    if name == "carry":
        steps = "whose input bits differ" if task is ADD else f"whose input bits do not tell the next {memory}"
        return (
            f"on the steps {steps}, where only memory tells the {memory}, a hidden unit's activation "
            f"and the {memory} correlate at |r| {CARRY_CORRELATION} or more"
        )
    if name == "clouds":
        if task.machine.size == 2:
            return (
                f"one flat cut through the hidden space puts the states after a {memory} on one side, "
                "the rest on the other"
            )
        return (
            f"for each two values of the {memory}, one flat cut through the hidden space puts the states "
            "after each on its own side"
        )
    if name == "machine":
        size = {2: "two", 3: "three"}.get(task.machine.size, str(task.machine.size))
        return (
            f"the machine read off the hidden states is {task.title}, {task.machine_name} of {size} states "
            "(tried after 1)"
        )
    if name == "solved":
        return f"every {problem} of operands right at the training width"
    if task.machine is None:
        return f"at the solved step: the share of {task.answers} right at wider widths, where no finite machine helps"
    return f"at the solved step: the longest {memory} chain it survives in 64-bit {task.answers}, and the first failed"


@dataclass(frozen=True)
class Reached:
    name: str
    step: int
    figures: dict = field(default_factory=dict)
    task: str = "add"

    @property
    def title(self) -> str:
        return _title(self.name, TASKS[self.task])

    def text(self) -> str:
        """What happened, in one sentence with its figures."""
        f, task = self.figures, TASKS[self.task]
        memory, problem = task.memory, task.problem_word
        if self.name == "first_bit":
            return f"bit 0 is right on every {problem}, while {f['exact']:.0%} of whole {task.answers} are"
        if self.name == "carry":
            return f"unit {f['unit']} follows the {memory} (correlation {f['correlation']:+.2f})"
        if self.name == "clouds":
            return f"one flat cut through the hidden space splits the states after a {memory} from all the others"
        if self.name == "machine":
            return f"the states group into {task.machine_name}, the {f['states']}-state machine of {task.title}"
        if self.name == "solved":
            return f"every {problem} right at the training width"
        if task.machine is None:
            shares = ", ".join(f"{share:.1%} at {bits} bits" for bits, share in f["wider"])
            return f"{task.answers} right beyond the training width: {shares}"
        failing = f["failing"]
        if failing is None:
            return f"every tested 64-bit {task.answer_word} is right, {memory} chains of up to {f['longest']} included"
        longest, text, run = f["longest"], failing["text"], failing["run"]
        return f"right through {memory} chains of {longest}; first wrong: {text} (a chain of {run})"

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "step": self.step,
            "title": self.title,
            "text": self.text(),
            **self.figures,
        }


def _first_bit_right(params: model.Network, task: Task) -> bool:
    """Whether bit 0 is right for every input symbol: bit 0 depends on the operands' bit 0 only."""
    symbols = np.arange(task.symbols)
    one_step = np.array([[[(x >> shift) & 1 for shift in range(task.operands - 1, -1, -1)] for x in symbols]], float)
    written = model.forward(params, one_step).logits[0] > 0
    truth = [bool(task.answer(task.operands_of((x,)), 1)) for x in symbols]
    return bool((written == np.array(truth)).all())


def _passed(name: str, params: model.Network, bits: int, found: dict, task: Task) -> dict | None:
    """The figures of milestone `name` if these weights pass its test, else None."""
    if name == "first_bit":
        if not _first_bit_right(params, task):
            return None
        inputs, targets = evaluation.encoded(bits, evaluation.CORRELATION_PAIRS, evaluation.SAMPLE_SEED, task)
        logits = model.forward(params, inputs).logits
        exact = float(((logits > 0) == (targets > 0.5)).all(axis=0).mean())
        return {"exact": exact}
    if name == "carry":
        pairs = evaluation.sample_size(evaluation.CORRELATION_PAIRS, params.hidden)
        r = evaluation.carry_correlations(params, bits, pairs, evaluation.SAMPLE_SEED, remembered=True, task=task)
        unit = int(np.argmax(np.abs(r)))
        return {"unit": unit, "correlation": float(r[unit])} if abs(r[unit]) >= CARRY_CORRELATION else None
    if name == "clouds":
        split = statespace.parted(params, bits, evaluation.SAMPLE_SEED, task)
        return {"split": split} if split >= CLOUDS_SPLIT else None
    if name == "machine":
        if "first_bit" not in found:  # the costly test waits for what the machine needs
            return None
        read = machine.extract(params, bits, task=task).machine
        return {"states": read.size} if machine.shortest_difference(read, task.machine) is None else None
    if name == "solved":
        if "first_bit" not in found:  # every problem right has bit 0 right on every one
            return None
        # A few seeded problems first: for a wide network, all 64 quick ones cost seconds a step.
        few = task.random_operands(np.random.default_rng(evaluation.SAMPLE_SEED), 4, bits)
        first = tuple(tuple(int(v) for v in column) for column in few.T)
        return {} if not evaluation.wrong_pairs(params, bits, first=first, task=task) else None
    if "solved" not in found:
        return None  # the limits are those of the solved weights
    if task.machine is None:
        sample, seed = WIDER_SAMPLE, evaluation.SAMPLE_SEED
        shares = [evaluation.evaluate_sample(params, width, sample, seed, task).exact_match
                  for width in evaluation.wider_widths(bits)]  # fmt: skip
        return {"wider": list(zip(evaluation.wider_widths(bits), shares, strict=True))}
    limit = evaluation.carry_chains(params, task=task)
    failing = limit.failing and {
        **dict(zip(task.letters, map(str, limit.failing), strict=True)),
        "text": task.spell(limit.failing),
        "run": limit.failing_run,
    }
    return {"longest": limit.longest, "failing": failing}


# Replay(after, before): the weights of each step strictly between two kept steps, in order, as
# (step, flat) pairs, or none when the run cannot be replayed (then the later kept step stands).
Replay = Callable[[int, int], Iterable[tuple[int, np.ndarray]]]


class Milestones:
    """The milestones of one run, found as its steps come: `update` tests each step once."""

    def __init__(
        self, hidden: int, cell: str, activation: str, bits: int, replay: Replay | None = None, task: str = "add"
    ) -> None:
        self.hidden, self.cell, self.activation, self.bits = hidden, cell, activation, bits
        self.task = TASKS[task]
        self.names = names(self.task)
        self.replay = replay
        self.found: dict[str, Reached] = {}
        self.tested = -1  # the last step whose weights were tested

    def update(self, steps: list[int], weights: list[np.ndarray], budget_ms: float = math.inf) -> list[Reached]:
        """Test the weights of the given steps (increasing) past the last one tested, until
        `budget_ms` is spent (one step at least; the next call goes on from there); the newly reached.

        Where the timeline skipped steps (past DENSE_STEPS) and a milestone passes at a kept
        step, the steps between are replayed and tested first, so that each is found exactly."""
        reached: list[Reached] = []
        started, tested_before = time.perf_counter(), self.tested
        for step, flat in zip(steps, weights, strict=True):
            if step <= tested_before:
                continue
            if self.tested > tested_before and 1000 * (time.perf_counter() - started) > budget_ms:
                break
            params = self._params(flat)
            if not (self.replay and self.tested >= 0 and step - self.tested > 1):
                reached += self._test(step, params)
            elif self._passes_some(params):
                for between, between_flat in self.replay(self.tested, step):
                    reached += self._test(between, self._params(between_flat))
                reached += self._test(step, params)
            # Otherwise _passes_some has just run every test still to pass on this step, and each failed.
            self.tested = step
        return reached

    def _params(self, flat: np.ndarray) -> model.Network:
        return model.Network(self.hidden, flat, self.cell, self.task.operands, self.activation)

    def _passed(self, name: str, params: model.Network, found: dict) -> dict | None:
        return _passed(name, params, self.bits, found, self.task)

    def _test(self, step: int, params: model.Network) -> list[Reached]:
        reached = []
        for name in self.names:
            if name not in self.found:
                figures = self._passed(name, params, self.found)
                if figures is not None:
                    self.found[name] = Reached(name, step, figures, self.task.name)
                    reached.append(self.found[name])
        return reached

    def _passes_some(self, params: model.Network) -> bool:
        """Whether these weights reach a milestone not yet found (tested as `_test` would)."""
        return any(name not in self.found and self._passed(name, params, self.found) is not None for name in self.names)

    def reached(self) -> list[Reached]:
        """Every milestone reached so far, by step, then in the stated order."""
        return sorted(self.found.values(), key=lambda r: (r.step, ORDER.index(r.name)))

    def pending(self, steps: list[int]) -> bool:
        """Whether some of these kept steps are still to be tested."""
        return bool(steps) and steps[-1] > self.tested


def definitions(task: Task = ADD) -> list[dict]:
    """Each milestone of `task`: name, title and test, in the stated order: for the page's legend."""
    return [{"name": name, "title": _title(name, task), "test": _definition(name, task)} for name in names(task)]
