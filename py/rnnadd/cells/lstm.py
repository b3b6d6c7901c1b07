"""A long short-term memory cell (Hochreiter & Schmidhuber, 1997): gates i, f, g, o side by side.

    i, f, o = sigmoid(x W_ih + h W_hh + b)    g = tanh(...)    c' = f c + i g    h' = o tanh(c')

It carries two states, h and c; `start` and the end state hold them side by side.
"""

import numpy as np

from ..activations import sigmoid
from . import sums
from .symbols import symbol_drive

GATES = 4
STATE = 2
LABEL = "LSTM"


def hidden_range(activation: str) -> tuple[float, float | None]:
    return (-1.0, 1.0)


def initial_biases(hidden: int) -> np.ndarray:
    # The forget gate starts open, so that the cell starts out remembering (Jozefowicz et al., 2015).
    biases = np.zeros(GATES * hidden)
    biases[hidden : 2 * hidden] = 1.0
    return biases


def forward(params, inputs: np.ndarray, start: np.ndarray | None = None, noise=None):
    steps, batch, _ = inputs.shape
    size = params.hidden
    drive = (inputs.reshape(-1, inputs.shape[-1]) @ params.w_ih + params.b_ih).reshape(steps, batch, -1)
    hidden = np.empty((steps + 1, batch, size))
    cell_state = np.empty((steps + 1, batch, size))
    hidden[0], cell_state[0] = (0.0, 0.0) if start is None else (start[:, :size], start[:, size:])
    gates = np.empty_like(drive)
    squashed = np.empty((steps, batch, size))
    w_hh = sums.by_columns(params.w_hh)
    for t in range(steps):
        a = drive[t] + hidden[t] @ w_hh
        gates[t] = sigmoid(a)
        gates[t, :, 2 * size : 3 * size] = np.tanh(a[:, 2 * size : 3 * size])
        i, f, g, o = (gates[t, :, k * size : (k + 1) * size] for k in range(4))
        cell_state[t + 1] = f * cell_state[t] + i * g
        squashed[t] = np.tanh(cell_state[t + 1])
        hidden[t + 1] = o * squashed[t]
        if noise is not None:
            hidden[t + 1] += noise[t]
    cache = {"gates": gates, "cell_state": cell_state, "squashed": squashed}
    return hidden, cache, np.concatenate([hidden[-1], cell_state[-1]], axis=1)


def backward(params, inputs, hidden, cache, d_hidden, grads) -> None:
    steps, batch, size = d_hidden.shape
    gates = cache["gates"]
    d_gates = np.empty_like(gates)  # d loss / d (x W_ih + h W_hh + b_ih)
    d_h = np.zeros((batch, size))
    d_c = np.zeros((batch, size))
    for t in range(steps - 1, -1, -1):
        d_h = d_h + d_hidden[t]
        i, f, g, o = (gates[t, :, k * size : (k + 1) * size] for k in range(4))
        tanh_c = cache["squashed"][t]
        d_c = d_c + d_h * o * (1.0 - tanh_c * tanh_c)
        d_gates[t] = np.concatenate(
            [
                d_c * g * i * (1.0 - i),
                d_c * cache["cell_state"][t] * f * (1.0 - f),
                d_c * i * (1.0 - g * g),
                d_h * tanh_c * o * (1.0 - o),
            ],
            axis=1,
        )
        d_c = d_c * f
        d_h = d_gates[t] @ params.w_hh.T
    grads.w_hh[...] = sums.over_steps(hidden[:-1], d_gates)
    grads.w_ih[...] = sums.over_steps(inputs, d_gates)
    grads.b_ih[...] = sums.columns(d_gates)


def children(params, states: np.ndarray, branching: int):
    size = params.hidden
    from_h = states[:, :size] @ sums.by_columns(params.w_hh)
    a = from_h[:, None, :] + symbol_drive(params, branching)  # as forward adds them
    i, f, o = (sigmoid(a[..., k * size : (k + 1) * size]) for k in (0, 1, 3))
    cell_state = f * states[:, None, size:] + i * np.tanh(a[..., 2 * size : 3 * size])
    hidden = (o * np.tanh(cell_state)).reshape(-1, size)
    return hidden, np.concatenate([hidden, cell_state.reshape(-1, size)], axis=1)
