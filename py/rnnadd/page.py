"""What the web page calls: one call per animation frame, plain values back.

The page runs this module in Pyodide. Every method takes and returns plain
Python values (str, int, float, list, dict), so that crossing into JavaScript
is one conversion per call.
"""

import json

import numpy as np

from . import encoding, evaluation
from .session import Config, DivergenceError, Session

PAGE_MAX_BITS = 32  # wider problems train slowly; the weights still add 64-bit numbers
NOTEBOOK_PROBLEMS = [(5, 5), (10, 2), (50, 3), (4, 9)]
RANDOM_PROBLEMS = 4
SAMPLE_PAIRS = 512
SAMPLE_SEED = 12345


def describe() -> str:
    """The hyperparameters, their defaults and allowed ranges, as JSON for the page's controls."""
    ranges = dict(Config.RANGES)
    ranges["bits"] = (encoding.MIN_BITS, PAGE_MAX_BITS)
    return json.dumps({"defaults": Config().to_dict(), "ranges": ranges})


def check_config(values: dict) -> Config:
    config = Config.from_dict(values)
    if config.bits > PAGE_MAX_BITS:
        raise ValueError(f"bits must be from {encoding.MIN_BITS} to {PAGE_MAX_BITS} in the page, got {config.bits}")
    return config


def problems_for(bits: int, seed: int) -> list[tuple[int, int]]:
    """The notebook's problems that fit the width, then a few seeded random ones."""
    fitting = [(a, b) for a, b in NOTEBOOK_PROBLEMS if a + b < 2 ** (bits - 1)]
    a, b = encoding.random_pairs(np.random.default_rng(seed), RANDOM_PROBLEMS, bits)
    return fitting + list(zip(a.tolist(), b.tolist(), strict=True))


def validate(values_json: str) -> str:
    """{field: message} for every field that is out of range, as JSON; {} when all are fine."""
    errors = {}
    for name, value in json.loads(values_json).items():
        try:
            check_config({name: value})
        except ValueError as error:
            errors[name] = str(error)
    return json.dumps(errors)


class PageTrainer:
    def __init__(self, config_json: str) -> None:
        self.session = Session(check_config(json.loads(config_json)))
        config = self.session.config
        self.problems = problems_for(config.bits, config.seed)
        self.solved_at: int | None = None

    def frame(self, steps: int) -> dict:
        """Train `steps` steps (0: only measure), then measure: everything one animation frame draws."""
        error = None
        losses = np.empty(0)
        try:
            if steps:
                losses = self.session.step(steps)
        except DivergenceError as diverged:
            losses, error = diverged.losses, str(diverged)
        session, config = self.session, self.session.config
        sample = evaluation.evaluate_sample(session.params, config.activation, config.bits, SAMPLE_PAIRS, SAMPLE_SEED)
        exact = None
        if sample.exact_match == 1.0 and self.solved_at is None:
            # The sample says solved: confirm on every pair (or a 10,000-pair sample when wide).
            exact = session.evaluate().exact_match
            if exact == 1.0:
                self.solved_at = session.step_count
        return {
            "step": session.step_count,
            "losses": losses.tolist(),
            "sample_exact": sample.exact_match,
            "sample_per_bit": sample.per_bit,
            "exact": exact,
            "solved_at": self.solved_at,
            "panel": self.panel(),
            "error": error,
        }

    def panel(self) -> list[dict]:
        rows = []
        for a, b in self.problems:
            probs = self.session.probabilities(a, b)
            rows.append(
                {"a": a, "b": b, "target": encoding.int_to_bits(a + b, probs.size).tolist(), "probs": probs.tolist()}
            )
        return rows

    def ask(self, a_text: str, b_text: str) -> dict:
        """The network's answer for a + b. Operands come as decimal strings: JS numbers stop at 2^53."""
        operands = []
        for name, text in (("a", a_text), ("b", b_text)):
            text = text.strip()
            if not text.isdigit():
                raise ValueError(f"{name} must be a whole number from 0 to 2^63, got {text!r}")
            operands.append(int(text))
        a, b = operands
        total = a + b
        if total >= 2**encoding.MAX_BITS:
            raise ValueError(f"a + b must be below 2^{encoding.MAX_BITS}, got {total}")
        bits = max(self.session.config.bits, total.bit_length())
        probs = self.session.probabilities(a, b, bits)
        answer = encoding.bits_to_int(encoding.probs_to_bits(probs))
        return {
            "a": str(a),
            "b": str(b),
            "bits": bits,
            "probs": probs.tolist(),
            "answer": str(answer),
            "truth": str(total),
            "right": answer == total,
        }

    def evaluate(self) -> dict:
        accuracy = self.session.evaluate()
        return {"exact": accuracy.exact_match, "per_bit": accuracy.per_bit, "pairs": accuracy.pairs}
