"""A training run as a record: its configuration, its curves and how it ended.

The page keeps one for every run it trains, to compare them; `rnnadd train
--log FILE` writes the same JSON, so a run from the terminal can join them.
Curves are bounded: neighbouring points merge, as in the page's charts, so a
record holds at most CURVE_POINTS points however long the run.
"""

import numpy as np

RUN_FORMAT = "rnnadd-run"
RUN_VERSION = 1
CURVE_POINTS = 512


def merged(steps: np.ndarray, values: np.ndarray, limit: int = CURVE_POINTS) -> dict:
    """At most `limit` points: runs of 2^k neighbours averaged, the last partial run dropped."""
    steps, values = np.asarray(steps, dtype=float), np.asarray(values, dtype=float)
    stride = 1
    while steps.size > limit * stride:
        stride *= 2
    whole = steps.size // stride * stride
    return {
        "steps": steps[:whole].reshape(-1, stride).mean(axis=1).tolist(),
        "values": values[:whole].reshape(-1, stride).mean(axis=1).tolist(),
    }


def record(
    config: dict,
    losses: np.ndarray,
    exact: tuple[np.ndarray, np.ndarray],
    solved_at: int | None,
    solve_ms: float | None,
    diverged_at: int | None = None,
    first_step: int = 1,
    milestones: list[dict] | None = None,
    machine: dict | None = None,
) -> dict:
    """A run: `losses` one per step from `first_step`; `exact` as (steps, exact-match) pairs;
    `milestones` as [{name, step}] (milestones.py); `machine` as {states, equivalent}, the
    machine read off its last weights (machine.py)."""
    steps = np.arange(first_step, first_step + len(losses))
    return {
        "format": RUN_FORMAT,
        "version": RUN_VERSION,
        "config": config,
        "steps": int(first_step + len(losses) - 1),
        "solvedAt": solved_at,
        "solveMs": solve_ms,
        "divergedAt": diverged_at,
        "finalLoss": float(losses[-1]) if len(losses) else None,
        "loss": merged(steps, losses),
        "exact": merged(*exact),
        "milestones": milestones or [],
        "machine": machine,
    }
