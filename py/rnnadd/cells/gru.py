"""A gated recurrent unit (Cho et al., 2014): update z, reset r, candidate n side by side.

z, r = sigmoid(x W_ih + h W_hh + b)      n = tanh(x W_ihn + b_n + r * (h W_hhn))
h' = (1 - z) n + z h
"""

import numpy as np

from ..activations import sigmoid
from . import sums
from .symbols import symbol_drive

GATES = 3
STATE = 1
LABEL = "GRU"


def hidden_range(activation: str) -> tuple[float, float | None]:
    return (-1.0, 1.0)


def initial_biases(hidden: int) -> np.ndarray:
    return np.zeros(GATES * hidden)


def forward(params, inputs: np.ndarray, start: np.ndarray | None = None, noise=None):
    steps, batch, _ = inputs.shape
    size = params.hidden
    drive = (inputs.reshape(-1, inputs.shape[-1]) @ params.w_ih + params.b_ih).reshape(steps, batch, -1)
    hidden = np.empty((steps + 1, batch, size))
    hidden[0] = 0.0 if start is None else start
    gates = np.empty_like(drive)
    recurrent_n = np.empty((steps, batch, size))
    w_hh = sums.by_columns(params.w_hh)
    for t in range(steps):
        from_h = hidden[t] @ w_hh
        gates[t, :, : 2 * size] = sigmoid(drive[t, :, : 2 * size] + from_h[:, : 2 * size])
        recurrent_n[t] = from_h[:, 2 * size :]
        z, r = gates[t, :, :size], gates[t, :, size : 2 * size]
        n = gates[t, :, 2 * size :] = np.tanh(drive[t, :, 2 * size :] + r * recurrent_n[t])
        hidden[t + 1] = n + z * (hidden[t] - n)
        if noise is not None:
            hidden[t + 1] += noise[t]
    return hidden, {"gates": gates, "recurrent_n": recurrent_n}, hidden[-1]


def backward(params, inputs, hidden, cache, d_hidden, grads) -> None:
    steps, batch, size = d_hidden.shape
    gates = cache["gates"]
    d_drive = np.empty_like(gates)  # d loss / d (x W_ih + b_ih)
    d_from_h = np.empty_like(gates)  # d loss / d (h W_hh)
    d_h = np.zeros((batch, size))
    for t in range(steps - 1, -1, -1):
        d_h = d_h + d_hidden[t]
        z, r, n = (gates[t, :, k * size : (k + 1) * size] for k in range(3))
        d_n = d_h * (1.0 - z) * (1.0 - n * n)
        d_z = d_h * (hidden[t] - n) * z * (1.0 - z)
        d_r = d_n * cache["recurrent_n"][t] * r * (1.0 - r)
        d_drive[t] = np.concatenate([d_z, d_r, d_n], axis=1)
        d_from_h[t] = np.concatenate([d_z, d_r, d_n * r], axis=1)
        d_h = d_h * z + d_from_h[t] @ params.w_hh.T
    grads.w_hh[...] = sums.over_steps(hidden[:-1], d_from_h)
    grads.w_ih[...] = sums.over_steps(inputs, d_drive)
    grads.b_ih[...] = sums.columns(d_drive)


def children(params, states: np.ndarray, branching: int):
    size = params.hidden
    drive = symbol_drive(params, branching)
    from_h = (states @ sums.by_columns(params.w_hh))[:, None, :]
    z_r = sigmoid(drive[:, : 2 * size] + from_h[..., : 2 * size])
    z, r = z_r[..., :size], z_r[..., size:]
    n = np.tanh(drive[:, 2 * size :] + r * from_h[..., 2 * size :])
    hidden = (n + z * (states[:, None, :] - n)).reshape(-1, size)
    return hidden, hidden
