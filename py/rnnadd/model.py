"""The network: weights, a cell, the output layer and the losses. Pure functions, no I/O.

Sequences are time-major: inputs (T, B, operands), targets (T, B). The notebook's names
carry over: `w_ih`/`b_ih` are synapse_ih's weights and biases, `w_hh` is
synapse_hh, `w_ho`/`b_ho` synapse_ho. The cell (cells/) turns inputs into
hidden states; every cell shares the output layer:

    p_t = sigmoid(h_t W_ho + b_ho)

The loss is summed over the bits of a sequence and averaged over the batch,
which is the notebook's gradient scale.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import sigmoid
from .cells import CELLS, sums
from .cells.sums import product

INPUT_SIZE = 2  # bits read a step: one of each operand, two for addition
INITS = ("uniform", "scaled")


def param_shapes(hidden: int, cell: str = "elman", inputs: int = INPUT_SIZE) -> dict[str, tuple[int, ...]]:
    gated = hidden * CELLS[cell].GATES
    return {
        "w_ih": (inputs, gated),
        "b_ih": (gated,),
        "w_hh": (hidden, gated),
        "w_ho": (hidden, 1),
        "b_ho": (1,),
    }


class Network:
    """A network: its cell and activation, and all its weights in one flat float64 vector,
    with a named view of each. Every function of a network takes this one value.

    One vector makes the optimiser, gradient clipping and snapshots a handful of
    array operations instead of one per weight matrix. `activation` is the Elman
    cell's; gated cells have their own and ignore it.
    """

    names = ("w_ih", "b_ih", "w_hh", "w_ho", "b_ho")

    def __init__(
        self,
        hidden: int,
        flat: np.ndarray | None = None,
        cell: str = "elman",
        inputs: int = INPUT_SIZE,
        activation: str = "tanh",
    ) -> None:
        shapes = param_shapes(hidden, cell, inputs)
        size = sum(int(np.prod(s)) for s in shapes.values())
        self.hidden = hidden
        self.cell = cell
        self.inputs = inputs
        self.activation = activation
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


def init_params(
    rng: np.random.Generator,
    hidden: int,
    init: str,
    cell: str = "elman",
    inputs: int = INPUT_SIZE,
    activation: str = "tanh",
) -> Network:
    """`uniform`: the notebook's U[-1, 1] weights. `scaled`: U[-s, s] with s = 1/sqrt(fan_in).

    Biases start as the cell asks: zero, as in the notebook, but for the LSTM's forget gate.
    """
    params = Network(hidden, cell=cell, inputs=inputs, activation=activation)
    for name in ("w_ih", "w_hh", "w_ho"):
        weight = getattr(params, name)
        scale = 1.0 if init == "uniform" else 1.0 / np.sqrt(weight.shape[0])
        weight[...] = rng.uniform(-scale, scale, size=weight.shape)
    params.b_ih[...] = CELLS[cell].initial_biases(hidden)
    return params


@dataclass
class Trace:
    """What the forward pass keeps for the backward pass."""

    inputs: np.ndarray  # (T, B, operands)
    hidden: np.ndarray  # (T + 1, B, H); hidden[0] is the initial state
    logits: np.ndarray  # (T, B)
    probs: np.ndarray  # (T, B)
    cache: dict | None = None  # what the cell keeps for its backward pass


def output_logits(params: Network, hidden: np.ndarray) -> np.ndarray:
    """The output layer's logits for hidden states (..., H)."""
    logits = product(hidden.reshape(-1, params.hidden), params.w_ho[:, 0]).reshape(hidden.shape[:-1])
    logits += params.b_ho[0]
    return logits


def forward(params: Network, inputs: np.ndarray, noise: np.ndarray | None = None) -> Trace:
    """Run the network over a batch. `noise` (T, B, H) is added to the hidden states after each
    step: training only."""
    hidden, cache, _ = CELLS[params.cell].forward(params, inputs, noise=noise)
    logits = output_logits(params, hidden[1:])
    return Trace(inputs, hidden, logits, sigmoid(logits), cache)


@dataclass(frozen=True)
class Loss:
    value: Callable[[Trace, np.ndarray], float]  # summed over bits, averaged over the batch
    d_logits: Callable[[Trace, np.ndarray], np.ndarray]  # d loss / d logit per bit, before averaging


def _cross_entropy(trace: Trace, targets: np.ndarray) -> float:
    # From logits: softplus(z) - y z, stable for any z.
    z = trace.logits
    return float((np.maximum(z, 0.0) - targets * z + np.log1p(np.exp(-np.abs(z)))).sum() / targets.shape[1])


LOSSES = {
    "mse": Loss(
        lambda trace, y: float(0.5 * np.square(trace.probs - y).sum() / y.shape[1]),
        lambda trace, y: (trace.probs - y) * trace.probs * (1.0 - trace.probs),
    ),
    "bce": Loss(_cross_entropy, lambda trace, y: trace.probs - y),
}


def loss_value(trace: Trace, targets: np.ndarray, loss: str) -> float:
    return LOSSES[loss].value(trace, targets)


def backward(params: Network, trace: Trace, targets: np.ndarray, loss: str, grads: Network) -> None:
    """Backpropagation through time: writes d loss / d params into `grads`."""
    d_logits = LOSSES[loss].d_logits(trace, targets)
    d_logits /= targets.shape[1]
    d_flat = d_logits.reshape(-1)
    grads.w_ho[:, 0] = product(d_flat, trace.hidden[1:].reshape(-1, params.hidden))
    grads.b_ho[0] = product(d_flat, sums.ones(d_flat.size))
    d_hidden = np.multiply(d_logits[..., None], params.w_ho[:, 0])
    CELLS[params.cell].backward(params, trace.inputs, trace.hidden, trace.cache, d_hidden, grads)
