"""A training session: configuration, seeded data, weights and optimiser, stepped in chunks.

`Session.step(n)` is what the page calls once per animation frame and the CLI
calls in a loop. Everything a session is (configuration, weights, optimiser
moments, random generator, step count) round-trips through a saved file
(saved.py) as plain JSON, and a restored session continues bit-identically.
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from typing import ClassVar

import numpy as np

from . import encoding, evaluation, model, optim, timeline
from .activations import ACTIVATIONS
from .cells import CELLS, label
from .proof import Proof, prove
from .tasks import TASKS

MAX_STEPS_PER_CALL = 1_000_000
# Where training with until_solved stops: every pair right, or a proof for every length
# (sought at every PROOF_EVERY-th step, up to PROVEN_STEP_LIMIT steps).
GOALS = ("solved", "proven")
PROOF_EVERY = 250
PROVEN_STEP_LIMIT = 10_000
COUNTEREXAMPLES = 64
BATCH_CHUNK_FLOATS = 2**18
REPLAY_MAX_STEPS = 20_000  # a milestone past this step is found at its kept step, not replayed to


def _number(value: float) -> str:
    """Whole numbers as whole numbers (4294967295, not 4.29497e+09)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _interval(low: float, high: float, low_open: bool) -> str:
    return f"{'(' if low_open else '['}{_number(low)}, {_number(high)}]"


