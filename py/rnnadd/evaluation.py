"""How well given weights add: per-bit and exact-match accuracy at any width."""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import encoding, model

MAX_EXHAUSTIVE_PAIRS = 65_536
# Work arrays stay below this many floats (32 MB), whatever the hidden size.
MAX_WORK_FLOATS = 2**22


@dataclass(frozen=True)
class Accuracy:
    bits: int
    pairs: int
    exhaustive: bool  # every operand pair, or a seeded sample
    per_bit: float
    exact_match: float


def evaluate(params: model.Params, activation: str, bits: int, sample: int = 10_000, seed: int = 0) -> Accuracy:
    """Every operand pair when there are at most 65,536 of them, else `sample` seeded pairs."""
    bits = encoding.check_bits(bits)
    if isinstance(sample, bool) or not isinstance(sample, int) or not 1 <= sample <= 1_000_000:
        raise ValueError(f"sample must be a whole number from 1 to 1000000, got {sample!r}")
    pairs = 4 ** (bits - 1)
    if pairs <= MAX_EXHAUSTIVE_PAIRS:
        if params.cell == "elman" and pairs * params.hidden <= MAX_WORK_FLOATS:
            bits_right, sums_right = _count_right_by_prefix(params, activation, bits)
        else:
            bits_right, sums_right = _count_right(params, activation, *_encoded(bits, 0, 0))
        return Accuracy(bits, pairs, True, bits_right / (pairs * bits), sums_right / pairs)
    return evaluate_sample(params, activation, bits, sample, seed)


def evaluate_sample(params: model.Params, activation: str, bits: int, sample: int, seed: int) -> Accuracy:
    """Accuracy on `sample` seeded pairs, even where every pair could be checked: cheap to repeat."""
    bits_right, sums_right = _count_right(params, activation, *_encoded(bits, sample, seed))
    return Accuracy(bits, sample, False, bits_right / (sample * bits), sums_right / sample)


@lru_cache(maxsize=8)
def _encoded(bits: int, sample: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (sample = 0) or a seeded sample, encoded once and reused."""
    if sample == 0:
        a, b = encoding.all_pairs(bits)
    else:
        a, b = encoding.random_pairs(np.random.default_rng(seed), sample, bits)
    inputs, targets = encoding.encode_pairs(a, b, bits)
    inputs.flags.writeable = False
    targets.flags.writeable = False
    return inputs, targets


def _count_right(params: model.Params, activation: str, inputs: np.ndarray, targets: np.ndarray) -> tuple[int, int]:
    """(bits right, sums right) by forward passes over chunks of the pairs."""
    bits, pairs = targets.shape
    chunk = max(1, MAX_WORK_FLOATS // ((bits + 1) * params.hidden))
    bits_right = sums_right = 0
    for start in range(0, pairs, chunk):
        logits = model.forward(params, inputs[:, start : start + chunk], activation).logits
        right = (logits > 0) == (targets[:, start : start + chunk] > 0.5)
        bits_right += int(right.sum())
        sums_right += int(right.all(axis=0).sum())
    return bits_right, sums_right


# The four (a bit, b bit) inputs a time step can bring.
_A_BIT = np.array([0, 0, 1, 1])
_B_BIT = np.array([0, 1, 0, 1])


def _count_right_by_prefix(params: model.Params, activation: str, bits: int) -> tuple[int, int]:
    """(bits right, sums right) over every pair, walking the tree of shared low-bit prefixes.

    The state after t steps depends only on the low t bits of a and b, so all
    pairs sharing them share that work: the tree has about 4/3 as many nodes as
    there are pairs, where running each pair separately costs `bits` times as many.
    """
    input_drive = np.stack([_A_BIT, _B_BIT], axis=1) @ params.w_ih
    hidden = np.zeros((1, params.hidden))
    carry = np.zeros(1, dtype=np.int64)
    all_right = np.ones(1, dtype=bool)
    bits_right = 0
    for t in range(bits):
        # Operands are below 2^(bits-1), so their top bits are both 0.
        choices = slice(0, 1) if t == bits - 1 else slice(0, 4)
        drive = hidden @ params.w_hh + params.b_ih
        z = drive[:, None, :] + input_drive[None, choices, :]
        hidden = model.activate(z.reshape(-1, params.hidden), activation)
        a_bit = np.tile(_A_BIT[choices], carry.size)
        b_bit = np.tile(_B_BIT[choices], carry.size)
        carry_in = np.repeat(carry, z.shape[1])
        target = a_bit ^ b_bit ^ carry_in
        carry = (a_bit & b_bit) | (carry_in & (a_bit ^ b_bit))
        logits = hidden @ params.w_ho[:, 0] + params.b_ho[0]
        right = (logits > 0) == (target == 1)
        pairs_below = 4 ** max(bits - 2 - t, 0)
        bits_right += int(right.sum()) * pairs_below
        all_right = np.repeat(all_right, z.shape[1]) & right
    return bits_right, int(all_right.sum())


def carries(inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The carry out of each bit position, (T, B): what the hidden state must remember."""
    # The carry into bit t is the sum bit xor both operand bits; the carry out of
    # bit t is the carry into bit t + 1, and nothing carries out of the top bit.
    carry_in = (targets > 0.5) ^ (inputs[..., 0] > 0.5) ^ (inputs[..., 1] > 0.5)
    carry_out = np.zeros_like(carry_in)
    carry_out[:-1] = carry_in[1:]
    return carry_out.astype(np.float64)


def carry_correlations(
    params: model.Params, activation: str, bits: int, sample: int = 512, seed: int = 0
) -> np.ndarray:
    """Per hidden unit, the correlation of its activation with the carry, over a seeded sample."""
    inputs, targets = _encoded(bits, sample, seed)
    states = model.forward(params, inputs, activation).hidden[1:].reshape(-1, params.hidden)
    carry = carries(inputs, targets).reshape(-1)
    states = states - states.mean(axis=0)
    carry = carry - carry.mean()
    spread = np.sqrt((states * states).sum(axis=0) * (carry @ carry))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(spread > 0, (carry @ states) / spread, 0.0)
