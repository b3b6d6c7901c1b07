"""The Elman cell's activations, as a table: each one's value and its slope.

`value(z, out)` writes act(z) into `out`; `slope(h)` is d act(z) / dz written in
terms of the output h = act(z), which is what backpropagation has at hand.
`low`/`high` bound the output, for the views (None: unbounded).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # The tanh form never overflows, unlike 1 / (1 + exp(-z)).
    out = np.tanh(np.multiply(z, 0.5, out=out), out=out)
    out *= 0.5
    out += 0.5
    return out


@dataclass(frozen=True)
class Activation:
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray], np.ndarray]
    low: float
    high: float | None


ACTIVATIONS = {
    "sigmoid": Activation(sigmoid, lambda h: h * (1.0 - h), 0.0, 1.0),
    "tanh": Activation(lambda z, out: np.tanh(z, out=out), lambda h: 1.0 - h * h, -1.0, 1.0),
    "relu": Activation(lambda z, out: np.maximum(z, 0.0, out=out), lambda h: (h > 0).astype(h.dtype), 0.0, None),
}
