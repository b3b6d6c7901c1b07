"""A saved session: every rule about the file, for the command line and the page alike.

A session (configuration, weights, optimiser moments, random generator, step
count, the kept weights of its timeline) is written as one JSON object and read
back bit-identically. Reading checks everything: the file's size against the
largest session a valid configuration can make, that it is UTF-8 JSON, and each
field, a malformed one raising ValueError that names it ("snapshot.params must
be a list of 321 numbers").
"""

import json
import math
import os

import numpy as np

from . import model, timeline
from .cells import CELLS
from .session import Config, Session, check_int
from .tasks import TASKS

FORMAT = "rnnadd-session"
VERSION = 1
FIELDS = frozenset({"format", "version", "config", "step", "params", "optimizer", "rng", "timeline"})


def largest_bytes() -> int:
    """More than the JSON text of any session a valid configuration can save.

    Its weights and Adam's two moments, and the timeline's kept weights, each
    number written in at most 24 characters and a separator: files larger than
    this are not sessions.
    """
    hidden = Config.RANGES["hidden"][1]
    inputs = max(task.operands for task in TASKS.values())
    shapes = [model.param_shapes(hidden, cell, inputs) for cell in CELLS]
    numbers = max(sum(math.prod(shape) for shape in cell_shapes.values()) for cell_shapes in shapes)
    return (3 * numbers + timeline.SAVED_FLOATS) * (24 + 2) + 4096


def to_dict(session: Session) -> dict:
    """The session as plain JSON values."""
    rng = session.rng.bit_generator.state
    state = session.optimizer_state
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": session.config.to_dict(),
        "step": session.step_count,
        "params": session.params.flat.tolist(),
        "timeline": session.timeline.to_json(),
        "optimizer": {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in state.items()},
        # 128-bit integers as strings: JSON readers in browsers keep only 53 bits.
        "rng": {
            "state": str(rng["state"]["state"]),
            "inc": str(rng["state"]["inc"]),
            "has_uint32": rng["has_uint32"],
            "uinteger": rng["uinteger"],
        },
    }


def to_text(session: Session) -> str:
    return json.dumps(to_dict(session))


def check_size(size: int) -> None:
    """A file of `size` bytes may be a session (checked before reading one too large to be)."""
    largest = largest_bytes()
    if size > largest:
        raise ValueError(f"not a saved session: {size:,} bytes, more than any session ({largest:,} bytes)")


def read(path: str | os.PathLike) -> Session:
    """A session from a saved file, its size checked before it is read; anything but a session
    raises ValueError saying why (OSError: the file cannot be read)."""
    check_size(os.path.getsize(path))
    with open(path, "rb") as file:
        data = file.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not a saved session: not UTF-8 text (a binary file?)") from None
    del data  # the text alone from here on: a large session is hundreds of MB
    return from_text(text)


def from_text(text: str) -> Session:
    """A session from the text of a saved file; anything else raises ValueError saying why."""
    try:
        snapshot = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not a saved session: not valid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise ValueError("not a saved session: its JSON is nested too deeply") from None
    return from_dict(snapshot)


def from_dict(snapshot: dict) -> Session:
    """Rebuild a session; a malformed or mismatched snapshot raises ValueError naming the field."""
    if not isinstance(snapshot, dict):
        raise ValueError("snapshot must be a JSON object")
    if snapshot.get("format") != FORMAT:
        raise ValueError(f"snapshot.format must be {FORMAT!r}, got {snapshot.get('format')!r}")
    if snapshot.get("version") != VERSION:
        raise ValueError(f"snapshot.version must be {VERSION}, got {snapshot.get('version')!r}")
    unknown = sorted(set(snapshot) - FIELDS)
    if unknown:
        raise ValueError(f"snapshot has unknown field {unknown[0]!r}; allowed: {', '.join(sorted(FIELDS))}")
    session = Session(Config.from_dict(snapshot.get("config")))
    session.step_count = check_int("snapshot.step", snapshot.get("step"), 0, 2**53 - 1)
    size = session.params.flat.size
    session.params.flat[:] = _finite_vector("snapshot.params", snapshot.get("params"), size)
    if session.config.optimizer == "adam":
        state = snapshot.get("optimizer")
        if not isinstance(state, dict):
            raise ValueError("snapshot.optimizer must be an object with t, m and v for adam")
        session.optimizer_state = {
            "t": check_int("snapshot.optimizer.t", state.get("t"), 0, 2**53 - 1),
            "m": _finite_vector("snapshot.optimizer.m", state.get("m"), size),
            "v": _finite_vector("snapshot.optimizer.v", state.get("v"), size),
        }
        if (session.optimizer_state["v"] < 0).any():
            raise ValueError("snapshot.optimizer.v must hold only numbers >= 0 (Adam's second moments)")
    session.rng.bit_generator.state = _rng_state(snapshot.get("rng"))
    if "timeline" in snapshot:
        session.timeline = _timeline(snapshot["timeline"], size, session.step_count)
    return session


def _finite_vector(field: str, values, size: int) -> np.ndarray:
    if not isinstance(values, list) or len(values) != size:
        got = len(values) if isinstance(values, list) else type(values).__name__
        raise ValueError(f"{field} must be a list of {size} numbers, got {got}")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{field} must hold only numbers")
    vector = np.array(values, dtype=np.float64)
    if not np.isfinite(vector).all():
        raise ValueError(f"{field} must hold only finite numbers")
    return vector


def _timeline(kept, size: int, last_step: int) -> timeline.Timeline:
    """The optional kept weights of a snapshot (older files have none: the seeded step 0 stays)."""
    if not isinstance(kept, dict) or set(kept) != {"steps", "params"}:
        raise ValueError("snapshot.timeline must be an object with steps and params")
    steps, weights = kept["steps"], kept["params"]
    if not isinstance(steps, list) or not isinstance(weights, list) or len(steps) != len(weights):
        raise ValueError("snapshot.timeline.steps and snapshot.timeline.params must be lists of one length")
    restored = timeline.Timeline(size)
    if len(steps) > restored.capacity:
        raise ValueError(f"snapshot.timeline must keep at most {restored.capacity} steps, got {len(steps)}")
    for i, (step, flat) in enumerate(zip(steps, weights, strict=True)):
        low = restored.steps[-1] + 1 if restored.steps else 0
        step = check_int(f"snapshot.timeline.steps[{i}]", step, low, last_step)
        restored.steps.append(step)
        restored.weights.append(_finite_vector(f"snapshot.timeline.params[{i}]", flat, size))
    return restored


def _rng_state(rng) -> dict:
    if not isinstance(rng, dict):
        raise ValueError("snapshot.rng must be an object with state, inc, has_uint32 and uinteger")
    words = {}
    for key in ("state", "inc"):
        text = rng.get(key)
        # ASCII digits only (int() also reads other scripts' digits), and at most 39 of them.
        if not (isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 39) or int(text) >= 2**128:
            raise ValueError(f"snapshot.rng.{key} must be a decimal string of an integer in [0, 2^128)")
        words[key] = int(text)
    return {
        "bit_generator": "PCG64",
        "state": words,
        "has_uint32": check_int("snapshot.rng.has_uint32", rng.get("has_uint32"), 0, 1),
        "uinteger": check_int("snapshot.rng.uinteger", rng.get("uinteger"), 0, 2**32 - 1),
    }
