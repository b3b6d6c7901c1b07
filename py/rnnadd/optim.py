"""Optimisers over one flat parameter vector: SGD (the notebook's) and Adam.

Each is a pure function (grad, state) -> (step, new state). The caller adds the
step to the weights and keeps the new state only when both are finite, so a
divergent step changes nothing.
"""

import numpy as np

ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
ADAM_EPS = 1e-8

OptimizerState = dict[str, np.ndarray | int]


def clip_by_global_norm(grad: np.ndarray, max_norm: float) -> np.ndarray:
    """Scale the whole gradient down when its L2 norm exceeds max_norm (0 = off)."""
    if max_norm > 0:
        norm = float(np.sqrt(np.dot(grad, grad)))
        if norm > max_norm:
            return grad * (max_norm / norm)
    return grad


# Each optimiser: {initial(size) -> state, step(grad, state, learning_rate) -> (step, new state)}.
# Adding one is adding an entry here.


def _sgd_step(grad: np.ndarray, state: OptimizerState, learning_rate: float):
    return grad * -learning_rate, state


def _adam_initial(size: int) -> OptimizerState:
    return {"t": 0, "m": np.zeros(size), "v": np.zeros(size)}


def _adam_step(grad: np.ndarray, state: OptimizerState, learning_rate: float):
    t = state["t"] + 1
    m = ADAM_BETA1 * state["m"] + (1.0 - ADAM_BETA1) * grad
    v = ADAM_BETA2 * state["v"] + (1.0 - ADAM_BETA2) * (grad * grad)
    # Bias correction folded into the step size (Kingma & Ba, section 2).
    step_size = learning_rate * np.sqrt(1.0 - ADAM_BETA2**t) / (1.0 - ADAM_BETA1**t)
    step = m * (-step_size)
    step /= np.sqrt(v) + ADAM_EPS
    return step, {"t": t, "m": m, "v": v}


OPTIMIZERS = {
    "sgd": {"initial": lambda size: {}, "step": _sgd_step},
    "adam": {"initial": _adam_initial, "step": _adam_step},
}


def initial_state(optimizer: str, size: int) -> OptimizerState:
    return OPTIMIZERS[optimizer]["initial"](size)


def update(optimizer: str, grad: np.ndarray, state: OptimizerState, learning_rate: float):
    """Returns (step to add to the weights, new optimiser state)."""
    return OPTIMIZERS[optimizer]["step"](grad, state, learning_rate)
