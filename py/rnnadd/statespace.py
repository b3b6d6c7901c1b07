"""The hidden states of fixed problems, seen along the two directions in which they vary most.

Every state of a seeded set of problems, every time step, projected on its first
two principal components (an SVD of the centred states). A network that has
learnt to carry pulls the states after a carry apart from the others.
"""

import numpy as np

from . import evaluation, model
from .tasks import ADD, Task

STATE_PAIRS = 256
PARTED_DIRECTIONS = 16
MAX_POINT_FLOATS = 2**19  # the SVD's input stays below 4 MB, so wide networks show fewer problems


def _states(params: model.Network, bits: int, seed: int, task: Task = ADD) -> tuple[np.ndarray, ...]:
    """The seeded problems' operands (operands, N), their hidden states (N * T, H), time-major,
    and the task machine's memory after each state (zero where the task has no machine)."""
    pairs = max(8, min(STATE_PAIRS, MAX_POINT_FLOATS // (bits * params.hidden)))
    operands = task.random_operands(np.random.default_rng(seed), pairs, bits)
    inputs, _ = task.encode(operands, bits)
    states = model.forward(params, inputs).hidden[1:].reshape(-1, params.hidden)
    memory = evaluation.memory(inputs, task) if task.machine else np.zeros(inputs.shape[:2])
    return operands, states, memory.reshape(-1)


def state_space(params: model.Network, bits: int, seed: int, selected: tuple[int, ...], task: Task = ADD) -> dict:
    """Points {x, y} (one per problem and step, time-major), the true carry (the task machine's
    memory) after each step, the problems' operands, the share of the states' variance each
    axis explains, and the path of the `selected` problem through the same picture."""
    operands, states, carry = _states(params, bits, seed, task)
    centred = states - states.mean(axis=0)
    _, singular, axes = np.linalg.svd(centred, full_matrices=False)
    axes = np.vstack([axes[:2], np.zeros((max(0, 2 - len(axes)), params.hidden))])
    projected = centred @ axes.T
    width = max(bits, task.needed_bits(selected))
    one = task.encode(np.array(selected, dtype=np.uint64)[:, None], width)
    path = (model.forward(params, one[0]).hidden[1:, 0] - states.mean(axis=0)) @ axes.T
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
        **{letter: [str(v) for v in row.tolist()] for letter, row in zip(task.letters, operands, strict=True)},
        "steps": bits,
        "explained": explained,
        "path": {
            **dict(zip(task.letters, map(str, selected), strict=True)),
            "text": task.spell(selected),
            "x": path[:, 0].tolist(),
            "y": path[:, 1].tolist(),
        },
    }


def parted(params: model.Network, bits: int, seed: int, task: Task = ADD) -> float:
    """How cleanly the picture's states after a carry stand apart from the others in the hidden
    space itself (its PARTED_DIRECTIONS principal directions, for wider networks): the share of
    states that one flat cut (along the least-squares direction from the states to the carry)
    puts on their own side. About 0.94 before training, where the input bits alone place most
    states; 1.0 for a clean split. With more than two values of the memory (a carry of 0-2),
    the worst over each two of them, cut apart among their own states."""
    _, states, carry = _states(params, bits, seed, task)
    centred = states - states.mean(axis=0)
    if centred.shape[1] > PARTED_DIRECTIONS:
        # Few states in many dimensions can always be cut apart: look along the main directions only.
        centred = centred @ np.linalg.svd(centred, full_matrices=False)[2][:PARTED_DIRECTIONS].T
    values = np.unique(carry)
    shares = []
    for i, low in enumerate(values):
        for high in values[i + 1 :]:
            chosen = (carry == low) | (carry == high)
            points = centred if chosen.all() else centred[chosen] - centred[chosen].mean(axis=0)
            shares.append(_cut(points, carry[chosen] == high))
    return min(shares, default=1.0)


def _cut(points: np.ndarray, after: np.ndarray) -> float:
    """The share of (centred) points the best flat cut along the least-squares direction to
    `after` puts on their own side: `after` ones above it, the others at or below."""
    direction, *_ = np.linalg.lstsq(points, after - after.mean(), rcond=None)
    order = np.argsort(points @ direction, kind="stable")
    zeros_below = np.concatenate([[0], np.cumsum(~after[order])])
    ones_above = after.sum() - np.concatenate([[0], np.cumsum(after[order])])
    return float((zeros_below + ones_above).max() / len(after))
