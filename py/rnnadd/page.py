"""What the web page calls: one call per animation frame, plain values back.

The page runs this module in Pyodide. Every method takes and returns plain
Python values (str, int, float, list, dict), so that crossing into JavaScript
is one conversion per call.
"""

import json
import math
import time

import numpy as np

from . import encoding, evaluation, model
from .session import Config, DivergenceError, Session

PAGE_MAX_BITS = 32  # wider problems train slowly; the weights still add 64-bit numbers
NOTEBOOK_PROBLEMS = [(5, 5), (10, 2), (50, 3), (4, 9)]
RANDOM_PROBLEMS = 4
SAMPLE_PAIRS = 256
SAMPLE_SEED = 12345
CONFIRM_SECONDS = 0.25
GENERALISATION_PAIRS = 1_000
CORRELATION_PAIRS = 512
CORRELATE_SECONDS = 2.0


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


def create(config_json: str) -> "PageTrainer":
    return PageTrainer(Session(check_config(json.loads(config_json))))


def load(text: str) -> "PageTrainer":
    """A trainer for a session saved by the page or by `rnnadd train --save`."""
    try:
        snapshot = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"the file is not a saved session: not valid JSON ({error.msg} at line {error.lineno})"
        ) from None
    session = Session.from_snapshot(snapshot)
    check_config(session.config.to_dict())
    return PageTrainer(session)


