"""The hidden states of fixed problems, seen along the two directions in which they vary most.

Every state of a seeded set of problems, every time step, projected on its first
two principal components (an SVD of the centred states). A network that has
learnt to carry pulls the states after a carry apart from the others.
"""

import numpy as np

from . import encoding, evaluation, model

STATE_PAIRS = 256
PARTED_DIRECTIONS = 16
MAX_POINT_FLOATS = 2**19  # the SVD's input stays below 4 MB, so wide networks show fewer problems


def _states(params: model.Params, activation: str, bits: int, seed: int) -> tuple[np.ndarray, ...]:
    """The seeded problems' operands a and b, their hidden states (N, H), time-major, and the
    true carry after each state (N,)."""
    pairs = max(8, min(STATE_PAIRS, MAX_POINT_FLOATS // (bits * params.hidden)))
    a, b = encoding.random_pairs(np.random.default_rng(seed), pairs, bits)
    inputs, _ = encoding.encode_pairs(a, b, bits)
    states = model.forward(params, inputs, activation).hidden[1:].reshape(-1, params.hidden)
    return a, b, states, evaluation.memory(inputs).reshape(-1)


def state_space(params: model.Params, activation: str, bits: int, seed: int, selected: tuple[int, int]) -> dict:
    """Points {x, y} (one per problem and step, time-major), the true carry after each step,
    the problems' operands, the share of the states' variance each axis explains, and the
    path of the `selected` problem (a, b) through the same picture."""
    a, b, states, carry = _states(params, activation, bits, seed)
    centred = states - states.mean(axis=0)
    _, singular, axes = np.linalg.svd(centred, full_matrices=False)
    axes = np.vstack([axes[:2], np.zeros((max(0, 2 - len(axes)), params.hidden))])
    projected = centred @ axes.T
    a_selected, b_selected = selected
    width = max(bits, (a_selected + b_selected).bit_length())
    one = encoding.encode_pairs(np.array([a_selected], dtype=np.uint64), np.array([b_selected], dtype=np.uint64), width)
    path = (model.forward(params, one[0], activation).hidden[1:, 0] - states.mean(axis=0)) @ axes.T
    # An SVD's signs are arbitrary; fixing them keeps the picture from flipping between updates:
    # states after a carry to the right and up, or else the largest weight positive.
    for i in range(2):
        apart = projected[carry > 0.5, i].mean() - projected[carry < 0.5, i].mean() if 0 < carry.mean() < 1 else 0.0
        leaning = apart if abs(apart) > 1e-12 else axes[i, np.argmax(np.abs(axes[i]))]
        if leaning < 0:
            projected[:, i] *= -1
            path[:, i] *= -1
    variance = singular**2
    total = variance.sum()
    explained = [float(variance[i] / total) if total > 0 and i < len(variance) else 0.0 for i in range(2)]
    return {
        "x": projected[:, 0].tolist(),
        "y": projected[:, 1].tolist(),
        "carry": carry.astype(int).tolist(),
        "a": [str(v) for v in a.tolist()],
        "b": [str(v) for v in b.tolist()],
        "steps": bits,
        "explained": explained,
        "path": {"a": str(a_selected), "b": str(b_selected), "x": path[:, 0].tolist(), "y": path[:, 1].tolist()},
    }


def parted(params: model.Params, activation: str, bits: int, seed: int) -> float:
    """How cleanly the picture's states after a carry stand apart from the others in the hidden
    space itself (its PARTED_DIRECTIONS principal directions, for wider networks): the share of
    states that one flat cut (along the least-squares direction from the states to the carry)
    puts on their own side. About 0.94 before training, where the input
    bits alone place most states; 1.0 for a clean split."""
    _, _, states, carry = _states(params, activation, bits, seed)
    after = carry > 0.5
    if after.all() or not after.any():
        return 1.0
    centred = states - states.mean(axis=0)
    if centred.shape[1] > PARTED_DIRECTIONS:
        # Few states in many dimensions can always be cut apart: look along the main directions only.
        centred = centred @ np.linalg.svd(centred, full_matrices=False)[2][:PARTED_DIRECTIONS].T
    direction, *_ = np.linalg.lstsq(centred, carry - carry.mean(), rcond=None)
    order = np.argsort(centred @ direction, kind="stable")
    # A cut after the i-th lowest state: carry-0 states at or below it, carry-1 states above.
    zeros_below = np.concatenate([[0], np.cumsum(~after[order])])
    ones_above = after.sum() - np.concatenate([[0], np.cumsum(after[order])])
    return float((zeros_below + ones_above).max() / len(carry))
