"""What the network can be asked to compute, bit by bit, least significant bit first.

Each step it reads one bit of each operand (its input symbol: 2a + b for two
operands, 4a + 2b + c for three) and writes one bit of the answer. Every task but
multiplication is done by a finite machine reading the same bits (`machine`: a
Mealy machine, whose state is the carry or the borrow); a network with a fixed
hidden state can learn those, and the machine read off its weights (machine.py)
can be compared with the task's own exactly. Multiplication has no such machine:
bit t of a x b depends on every pair of operand bits below t, more than any
fixed number of states can hold, so what a network learns of it fades with the
width.

Operands keep their top `bits - width(bits)` bits zero, so that the answer fits
the width: below 2^(bits-1) for a sum of two, as in the notebook.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import encoding
from .mealy import Machine, from_rule


@dataclass(frozen=True)
class Task:
    name: str
    title: str  # "binary addition"
    template: str  # "{a} + {b}": the task written with its operands
    operands: int  # numbers read, one bit of each per step
    width: Callable[[int], int]  # the operands' bits at a training width of `bits`
    compute: Callable[..., np.ndarray]  # the answer from uint64 operand arrays (kept mod 2^bits)
    machine: Machine | None  # the finite machine that does it, None where none can
    machine_name: str  # that machine, for people: "the adder"
    memory: str  # what the machine's state is, for people: "carry"
    answers: str  # what its answers are called: "sums"
    bit0: str  # the answer's bit 0 from the operands' bit 0, which needs no memory: "a0 xor b0"
    # Settings that differ from Config's defaults where those do not learn the task in a few
    # thousand steps (tests/test_tasks.py trains seeds 0-4 with them).
    suggested: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def letters(self) -> str:
        return "abc"[: self.operands]

    @property
    def answer_word(self) -> str:
        """One answer: "sum"."""
        return self.answers.removesuffix("s")

    @property
    def problem_word(self) -> str:
        """What one problem's operands are called: "pair"."""
        return {1: "number", 2: "pair", 3: "triple"}[self.operands]

    @property
    def formula(self) -> str:
        """The task in letters: "a + b"."""
        return self.spell(self.letters)

    def spell(self, operands) -> str:
        """The task with these operands: "5 + 3"."""
        return self.template.format(**dict(zip(self.letters, map(str, operands), strict=True)))

    @property
    def symbols(self) -> int:
        return 2**self.operands

    def min_bits(self) -> int:
        """The narrowest training width whose operands have a bit."""
        return next(bits for bits in range(encoding.MIN_BITS, encoding.MAX_BITS + 1) if self.width(bits) >= 1)

    def random_operands(self, rng: np.random.Generator, count: int, bits: int) -> np.ndarray:
        """(operands, count) uniform operands below 2^width(bits), from one draw of raw 64-bit words.

        Masking raw draws is exactly uniform for a power-of-two range and much cheaper than
        Generator.integers for small batches; for addition it is the notebook's stream.
        """
        return self.random_batch_operands(rng, 1, count, bits)[0]

    def random_batch_operands(self, rng: np.random.Generator, steps: int, count: int, bits: int) -> np.ndarray:
        """(steps, operands, count): the same stream as `steps` calls of random_operands."""
        raw = rng.bit_generator.random_raw(self.operands * count * steps).reshape(steps, self.operands, count)
        raw &= np.uint64(2 ** self.width(bits) - 1)
        return raw

    def all_operands(self, bits: int) -> np.ndarray:
        """(operands, n): every operand tuple at `bits`, the last operand varying fastest."""
        values = np.arange(2 ** self.width(bits), dtype=np.uint64)
        grids = np.meshgrid(*[values] * self.operands, indexing="ij")
        return np.stack([grid.reshape(-1) for grid in grids])

    def count(self, bits: int) -> int:
        """How many operand tuples there are at `bits`."""
        return 2 ** (self.operands * self.width(bits))

    def encode(self, operands: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
        """Operands (..., operands, B) -> inputs (..., T, B, operands) and targets (..., T, B)."""
        operands = np.asarray(operands, dtype=np.uint64)
        # uint64 arrays wrap silently: the answer is kept mod 2^64, then to its low `bits` bits.
        answers = self.compute(*(operands[..., i, :] for i in range(self.operands)))
        values = np.concatenate([operands, answers[..., None, :]], axis=-2)
        all_bits = encoding.int_to_bits(values, bits)  # (..., operands + 1, B, T)
        inputs = np.swapaxes(all_bits[..., : self.operands, :, :], -3, -1)
        targets = np.swapaxes(all_bits[..., self.operands, :, :], -1, -2)
        return np.ascontiguousarray(inputs), np.ascontiguousarray(targets)

    def answer(self, operands, bits: int) -> int:
        """The answer, in exact integer arithmetic, kept to `bits` bits."""
        return self._exact(operands) % 2**bits

    def check(self, operands, bits: int) -> None:
        """Whole, non-negative operands, as many as the task reads, whose answer fits `bits` bits."""
        if len(operands) != self.operands:
            raise ValueError(f"{self.formula} takes {self.operands} number(s), got {len(operands)}")
        for name, value in zip(self.letters, operands, strict=True):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise ValueError(f"{name} must be a whole number, got {value!r}")
            if value < 0:
                raise ValueError(f"{name} must be 0 or more, got {value}")
        exact = self._exact(operands)
        for name, value in [(self.formula, exact), *zip(self.letters, map(int, operands), strict=True)]:
            if value >= 2**bits:
                raise ValueError(f"{name} must be below 2^{bits} = {2**bits} for bits={bits}, got {value}")

    def needed_bits(self, operands) -> int:
        """The width the answer and the operands need (a difference below 0 needs its operands')."""
        return max(max(self._exact(operands), 0).bit_length(), *(int(v).bit_length() for v in operands))

    def _exact(self, operands) -> int:
        """The answer in Python's integers, unbounded: a difference may be below 0."""
        return int(self.compute(*(int(v) for v in operands)))

    def symbols_of(self, inputs: np.ndarray) -> np.ndarray:
        """Encoded inputs (T, B, operands) -> symbols (T, B)."""
        weights = 2 ** np.arange(self.operands - 1, -1, -1)
        return (inputs @ weights).astype(np.intp)

    def operands_of(self, symbols: tuple[int, ...]) -> tuple[int, ...]:
        """The operands whose bits, least significant first, the symbols spell."""
        shifts = range(self.operands - 1, -1, -1)
        return tuple(sum(((x >> shift) & 1) << t for t, x in enumerate(symbols)) for shift in shifts)


def _add(state: int, x: int) -> tuple[int, int]:
    total = (x >> 1) + (x & 1) + state
    return total >> 1, total & 1


def _sub(state: int, x: int) -> tuple[int, int]:
    difference = (x >> 1) - (x & 1) - state
    return int(difference < 0), difference & 1


def _add3(state: int, x: int) -> tuple[int, int]:
    total = (x >> 2) + ((x >> 1) & 1) + (x & 1) + state
    return total >> 1, total & 1


def _times3(state: int, x: int) -> tuple[int, int]:
    # 3a = a + 2a: bit t adds a_t, a_(t-1) and a carry; the state is a_(t-1) + carry, 0 to 2.
    total = x + state
    return x + (total >> 1), total & 1


TASKS = {
    task.name: task
    for task in (
        Task("add", "binary addition", "{a} + {b}", 2, lambda bits: bits - 1, lambda a, b: a + b,
             from_rule(2, 4, _add), "the adder", "carry", "sums", "a0 xor b0"),
        Task("sub", "binary subtraction", "{a} - {b}", 2, lambda bits: bits, lambda a, b: a - b,
             from_rule(2, 4, _sub), "the subtractor", "borrow", "differences", "a0 xor b0"),
        Task("add3", "adding three numbers", "{a} + {b} + {c}", 3, lambda bits: bits - 2, lambda a, b, c: a + b + c,
             from_rule(3, 8, _add3), "the three-number adder", "carry", "sums", "a0 xor b0 xor c0",
             {"learning_rate": 0.02, "batch_size": 128, "clip": 0.5}),
        Task("times3", "multiplying by three", "3 \u00d7 {a}", 1, lambda bits: bits - 2, lambda a: 3 * a,
             from_rule(3, 2, _times3), "the times-three machine", "carry", "products", "a0"),
        Task("mul", "binary multiplication", "{a} \u00d7 {b}", 2, lambda bits: bits // 2, lambda a, b: a * b,
             None, "no finite machine", "partial products", "products", "a0 and b0",
             {"hidden": 32, "learning_rate": 0.01, "batch_size": 64}),
    )
}  # fmt: skip
ADD = TASKS["add"]
