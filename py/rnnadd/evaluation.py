"""How well given weights add: per-bit and exact-match accuracy at any width."""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import encoding, model

MAX_EXHAUSTIVE_PAIRS = 65_536
# Forward passes run in chunks so that evaluating many pairs with a large
# hidden layer stays within a few tens of MB.
CHUNK_ELEMENTS = 2**21


@dataclass(frozen=True)
class Accuracy:
    bits: int
    pairs: int
    exhaustive: bool  # every operand pair, or a seeded sample
    per_bit: float
    exact_match: float


@lru_cache(maxsize=8)
def evaluation_set(bits: int, sample: int, seed: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Every operand pair when there are at most 65,536 of them, else a seeded sample."""
    if 4 ** (bits - 1) <= MAX_EXHAUSTIVE_PAIRS:
        a, b = encoding.all_pairs(bits)
        exhaustive = True
    else:
        a, b = encoding.random_pairs(np.random.default_rng(seed), sample, bits)
        exhaustive = False
    inputs, targets = encoding.encode_pairs(a, b, bits)
    inputs.flags.writeable = False
    targets.flags.writeable = False
    return inputs, targets, exhaustive


def evaluate(params: model.Params, activation: str, bits: int, sample: int = 10_000, seed: int = 0) -> Accuracy:
    bits = encoding.check_bits(bits)
    if isinstance(sample, bool) or not isinstance(sample, int) or not 1 <= sample <= 1_000_000:
        raise ValueError(f"sample must be a whole number from 1 to 1000000, got {sample!r}")
    inputs, targets, exhaustive = evaluation_set(bits, sample, seed)
    pairs = targets.shape[1]
    chunk = max(1, CHUNK_ELEMENTS // ((bits + 1) * params.hidden))
    bits_right = 0
    sums_right = 0
    for start in range(0, pairs, chunk):
        probs = model.forward(params, inputs[:, start : start + chunk], activation).probs
        correct = (probs > 0.5) == (targets[:, start : start + chunk] > 0.5)
        bits_right += int(correct.sum())
        sums_right += int(correct.all(axis=0).sum())
    return Accuracy(bits, pairs, exhaustive, bits_right / (pairs * bits), sums_right / pairs)
