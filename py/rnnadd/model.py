"""The RNN: parameters, forward pass, backpropagation through time.

Pure functions over NumPy arrays, no I/O. Sequences are time-major: inputs
(T, B, 2), targets (T, B). The notebook's names carry over: `w_ih`/`b_ih` are
synapse_ih's weights and biases, `w_hh` is synapse_hh, `w_ho`/`b_ho` synapse_ho.
The notebook's Elman cell lives here; the GRU and LSTM cells in cells.py.

    h_t = act(x_t @ w_ih + h_{t-1} @ w_hh + b_ih)      h_0 = 0      (Elman)
    p_t = sigmoid(h_t @ w_ho + b_ho)                                  (every cell)

The loss is summed over the bits of a sequence and averaged over the batch,
which is the notebook's gradient scale.
"""

import sys
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import cells

CELLS = ("elman", "gru", "lstm")
ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("mse", "bce")
INITS = ("uniform", "scaled")
INPUT_SIZE = 2


if sys.platform == "emscripten":
    # NumPy in Pyodide has no BLAS: there its matmul loop beats np.dot's and einsum's.
    _product = np.matmul

    def _sum_of_outer_products(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.matmul(a.T, b)

else:
    _product = np.dot

    def _sum_of_outer_products(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.dot(a.T, b)


def param_shapes(hidden: int, cell: str = "elman") -> dict[str, tuple[int, ...]]:
    gated = hidden * cells.GATES.get(cell, 1)
    return {
        "w_ih": (INPUT_SIZE, gated),
        "b_ih": (gated,),
        "w_hh": (hidden, gated),
        "w_ho": (hidden, 1),
        "b_ho": (1,),
    }


class Params:
    """All weights in one flat float64 vector, with a named view of each.

    One vector makes the optimiser, gradient clipping and snapshots a handful of
    array operations instead of one per weight matrix.
    """

    names = ("w_ih", "b_ih", "w_hh", "w_ho", "b_ho")

    def __init__(self, hidden: int, flat: np.ndarray | None = None, cell: str = "elman") -> None:
        shapes = param_shapes(hidden, cell)
        size = sum(int(np.prod(s)) for s in shapes.values())
        self.hidden = hidden
        self.cell = cell
        self.flat = np.zeros(size) if flat is None else flat
        if self.flat.shape != (size,):
            raise ValueError(f"weights must hold {size} numbers for a {cell} cell of {hidden}, got {self.flat.size}")
        offset = 0
        for name, shape in shapes.items():
            n = int(np.prod(shape))
            setattr(self, name, self.flat[offset : offset + n].reshape(shape))
            offset += n

    w_ih: np.ndarray
    b_ih: np.ndarray
    w_hh: np.ndarray
    w_ho: np.ndarray
    b_ho: np.ndarray


def init_params(rng: np.random.Generator, hidden: int, init: str, cell: str = "elman") -> Params:
    """`uniform`: the notebook's U[-1, 1] weights. `scaled`: U[-s, s] with s = 1/sqrt(fan_in).

    Biases start at zero, as in the notebook, except the LSTM's forget gate at 1,
    so that it starts out remembering (Jozefowicz et al., 2015).
    """
    params = Params(hidden, cell=cell)
    for name in ("w_ih", "w_hh", "w_ho"):
        weight = getattr(params, name)
        scale = 1.0 if init == "uniform" else 1.0 / np.sqrt(weight.shape[0])
        weight[...] = rng.uniform(-scale, scale, size=weight.shape)
    if cell == "lstm":
        params.b_ih[hidden : 2 * hidden] = 1.0
    return params


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # The tanh form never overflows, unlike 1 / (1 + exp(-z)).
    return 0.5 * np.tanh(0.5 * z) + 0.5


def activate(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "sigmoid":
        return _sigmoid(z)
    if activation == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


@lru_cache(maxsize=16)
def _ones(n: int) -> np.ndarray:
    # Sums as products with a ones vector: much cheaper than ndarray.sum for small arrays.
    ones = np.ones(n)
    ones.flags.writeable = False
    return ones


def activation_slope(h: np.ndarray, activation: str) -> np.ndarray:
    """d act(z) / dz written in terms of the activation's output h = act(z)."""
    if activation == "sigmoid":
        return h * (1.0 - h)
    if activation == "tanh":
        return 1.0 - h * h
    return (h > 0).astype(h.dtype)


@dataclass
class Trace:
    """What the forward pass keeps for the backward pass."""

    inputs: np.ndarray  # (T, B, 2)
    hidden: np.ndarray  # (T + 1, B, H); hidden[0] is the zero initial state
    logits: np.ndarray  # (T, B)
    probs: np.ndarray  # (T, B)
    cache: dict | None = None  # the gated cells' gates, for their backward pass


def forward(params: Params, inputs: np.ndarray, activation: str) -> Trace:
    """Run the network over a batch; `activation` is the Elman cell's (gated cells have their own)."""
    if params.cell != "elman":
        hidden, cache = cells.forward(params, inputs, params.cell)
        return _with_output(params, inputs, hidden, cache)
    steps, batch, _ = inputs.shape
    # The input drive has no recurrence, so all time steps go in one product.
    hidden_size = params.hidden
    w_ih, b_ih, w_hh = params.w_ih, params.b_ih, params.w_hh
    if activation == "sigmoid":
        # Run the recurrence on g = tanh(z / 2), so that h = (g + 1) / 2 and each
        # step is one product, one sum and one ufunc: z / 2 = x @ w_ih / 2 + b_ih / 2
        # + g @ (w_hh / 4) + (column sums of w_hh) / 4.
        b_ih = 0.5 * b_ih + 0.25 * np.dot(_ones(hidden_size), w_hh)
        w_ih = 0.5 * w_ih
        w_hh = 0.25 * w_hh
    # The input drive has no recurrence, so all time steps go in one product;
    # 2-D products throughout, since NumPy's N-D dot does not use BLAS.
    drive = _product(inputs.reshape(-1, INPUT_SIZE), w_ih).reshape(steps, batch, hidden_size)
    drive += b_ih
    state = np.empty((steps + 1, batch, hidden_size))
    state[0] = -1.0 if activation == "sigmoid" else 0.0
    squash = np.maximum if activation == "relu" else np.tanh
    squash_args = (0.0,) if activation == "relu" else ()
    for t in range(steps):
        z = _product(state[t], w_hh, out=state[t + 1])
        z += drive[t]
        squash(z, *squash_args, out=z)
    if activation == "sigmoid":
        state *= 0.5
        state += 0.5
    return _with_output(params, inputs, state)


def _with_output(params: Params, inputs: np.ndarray, hidden: np.ndarray, cache: dict | None = None) -> Trace:
    steps, batch, hidden_size = hidden.shape[0] - 1, hidden.shape[1], hidden.shape[2]
    logits = _product(hidden[1:].reshape(-1, hidden_size), params.w_ho).reshape(steps, batch)
    logits += params.b_ho[0]
    return Trace(inputs, hidden, logits, _sigmoid(logits), cache)


def loss_value(trace: Trace, targets: np.ndarray, loss: str) -> float:
    batch = targets.shape[1]
    if loss == "mse":
        return float(0.5 * np.square(trace.probs - targets).sum() / batch)
    # Cross-entropy from logits: softplus(z) - y z, stable for any z.
    z = trace.logits
    per_bit = np.maximum(z, 0.0) - targets * z + np.log1p(np.exp(-np.abs(z)))
    return float(per_bit.sum() / batch)


def backward(params: Params, trace: Trace, targets: np.ndarray, loss: str, activation: str, grads: Params) -> None:
    """Backpropagation through time: writes d loss / d params into `grads`."""
    steps, batch = targets.shape
    hidden_size = params.hidden
    probs = trace.probs
    d_logits = (probs - targets) * probs * (1.0 - probs) if loss == "mse" else probs - targets
    d_logits /= batch

    states = trace.hidden[1:].reshape(-1, hidden_size)
    grads.w_ho[:, 0] = _product(d_logits.reshape(-1), states)
    grads.b_ho[...] = _product(d_logits.reshape(-1), _ones(d_logits.size))

    d_states = np.multiply(d_logits[..., None], params.w_ho[:, 0])
    if params.cell != "elman":
        cells.backward(params, trace.inputs, trace.hidden, trace.cache, d_states, params.cell, grads)
        return
    slope = activation_slope(trace.hidden[1:], activation)
    w_hh_t = params.w_hh.T.copy()
    # d loss / d z_t = (d loss / d z_{t+1} @ w_hh.T + d_states[t]) * slope[t], backwards in time.
    d_z = np.empty_like(slope)
    np.multiply(d_states[-1], slope[-1], out=d_z[-1])
    for t in range(steps - 2, -1, -1):
        _product(d_z[t + 1], w_hh_t, out=d_z[t])
        d_z[t] += d_states[t]
        d_z[t] *= slope[t]

    d_z_flat = d_z.reshape(-1, hidden_size)
    grads.w_hh[...] = _sum_of_outer_products(trace.hidden[:-1].reshape(-1, hidden_size), d_z_flat)
    grads.w_ih[...] = _sum_of_outer_products(trace.inputs.reshape(-1, INPUT_SIZE), d_z_flat)
    grads.b_ih[...] = _product(_ones(d_z_flat.shape[0]), d_z_flat)
