"""The notebook's cell: an Elman RNN, h_t = act(x_t W_ih + h_{t-1} W_hh + b)."""

import numpy as np

from ..activations import ACTIVATIONS
from . import sums
from .sums import product
from .symbols import symbol_drive

GATES = 1
STATE = 1
LABEL = "{activation}"


def hidden_range(activation: str) -> tuple[float, float | None]:
    """Where hidden values lie (None: unbounded above), for the views."""
    return ACTIVATIONS[activation].low, ACTIVATIONS[activation].high


def initial_biases(hidden: int) -> np.ndarray:
    return np.zeros(hidden)


def forward(params, inputs: np.ndarray, start: np.ndarray | None = None, noise=None):
    act = ACTIVATIONS[params.activation].value
    steps, batch, _ = inputs.shape
    # The input drive has no recurrence, so every time step goes in one product.
    drive = product(inputs.reshape(-1, inputs.shape[-1]), params.w_ih).reshape(steps, batch, -1)
    drive += params.b_ih
    hidden = np.empty((steps + 1, batch, params.hidden))
    hidden[0] = 0.0 if start is None else start
    w_hh = sums.by_columns(params.w_hh)
    for t in range(steps):
        # h_t = act(x_t W_ih + b + h_{t-1} W_hh), in place: 10% more steps/s in Pyodide than new arrays
        z = product(hidden[t], w_hh, out=hidden[t + 1])
        z += drive[t]
        act(z, z)
        if noise is not None:
            z += noise[t]
    # The noise is kept so that backward takes each slope at the unit's own output.
    return hidden, noise, hidden[-1]


def backward(params, inputs, hidden, cache, d_hidden, grads) -> None:
    slope = ACTIVATIONS[params.activation].slope(hidden[1:] if cache is None else hidden[1:] - cache)
    w_hh_t = sums.by_columns(params.w_hh.T.copy())
    # d loss / d z_t = (d_hidden[t] + d loss / d z_{t+1} @ W_hh.T) * act'(z_t), backwards in time.
    d_z = np.empty_like(slope)
    np.multiply(d_hidden[-1], slope[-1], out=d_z[-1])
    for t in range(len(slope) - 2, -1, -1):
        product(d_z[t + 1], w_hh_t, out=d_z[t])
        d_z[t] += d_hidden[t]
        d_z[t] *= slope[t]
    grads.w_hh[...] = sums.over_steps(hidden[:-1], d_z)
    grads.w_ih[...] = sums.over_steps(inputs, d_z)
    grads.b_ih[...] = sums.columns(d_z)


def children(params, states: np.ndarray, branching: int):
    # The walk over every 8-bit pair in Pyodide: 20 ms, 30 repeating each state per symbol.
    z = product(states, sums.by_columns(params.w_hh))[:, None, :] + symbol_drive(params, branching)
    hidden = ACTIVATIONS[params.activation].value(z, z).reshape(-1, params.hidden)
    return hidden, hidden
