"""The moments worth seeing in a run, found in the run's own kept weights.

Each milestone is a test of the weights of one step, and is reached at the first
step whose weights pass it: the steps the timeline keeps (every step up to 64,
then 16 per doubling, and the step a run is solved at) are tested in order, and
where one passes past skipped steps, those are replayed and tested first:

1. first_bit: bit 0 of the sum is right on every pair. No carry comes into it
   (it is a0 xor b0), so it can be learnt alone, long before the rest.
2. carry: a hidden unit follows the carry where only memory can tell it: on the
   steps whose two input bits differ (there the carry out is the carry in), its
   activation and the carry correlate at |r| >= CARRY_CORRELATION, over the
   hidden-state view's seeded sums.
3. clouds: the state-space view's states after a carry and the others lie on two
   sides of one flat cut through the hidden space (statespace.parted), every one.
4. machine: the machine read off the hidden states (machine.py) is binary
   addition. Tested once 2 and 3 are reached: reading it costs the most, and a
   network that adds keeps the carry apart first.
5. solved: every pair right at the training width (evaluation.wrong_pairs).
6. limits: at the solved step, the longest carry chain the weights survive on
   64-bit sums, and the first sum they get wrong (evaluation.carry_chains).

A network that learns to add reaches 1 first, then 2 and 3 (in either order,
often a few steps apart), then 4, then 5 and 6 together.
"""

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from . import encoding, evaluation, machine, model, statespace

ORDER = ("first_bit", "carry", "clouds", "machine", "solved", "limits")
CARRY_CORRELATION = 0.85
CLOUDS_SPLIT = 1.0  # the share of states on their own side of the cut: all

TITLES = {
    "first_bit": "The first bit is right",
    "carry": "A unit follows the carry",
    "clouds": "The clouds part",
    "machine": "The machine is read",
    "solved": "Every pair right",
    "limits": "Its limits",
}
DEFINITIONS = {
    "first_bit": "bit 0 of the sum (a0 xor b0, no carry into it) is right on every pair",
    "carry": (
        "on the steps whose input bits differ, where only memory tells the carry, a hidden unit's activation "
        f"and the carry correlate at |r| {CARRY_CORRELATION} or more"
    ),
    "clouds": "one flat cut through the hidden space puts the states after a carry on one side, the rest on the other",
    "machine": "the machine read off the hidden states is binary addition, the two-state adder (tried after 2 and 3)",
    "solved": "every pair of operands right at the training width",
    "limits": "at the solved step: the longest carry chain it survives in 64-bit sums, and the first it fails",
}


@dataclass(frozen=True)
class Reached:
    name: str
    step: int
    figures: dict = field(default_factory=dict)

    def text(self) -> str:
        """What happened, in one sentence with its figures."""
        f = self.figures
        if self.name == "first_bit":
            return f"bit 0 is right on every pair, while {f['exact']:.0%} of whole sums are"
        if self.name == "carry":
            return f"unit {f['unit']} follows the carry (correlation {f['correlation']:+.2f})"
        if self.name == "clouds":
            return "one flat cut through the hidden space splits the states after a carry from all the others"
        if self.name == "machine":
            return "the states group into the two-state machine of binary addition"
        if self.name == "solved":
            return "every pair right at the training width"
        failing = f["failing"]
        if failing is None:
            return f"every tested 64-bit sum is right, carry chains of up to {f['longest']} included"
        return (
            f"right through carry chains of {f['longest']}; first wrong: {failing['a']} + {failing['b']} "
            f"(a chain of {failing['run']})"
        )

    def to_dict(self) -> dict:
        return {"name": self.name, "step": self.step, "title": TITLES[self.name], "text": self.text(), **self.figures}