class PageTrainer:
    def __init__(self, session: Session) -> None:
        self.session = session
        config = session.config
        self.problems = problems_for(config.bits, config.seed)
        self.selected = self.problems[0]
        self.solved_at: int | None = None
        self.last_confirm = -math.inf
        self.correlated_at = -math.inf
        self.correlations = np.zeros(session.config.hidden)

    def config(self) -> dict:
        return self.session.config.to_dict()

    def save(self) -> str:
        """The whole session as JSON: the format `rnnadd train --save` writes and --load reads."""
        return json.dumps(self.session.snapshot())

    def frame(self, steps: int, measure: bool = True, detail: bool = False) -> dict:
        """Train `steps` steps (0: none), then, if asked, measure: all one animation frame needs.

        Accuracy comes from the chunk's own training batches (fresh draws, each
        scored before its update), so it costs next to nothing. Only when those
        were all right is every pair checked, at most every CONFIRM_SECONDS.
        The timings let the page size the next frame's chunk; measure_ms leaves
        out that check, which is rare and would make the page measure seldom.
        """
        started = time.perf_counter()
        error = None
        losses = np.empty(0)
        try:
            if steps:
                losses = self.session.step(steps)
        except DivergenceError as diverged:
            losses, error = diverged.losses, str(diverged)
        trained = time.perf_counter()
        result = {"step": self.session.step_count, "losses": losses.tolist(), "error": error, "measured": measure}
        result["confirm_ms"] = 0.0
        if measure:
            result.update(self.measure(fresh=bool(steps) and error is None))
        measured = time.perf_counter()
        if detail:
            # While training, the carry correlations (the costly part) refresh more slowly.
            result["hidden_view"] = self.hidden_view(refresh_correlations=steps == 0)
        result["solved_at"] = self.solved_at
        result["train_ms"] = (trained - started) * 1000
        result["measure_ms"] = (measured - trained) * 1000 - result["confirm_ms"]
        result["detail_ms"] = (time.perf_counter() - measured) * 1000
        return result

    def measure(self, fresh: bool) -> dict:
        session, config = self.session, self.session.config
        if fresh and session.last_batch_accuracy is not None:
            per_bit, exact_match = session.last_batch_accuracy
        else:
            sample = evaluation.evaluate_sample(
                session.params, config.activation, config.bits, SAMPLE_PAIRS, SAMPLE_SEED
            )
            per_bit, exact_match = sample.per_bit, sample.exact_match
        # Once solved, nothing has changed until the next step.
        exact = 1.0 if self.solved_at == session.step_count else None
        confirm_ms = 0.0
        now = time.perf_counter()
        if exact_match == 1.0 and self.solved_at is None and now - self.last_confirm >= CONFIRM_SECONDS:
            # Every pair (or a 10,000-pair sample when wide) decides whether it is solved.
            exact = session.evaluate().exact_match
            if exact == 1.0:
                self.solved_at = session.step_count
            self.last_confirm = time.perf_counter()
            confirm_ms = (self.last_confirm - now) * 1000
        return {
            "sample_exact": exact_match,
            "sample_per_bit": per_bit,
            "exact": exact,
            "confirm_ms": confirm_ms,
            "panel": self.panel(),
        }

    def panel(self) -> list[dict]:
        """Target bits and output probabilities for the panel's problems, in one forward pass."""
        config = self.session.config
        a, b = (np.array(column, dtype=np.uint64) for column in zip(*self.problems, strict=True))
        inputs, targets = encoding.encode_pairs(a, b, config.bits)
        probs = model.forward(self.session.params, inputs, config.activation).probs
        return [
            {"a": int(a[i]), "b": int(b[i]), "target": targets[:, i].tolist(), "probs": probs[:, i].tolist()}
            for i in range(len(self.problems))
        ]

    def select(self, a_text: str, b_text: str) -> None:
        """Choose the problem the hidden-state view shows."""
        a, b = self._operands(a_text, b_text)
        self.selected = (a, b)

    def hidden_view(self, refresh_correlations: bool = True) -> dict:
        """Every hidden unit over the time steps of the selected problem, beside its carries,
        and how closely each unit follows the carry over a seeded sample."""
        session, config = self.session, self.session.config
        now = time.perf_counter()
        if refresh_correlations or now - self.correlated_at >= CORRELATE_SECONDS:
            self.correlations = evaluation.carry_correlations(
                session.params, config.activation, config.bits, CORRELATION_PAIRS, SAMPLE_SEED
            )
            self.correlated_at = now
        correlations = self.correlations
        a, b = self.selected
        bits = max(config.bits, (a + b).bit_length())
        inputs, targets = encoding.encode_pairs(np.array([a], dtype=np.uint64), np.array([b], dtype=np.uint64), bits)
        states = model.forward(session.params, inputs, config.activation).hidden[1:, 0, :]
        strongest = np.abs(correlations).max()
        carry_units = [int(u) for u in np.argsort(-np.abs(correlations))[:3] if abs(correlations[u]) >= 0.9 * strongest]
        return {
            "a": str(a),
            "b": str(b),
            "states": states.tolist(),
            "carry": evaluation.carries(inputs, targets)[:, 0].tolist(),
            "correlations": correlations.tolist(),
            "carry_units": carry_units if strongest > 0 else [],
            "activation": config.activation if config.cell == "elman" else config.cell,
        }

    def generalisation(self) -> list[dict]:
        """The same weights on wider numbers: exact-match on seeded samples at 2N, 4N and 64 bits."""
        trained = self.session.config.bits
        rows = []
        for bits in sorted({min(2 * trained, 64), min(4 * trained, 64), 64} - {trained}):
            accuracy = self.session.evaluate(bits=bits, sample=GENERALISATION_PAIRS, seed=SAMPLE_SEED)
            rows.append({"bits": bits, "exact": accuracy.exact_match, "pairs": accuracy.pairs})
        return rows

    def _operands(self, a_text: str, b_text: str) -> tuple[int, int]:
        operands = []
        for name, text in (("a", a_text), ("b", b_text)):
            text = text.strip()
            if not text.isdigit():
                raise ValueError(f"{name} must be a whole number from 0 to 2^63, got {text!r}")
            operands.append(int(text))
        a, b = operands
        if a + b >= 2**encoding.MAX_BITS:
            raise ValueError(f"a + b must be below 2^{encoding.MAX_BITS}, got {a + b}")
        return a, b

    def ask(self, a_text: str, b_text: str) -> dict:
        """The network's answer for a + b. Operands come as decimal strings: JS numbers stop at 2^53."""
        a, b = self._operands(a_text, b_text)
        total = a + b
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