def check_int(field: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{field} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def _check_float(field: str, value, low: float, high: float, low_open: bool) -> float:
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and (low < value if low_open else low <= value) and value <= high
    if not ok:
        raise ValueError(f"{field} must be a number in {_interval(low, high, low_open)}, got {value!r}")
    return float(value)


def _check_choice(field: str, value, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{field} must be one of {', '.join(choices)}, got {value!r}")
    return value


@dataclass(frozen=True)
class Config:
    """Every hyperparameter. The defaults solve 8-bit addition in a few hundred steps."""

    task: str = "add"
    bits: int = 8
    cell: str = "elman"
    hidden: int = 16
    activation: str = "tanh"
    init: str = "scaled"
    loss: str = "bce"
    optimizer: str = "adam"
    learning_rate: float = 0.05
    batch_size: int = 32
    clip: float = 0.0
    hidden_noise: float = 0.0
    until: str = "solved"
    seed: int = 0

    # (low, high) for numbers, a tuple of names for choices.
    RANGES: ClassVar[dict[str, tuple]] = {
        "task": tuple(TASKS),
        "bits": (encoding.MIN_BITS, encoding.MAX_BITS),
        "cell": tuple(CELLS),
        "hidden": (1, 1024),
        "activation": tuple(ACTIVATIONS),
        "init": model.INITS,
        "loss": tuple(model.LOSSES),
        "optimizer": tuple(optim.OPTIMIZERS),
        "learning_rate": (0.0, 10.0),
        "batch_size": (1, 4096),
        "clip": (0.0, 1e6),
        "hidden_noise": (0.0, 1.0),
        "until": GOALS,
        "seed": (0, 2**32 - 1),
    }

    # Numbers that must lie above their low end, not on it.
    LOW_OPEN: ClassVar[frozenset[str]] = frozenset({"learning_rate"})

    @classmethod
    def allowed(cls, name: str) -> str:
        """What `name` may be, in the words its error message uses."""
        allowed = cls.RANGES[name]
        if isinstance(allowed[0], str):
            return f"one of {', '.join(allowed)}"
        if isinstance(allowed[0], float):
            return f"a number in {_interval(*allowed, name in cls.LOW_OPEN)}"
        return f"a whole number from {allowed[0]} to {allowed[1]}"

    def __post_init__(self) -> None:
        for name, allowed in self.RANGES.items():
            value = getattr(self, name)
            if isinstance(allowed[0], str):
                checked = _check_choice(name, value, allowed)
            elif isinstance(allowed[0], float):
                checked = _check_float(name, value, *allowed, low_open=name in self.LOW_OPEN)
            else:
                checked = check_int(name, value, *allowed)
            object.__setattr__(self, name, checked)
        task = TASKS[self.task]
        if self.bits < task.min_bits():
            raise ValueError(
                f"bits must be from {task.min_bits()} to {encoding.MAX_BITS} for {self.task}, got {self.bits}"
            )
        if self.until == "proven" and task.name != "add":
            raise ValueError(f"until must be solved for {self.task}: the proof for every length is addition's only")

    @classmethod
    def from_dict(cls, values: dict) -> "Config":
        if not isinstance(values, dict):
            raise ValueError("config must be an object of hyperparameters")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"config has unknown field {unknown[0]!r}; allowed: {', '.join(sorted(known))}")
        return cls(**values)

    def to_dict(self) -> dict:
        return asdict(self)

    def units(self) -> str:
        """The network in a few words, for people: "16 tanh units"."""
        return f"{self.hidden} {label(self.cell, self.activation)} units"


@dataclass(frozen=True)
class Answer:
    operands: tuple[int, ...]
    bits: int
    probs: np.ndarray  # the probability of a 1 for each bit of the answer, least significant first
    answer: int  # the network's
    truth: int  # the task's, kept to `bits` bits

    @property
    def right(self) -> bool:
        return self.answer == self.truth


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss or gradient; the session kept its last finite state."""

    def __init__(self, step: int, cause: str, losses: np.ndarray) -> None:
        self.step = step
        self.cause = cause
        self.losses = losses  # the finite losses of this call, before the failed step
        super().__init__(
            f"training diverged at step {step}: {cause}. Lower the learning rate or turn on gradient clipping."
        )


_SOLVED = "solved"  # why a step was not taken with until_solved


class Session:
    def __init__(self, config: Config | None = None, **overrides) -> None:
        if config is None:
            config = Config(**overrides)
        elif overrides:
            config = Config(**{**config.to_dict(), **overrides})
        self.config = config
        self.task = TASKS[config.task]
        self.rng = np.random.default_rng(config.seed)
        inputs = self.task.operands
        self.params = model.init_params(self.rng, config.hidden, config.init, config.cell, inputs, config.activation)
        self.grads = model.Network(config.hidden, cell=config.cell, inputs=inputs, activation=config.activation)
        self.optimizer_state = optim.initial_state(config.optimizer, self.params.flat.size)
        self.step_count = 0
        # The weights as they were at chosen steps, to look back through (timeline.py).
        self.timeline = timeline.Timeline(self.params.flat.size)
        self.timeline.offer(0, self.params.flat)
        self.last_batch_accuracy: tuple[float, float] | None = None
        self._solved: tuple[int, bool] | None = None  # (step, answer): weights change only by stepping
        self._proof: tuple[int, Proof] | None = None
        self.proven_at: int | None = None  # the first step training until proven found a proof at
        # Pairs it got wrong when last asked: near a solution, the likeliest to be wrong again.
        self.counterexamples: tuple[tuple[int, int], ...] = ()
        self._replay: Session | None = None  # for replay_between only

    def step(self, n: int = 1, until_solved: bool = False) -> np.ndarray:
        """Run n training steps on fresh random batches; returns their losses.

        With until_solved, stops before the first step taken with weights that
        already add every pair right (see `solved`), so it may return fewer than
        n losses. A step's batch is scored before its update, and a batch with a
        wrong sum proves the weights unsolved, so most steps cost no check.

        Also sets `last_batch_accuracy`: (per-bit, exact-match) over the batches of
        this call. The batches are fresh draws, so this tracks accuracy without a
        separate evaluation pass.
        """
        n = check_int("n", n, 1, MAX_STEPS_PER_CALL)
        c = self.config
        losses = np.empty(n)
        self._bits_right = self._sums_right = self._pairs = 0
        # Batches are drawn a chunk at a time (cheaper than one by one, same stream),
        # in chunks small enough to keep their memory to a few MB.
        chunk = max(1, min(n, BATCH_CHUNK_FLOATS // (3 * c.bits * c.batch_size)))
        done = 0
        # Overflow is reported as a DivergenceError, not as NumPy warnings.
        with np.errstate(over="ignore", invalid="ignore"), self._scoring():
            while done < n:
                steps = min(chunk, n - done)
                rng_state = self.rng.bit_generator.state
                operands = self.task.random_batch_operands(self.rng, steps, c.batch_size, c.bits)
                inputs, targets = self.task.encode(operands, c.bits)
                for i in range(steps):
                    loss, stop = self._train_on(inputs[i], targets[i], until_solved)
                    if stop:
                        # Leave the generator just after the last step's batch: draw those again.
                        self.rng.bit_generator.state = rng_state
                        self.task.random_batch_operands(self.rng, i, c.batch_size, c.bits)
                        if stop is not _SOLVED:
                            raise DivergenceError(self.step_count + 1, stop, losses[:done].copy())
                        n = done
                        break
                    losses[done] = loss
                    done += 1
        return losses[:done]

    def reached_goal(self, batch_right: bool = True) -> bool:
        """Whether training until the goal (config.until) stops before the next step: solved, or
        proven at a multiple of PROOF_EVERY steps, or PROVEN_STEP_LIMIT steps without a proof.
        `batch_right` False (a batch with a wrong sum) settles that the goal is not reached.
        The timeline keeps the step where it is reached, whatever its schedule."""
        if self._goal_reached(batch_right):
            self.timeline.offer(self.step_count, self.params.flat, always=True)
            return True
        return False

    def _goal_reached(self, batch_right: bool) -> bool:
        c = self.config
        if c.until == "solved":
            return batch_right and self.solved()
        if self.step_count % PROOF_EVERY or self.step_count == 0:
            return False
        if batch_right and prove(self.params, c.bits, bounded=False).proven:
            self.proven_at = self.step_count if self.proven_at is None else self.proven_at
            return True
        return self.step_count >= PROVEN_STEP_LIMIT

    @contextmanager
    def _scoring(self):
        """Sets last_batch_accuracy from the steps taken, also when a divergence ends the call."""
        try:
            yield
        finally:
            if self._pairs:
                bits = self.config.bits
                self.last_batch_accuracy = (self._bits_right / (self._pairs * bits), self._sums_right / self._pairs)

    def _train_on(self, inputs: np.ndarray, targets: np.ndarray, until_solved: bool) -> tuple[float, str | None]:
        """One step; changes nothing and says why when anything is not finite, or when solved."""
        c = self.config
        trace = model.forward(self.params, inputs)
        right = (trace.logits > 0) == (targets > 0.5)
        sums_right = np.count_nonzero(right.all(axis=0))
        if until_solved and self.reached_goal(sums_right == c.batch_size):
            return 0.0, _SOLVED
        if c.hidden_noise:
            # The batch is scored without noise (above); the step learns from a noisy pass.
            trace = model.forward(self.params, inputs, self._hidden_noise(inputs.shape[:2]))
        loss = model.loss_value(trace, targets, c.loss)
        if not math.isfinite(loss):
            return loss, f"the loss is {loss}"
        self._bits_right += np.count_nonzero(right)
        self._sums_right += sums_right
        self._pairs += c.batch_size
        model.backward(self.params, trace, targets, c.loss, self.grads)
        grad = self.grads.flat
        # A sum of squares is finite only when every element is: one cheap check.
        if not math.isfinite(np.dot(grad, grad)):
            return loss, "the gradient is not finite"
        grad = optim.clip_by_global_norm(grad, c.clip)
        update, new_state = optim.update(c.optimizer, grad, self.optimizer_state, c.learning_rate)
        if not math.isfinite(np.dot(update, update)):
            return loss, "the weight update is not finite"
        self.params.flat += update
        self.optimizer_state = new_state
        self.step_count += 1
        self.timeline.offer(self.step_count, self.params.flat)
        return loss, None

    def _hidden_noise(self, shape: tuple[int, int]) -> np.ndarray:
        """Gaussian noise for the hidden states of the next step's forward pass.

        Drawn from the seed and the step number, not from the batches' generator, so the
        batches are the same with and without noise and a saved session resumes the same noise.
        """
        c = self.config
        rng = np.random.default_rng((c.seed, self.step_count + 1))
        noise = rng.standard_normal((*shape, c.hidden))
        noise *= c.hidden_noise
        return noise

    # -- evaluation -------------------------------------------------------

    def replay_between(self, after: int, before: int) -> Iterator[tuple[int, np.ndarray]]:
        """The weights of each step strictly between the kept steps `after` and `before`, as
        (step, flat), found by training a fresh session of this configuration again: the same
        seed draws the same batches. None when that does not give the kept weights at `after`
        (a run that was not this configuration's from its start, like the notebook's replay),
        or past REPLAY_MAX_STEPS steps, whose replay would cost more than it shows."""
        if before - 1 > REPLAY_MAX_STEPS:
            return
        replay = self._replay
        if replay is None or replay.step_count > after:
            replay = self._replay = Session(self.config)
        try:
            while replay.step_count < after:
                replay.step(min(after - replay.step_count, MAX_STEPS_PER_CALL))
            if not np.array_equal(replay.params.flat, self.timeline.at(after)):
                return
            while replay.step_count < before - 1:
                replay.step(1)
                yield replay.step_count, replay.params.flat.copy()
        except (DivergenceError, ValueError):  # a divergence, or `after` no longer kept
            return

    def weights_at(self, step: int | None = None) -> model.Network:
        """The weights now (step None or the current step), or as the timeline kept them at `step`."""
        if step is None or step == self.step_count:
            return self.params
        c = self.config
        return model.Network(c.hidden, self.timeline.at(step), c.cell, self.task.operands, c.activation)

    def evaluate(
        self, bits: int | None = None, sample: int = evaluation.SOLVED_SAMPLE, seed: int = 0, at: int | None = None
    ) -> evaluation.Accuracy:
        """Accuracy at `bits` (default: the trained width); wider tests length generalisation."""
        weights = self.weights_at(at)
        return evaluation.evaluate(weights, bits or self.config.bits, sample, seed, self.task)

    def solved(self) -> bool:
        """Every pair right at the trained width (see evaluation.wrong_pairs); asked twice, computed once."""
        if self._solved is None or self._solved[0] != self.step_count:
            c = self.config
            wrong = evaluation.wrong_pairs(self.params, c.bits, self.counterexamples, task=self.task)
            self.counterexamples = tuple(dict.fromkeys(wrong + list(self.counterexamples)))[:COUNTEREXAMPLES]
            self._solved = (self.step_count, not wrong)
        return self._solved[1]

    def proof(self) -> Proof:
        """Whether the network adds on every input of every length (proof.py); computed once a step."""
        if self._proof is None or self._proof[0] != self.step_count:
            self._proof = (self.step_count, prove(self.params, self.config.bits))
        return self._proof[1]

    def ask(self, *operands: int, bits: int | None = None, at: int | None = None) -> "Answer":
        """The network's answer for its task on these operands (a + b for addition), at `bits`
        (default: the trained width, or as wide as the answer needs), with the weights of step
        `at` (default: now)."""
        if bits is None:
            self.task.check(operands, encoding.MAX_BITS)
            bits = max(self.config.bits, self.task.needed_bits(operands))
        probs = self.probabilities(*operands, bits=bits, at=at)
        answer = encoding.bits_to_int(encoding.probs_to_bits(probs))
        return Answer(tuple(int(v) for v in operands), bits, probs, answer, self.task.answer(operands, bits))

    def _single(self, operands: tuple[int, ...], bits: int | None, at: int | None) -> model.Trace:
        width = self.config.bits if bits is None else encoding.check_bits(bits)
        self.task.check(operands, width)
        inputs, _ = self.task.encode(np.array(operands, dtype=np.uint64)[:, None], width)
        return model.forward(self.weights_at(at), inputs)

    def probabilities(self, *operands: int, bits: int | None = None, at: int | None = None) -> np.ndarray:
        """The network's probability for each bit of the answer (a + b), least significant first."""
        return self._single(operands, bits, at).probs[:, 0]

    def hidden_states(self, *operands: int, bits: int | None = None, at: int | None = None) -> np.ndarray:
        """Hidden activations (T, H) while the network works on these operands."""
        return self._single(operands, bits, at).hidden[1:, 0, :]
