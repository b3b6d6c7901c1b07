"""Measurements that run unchanged in CPython and, sent as source, in Pyodide.

In Pyodide, bench/plain_rnn.py's source runs first, so PlainRNN is defined here.
"""

import time

from rnnadd import Session

if "PlainRNN" not in globals():  # in Pyodide, plain_rnn.py's source ran first in this namespace
    from plain_rnn import PlainRNN


def steps_per_second(seconds: float, chunk: int = 50) -> float:
    """Default-configuration training steps per second, in chunks as the page takes them."""
    session = Session()
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        session.step(chunk)
        steps += chunk
    return steps / (time.perf_counter() - started)


def plain_steps_per_second(seconds: float) -> float:
    """The same for the plain vectorised baseline, one step per call as it is written."""
    plain = PlainRNN()
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        plain.step()
        steps += 1
    return steps / (time.perf_counter() - started)


def time_to_solve(seed: int, max_steps: int = 2000) -> dict:
    """Steps and milliseconds of training (checks not timed) to 100% exact-match on every pair."""
    session = Session(seed=seed)
    trained = 0.0
    while session.step_count < max_steps:
        started = time.perf_counter()
        session.step(1)
        trained += time.perf_counter() - started
        if session.evaluate().exact_match == 1.0:
            return {"seed": seed, "steps": session.step_count, "ms": trained * 1000}
    return {"seed": seed, "steps": None, "ms": trained * 1000}
