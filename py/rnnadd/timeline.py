"""The weights as they were: kept at chosen steps while training, to look back through.

Every step up to 64, where the network changes fastest, then 16 steps per
doubling of the step count (log-spaced: 64, 67, 70, ... 128, 134, ...), so a run
of 100,000 steps keeps about 230. The kept weights stay within BUDGET_BYTES: a
network too big for all of them gives up, one at a time, the kept step whose
neighbours lie closest (in log steps), so the kept steps stay spread over the
whole run. A saved session carries as many of them as fit in SAVED_FLOATS.
"""

import bisect
import math

import numpy as np

DENSE_STEPS = 64
PER_DOUBLING = 16
BUDGET_BYTES = 64 * 2**20
SAVED_FLOATS = 2**21  # about 50 MB of JSON text at most


def wanted(step: int) -> bool:
    """Whether the schedule keeps this step."""
    if step <= DENSE_STEPS:
        return True
    k = round(PER_DOUBLING * math.log2(step / DENSE_STEPS))
    return step == round(DENSE_STEPS * 2 ** (k / PER_DOUBLING))


def _kept(steps: list[int], capacity: int) -> list[int]:
    """Indices of the steps to keep, at most `capacity`: the last always (when any fit), the first
    when two fit, and between them, dropped one at a time, the one whose neighbours lie closest
    in log(step + 1)."""
    if capacity < 2:
        return list(range(len(steps)))[-capacity:] if capacity else []
    kept = list(range(len(steps)))
    while len(kept) > capacity:
        logs = np.log1p([steps[i] for i in kept])
        kept.pop(1 + int(np.argmin(logs[2:] - logs[:-2])))
    return kept


class Timeline:
    """Kept steps, increasing, and the flat weights at each."""

    def __init__(self, size: int, budget_bytes: int = BUDGET_BYTES) -> None:
        self.capacity = budget_bytes // (8 * size)
        self.steps: list[int] = []
        self.weights: list[np.ndarray] = []

    def offer(self, step: int, flat: np.ndarray, always: bool = False) -> None:
        """Keep a copy of the weights after `step` steps if the schedule wants them (or `always`:
        the step a run was solved at, which its milestones and its look back name)."""
        if not (always or wanted(step)) or (self.steps and step <= self.steps[-1]) or self.capacity == 0:
            return
        self.steps.append(step)
        self.weights.append(flat.copy())
        if len(self.steps) > self.capacity:
            kept = _kept(self.steps, self.capacity)
            self.steps = [self.steps[i] for i in kept]
            self.weights = [self.weights[i] for i in kept]

    def at(self, step: int) -> np.ndarray:
        """The weights kept at exactly `step`; ValueError naming the kept steps otherwise."""
        i = bisect.bisect_left(self.steps, step)
        if i == len(self.steps) or self.steps[i] != step:
            raise ValueError(f"step must be one of the {len(self.steps)} kept steps ({self.describe()}), got {step}")
        return self.weights[i]

    def describe(self) -> str:
        """The kept steps in a few words: "0 to 64, then 67, 70, ... 1,024"."""
        if not self.steps:
            return "none"
        dense = 0
        while dense < len(self.steps) and self.steps[dense] == dense:
            dense += 1
        parts = [f"0 to {dense - 1}"] if dense > 1 else [str(s) for s in self.steps[:1]]
        rest = self.steps[max(dense, 1) :]
        if rest:
            shown = rest[:2] + (["..."] if len(rest) > 3 else []) + rest[2:][-1:]
            parts.append(("then " if dense > 1 else "") + ", ".join(str(s) for s in shown))
        return ", ".join(parts)

    def to_json(self) -> dict:
        """As many kept steps as fit in SAVED_FLOATS, thinned as above: {steps, params}."""
        size = self.weights[0].size if self.weights else 1
        kept = _kept(self.steps, SAVED_FLOATS // size)
        return {"steps": [self.steps[i] for i in kept], "params": [self.weights[i].tolist() for i in kept]}