def _passed(name: str, params: model.Params, activation: str, bits: int, found: dict) -> dict | None:
    """The figures of milestone `name` if these weights pass its test, else None."""
    if name == "first_bit":
        inputs, targets = evaluation.encoded(bits, evaluation.CORRELATION_PAIRS, evaluation.SAMPLE_SEED)
        # Bit 0 depends only on the first two input bits: the four of them stand for every pair.
        four = np.array([[[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]])
        written = model.forward(params, four, activation).logits[0] > 0
        if not (written == np.array([False, True, True, False])).all():
            return None
        logits = model.forward(params, inputs, activation).logits
        exact = float(((logits > 0) == (targets > 0.5)).all(axis=0).mean())
        return {"exact": exact}
    if name == "carry":
        pairs = evaluation.sample_size(evaluation.CORRELATION_PAIRS, params.hidden)
        r = evaluation.carry_correlations(params, activation, bits, pairs, evaluation.SAMPLE_SEED, remembered=True)
        unit = int(np.argmax(np.abs(r)))
        return {"unit": unit, "correlation": float(r[unit])} if abs(r[unit]) >= CARRY_CORRELATION else None
    if name == "clouds":
        split = statespace.parted(params, activation, bits, evaluation.SAMPLE_SEED)
        return {"split": split} if split >= CLOUDS_SPLIT else None
    if name == "machine":
        if not {"carry", "clouds"} <= found.keys():  # the costly test waits for what it needs
            return None
        read = machine.extract(params, activation, bits).machine
        return {"states": read.size} if machine.shortest_difference(read, machine.ADDER) is None else None
    if name == "solved":
        if "first_bit" not in found:  # every pair right has bit 0 right on every pair
            return None
        # A few seeded pairs first: for a wide network, all 64 quick ones cost seconds a step.
        a, b = encoding.random_pairs(np.random.default_rng(evaluation.SAMPLE_SEED), 4, bits)
        few = tuple(zip(a.tolist(), b.tolist(), strict=True))
        return {} if not evaluation.wrong_pairs(params, activation, bits, first=few) else None
    if "solved" not in found:
        return None  # the limits are those of the solved weights
    limit = evaluation.carry_chains(params, activation)
    failing = limit.failing and {"a": str(limit.failing[0]), "b": str(limit.failing[1]), "run": limit.failing_run}
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
        self.task = task  # the milestones are addition's (its carry, its machine): other tasks reach none yet
        self.replay = replay
        self.found: dict[str, Reached] = {}
        self.tested = -1  # the last step whose weights were tested

    def update(self, steps: list[int], weights: list[np.ndarray], budget_ms: float = math.inf) -> list[Reached]:
        """Test the weights of the given steps (increasing) past the last one tested, until
        `budget_ms` is spent (one step at least; the next call goes on from there); the newly reached.

        Where the timeline skipped steps (past DENSE_STEPS) and a milestone passes at a kept
        step, the steps between are replayed and tested first, so that each is found exactly."""
        reached: list[Reached] = []
        if self.task != "add":  # nothing to test: every step is done with
            self.tested = max([self.tested, *steps])
            return reached
        started, tested_before = time.perf_counter(), self.tested
        for step, flat in zip(steps, weights, strict=True):
            if step <= tested_before:
                continue
            if self.tested > tested_before and 1000 * (time.perf_counter() - started) > budget_ms:
                break
            params = model.Params(self.hidden, flat, self.cell)
            if self.replay and self.tested >= 0 and step - self.tested > 1 and self._passes_some(params):
                for between, between_flat in self.replay(self.tested, step):
                    reached += self._test(between, model.Params(self.hidden, between_flat, self.cell))
            reached += self._test(step, params)
            self.tested = step
        return reached

    def _test(self, step: int, params: model.Params) -> list[Reached]:
        reached = []
        for name in ORDER:
            if name not in self.found:
                figures = _passed(name, params, self.activation, self.bits, self.found)
                if figures is not None:
                    self.found[name] = Reached(name, step, figures)
                    reached.append(self.found[name])
        return reached

    def _passes_some(self, params: model.Params) -> bool:
        """Whether these weights reach a milestone not yet found (tested as `_test` would)."""
        found = dict(self.found)
        for name in ORDER:
            if name not in found and _passed(name, params, self.activation, self.bits, found) is not None:
                return True
        return False

    def reached(self) -> list[Reached]:
        """Every milestone reached so far, by step, then in the stated order."""
        return sorted(self.found.values(), key=lambda r: (r.step, ORDER.index(r.name)))

    def pending(self, steps: list[int]) -> bool:
        """Whether some of these kept steps are still to be tested."""
        return bool(steps) and steps[-1] > self.tested


def definitions() -> list[dict]:
    """Each milestone's name, title and test, in the stated order: for the page's legend."""
    return [{"name": name, "title": TITLES[name], "test": DEFINITIONS[name]} for name in ORDER]
