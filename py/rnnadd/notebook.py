"""The notebook as written: a replay of the training code this project started from.

The notebook (an Elman RNN in NumPy: 2 inputs, 16 sigmoid hidden units, one
sigmoid output) never learns. Its training code has three defects, kept here
and each one fixable on its own:

- `output_gradient`: the hidden-to-output weights' gradient is taken from the
  output instead of the hidden state;
- `derivatives`: the sigmoid's derivative is applied to activations, which are
  already sigmoids (sigmoid'(sigmoid(z)) where h (1 - h) was meant);
- `biases`: the bias updates are computed nowhere and applied never.

Its data and schedule are kept too: operands below 2^7, one example per step,
learning rate 0.1, weights drawn from U[-1, 1] by NumPy's global generator
(`GlobalGenerator` draws what `np.random.seed` and its calls drew, which
reproduces the notebook's printout), its error scale, and the generator draws
of its per-epoch `sklearn.utils.shuffle` of ten unused rows.
This module shares no code with the real model (model.py and cells/), so none
of these defects can reach it. Run as it stands, with seed 0, it
prints exactly the notebook's first lines and its error stays near 0.2 for
10,000 epochs, with no NaN: the NaN in the notebook's printout came from an
earlier version of its class (the training cell ran as In [1256], before the
class cell's last edit, In [1258]).
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

DIGITS = 8
NUM_RANGE = 2**DIGITS
HIDDEN = 16
LEARNING_RATE = 0.1
DATA_ROWS = 10  # data_generator(10): drawn and shuffled every epoch, never trained on
FIXES = ("output_gradient", "derivatives", "biases")


@dataclass(frozen=True)
class Fixes:
    output_gradient: bool = False
    derivatives: bool = False
    biases: bool = False


class GlobalGenerator:
    """NumPy's legacy global generator, draw for draw, for the three calls the notebook makes:
    `np.random.seed(seed)` then `rand`, `randint` and `shuffle`. Its Mersenne Twister is Python's
    own, given the state NumPy's seeding makes. The page's NumPy leaves the legacy generator
    out (0.2 MB of a first visit), and the replay is its only user."""

    def __init__(self, seed: int) -> None:
        key = [seed]
        for index in range(1, 624):
            key.append((1812433253 * (key[-1] ^ key[-1] >> 30) + index) & 0xFFFFFFFF)
        self.twister = random.Random()
        self.twister.setstate((3, (*key, 624), None))

    def rand(self, *shape: int) -> np.ndarray:
        """Uniform on [0, 1): two 32-bit words make 53 bits, in NumPy's legacy way and Python's."""
        return np.array([self.twister.random() for _ in range(math.prod(shape))]).reshape(shape)

    def _at_most(self, high: int) -> int:
        """An integer in [0, high]: words masked to high's width, drawn again until one fits."""
        mask = (1 << high.bit_length()) - 1
        while (value := self.twister.getrandbits(32) & mask) > high:
            pass
        return value

    def randint(self, high: int) -> int:
        return self._at_most(high - 1) if high > 1 else 0

    def shuffle(self, values: np.ndarray) -> None:
        """Fisher-Yates from the end, in place, as NumPy shuffles a one-dimensional array."""
        for index in range(len(values) - 1, 0, -1):
            other = self._at_most(index)
            values[index], values[other] = values[other], values[index]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _bits(number: int) -> np.ndarray:
    """int2binary: most significant bit first, as np.unpackbits gives them."""
    return np.unpackbits(np.array([number], dtype=np.uint8))


@dataclass
class Epoch:
    epoch: int
    error: float  # the notebook's "Train Error"
    a: int
    b: int
    target: np.ndarray  # the sum's bits, most significant first
    prediction: np.ndarray  # (1, 8): the output per time step, least significant bit first


class NotebookRnn:
    """The notebook's `Rnn`, one example per epoch, with any of its defects fixed."""

    def __init__(self, fixes: Fixes = Fixes(), seed: int = 0) -> None:
        self.fixes = fixes
        self.random = GlobalGenerator(seed)
        # The notebook draws its ten data rows (two operands each) before the weights.
        draw = self.random.randint
        self.rows = [(draw(NUM_RANGE // 4), draw(NUM_RANGE // 4)) for _ in range(DATA_ROWS)]
        self.w_ih = self.random.rand(2, HIDDEN) * 2 - 1
        self.b_ih = np.zeros((1, HIDDEN))
        self.w_hh = self.random.rand(HIDDEN, HIDDEN) * 2 - 1
        self.w_ho = self.random.rand(HIDDEN, 1) * 2 - 1
        self.b_ho = np.zeros((1, 1))
        self.epoch = 0

    def _slope(self, activation: np.ndarray) -> np.ndarray:
        if self.fixes.derivatives:
            return activation * (1 - activation)
        return _sigmoid(activation) * (1 - _sigmoid(activation))

    def forward(self, a_bits: np.ndarray, b_bits: np.ndarray) -> tuple[list, list, list]:
        inputs, hidden, outputs = [], [np.zeros((1, HIDDEN))], []
        for index in range(DIGITS):
            inputs.append(np.array([[a_bits[-index - 1], b_bits[-index - 1]]]))
            hidden.append(_sigmoid(np.dot(inputs[-1], self.w_ih) + np.dot(hidden[-1], self.w_hh) + self.b_ih))
            outputs.append(_sigmoid(np.dot(hidden[-1], self.w_ho) + self.b_ho))
        return inputs, hidden, outputs

    def train_epoch(self) -> Epoch:
        indices = np.arange(DATA_ROWS)
        self.random.shuffle(indices)  # what sklearn.utils.shuffle draws, given no random_state
        a, b = self.random.randint(NUM_RANGE // 2), self.random.randint(NUM_RANGE // 2)
        a_bits, b_bits, target = _bits(a), _bits(b), _bits(a + b)
        inputs, hidden, outputs = self.forward(a_bits, b_bits)
        prediction = np.array(outputs).reshape(DIGITS, 1).T
        # The notebook's printed error sets the MSB-first target against the LSB-first prediction.
        error = float(((-(target - prediction)) ** 2).sum()) / DATA_ROWS
        self._backward(target, prediction, inputs, hidden, outputs)
        result = Epoch(self.epoch, error, a, b, target, prediction)
        self.epoch += 1
        return result

    def _backward(self, target, prediction, inputs, hidden, outputs) -> None:
        update_ih, update_b_ih = np.zeros_like(self.w_ih), np.zeros_like(self.b_ih)
        update_hh = np.zeros_like(self.w_hh)
        update_ho, update_b_ho = np.zeros_like(self.w_ho), np.zeros_like(self.b_ho)
        delta_next = np.zeros((1, HIDDEN))
        delta_ho = [self._slope(outputs[i]) * -(target[-i - 1] - prediction[0, i]) for i in range(DIGITS)]
        for index in range(DIGITS):
            source = hidden[-index - 1] if self.fixes.output_gradient else outputs[-index - 1]
            update_ho += np.dot(source.T, np.atleast_2d(delta_ho[-index - 1]))
            delta = np.multiply(
                np.dot(delta_next, self.w_hh.T) + np.dot(delta_ho[-index - 1], self.w_ho.T),
                self._slope(hidden[-index - 1]),
            )
            update_hh += np.dot(hidden[-index - 2].T, np.atleast_2d(delta))
            update_ih += np.dot(inputs[-index - 1].T, np.atleast_2d(delta))
            update_b_ho += np.atleast_2d(delta_ho[-index - 1].sum(axis=0))
            update_b_ih += np.atleast_2d(delta.sum(axis=0))
            delta_next = delta
        self.w_ih += -LEARNING_RATE * update_ih
        self.w_hh += -LEARNING_RATE * update_hh
        self.w_ho += -LEARNING_RATE * update_ho
        if self.fixes.biases:
            self.b_ih += -LEARNING_RATE * update_b_ih
            self.b_ho += -LEARNING_RATE * update_b_ho

    def copy_into(self, params) -> None:
        """Write these weights into a model.Network of 16 units, in this package's names, for its views."""
        params.w_ih[...], params.b_ih[...], params.w_hh[...] = self.w_ih, self.b_ih[0], self.w_hh
        params.w_ho[...], params.b_ho[...] = self.w_ho, self.b_ho[0]

    def train(self, epochs: int) -> Iterator[Epoch]:
        for _ in range(epochs):
            yield self.train_epoch()


def printout(epoch: Epoch) -> list[str]:
    """The lines the notebook prints for an epoch (every 50th, and a problem every 100th)."""
    lines = []
    if epoch.epoch % 50 == 0:
        lines.append(f"Epoch: {epoch.epoch} Train Error: {epoch.error}")
    if epoch.epoch % 100 == 0:
        with np.printoptions(formatter={"float": lambda x: f"{x:0.2f}"}):
            lines += [
                "---------------------------------------",
                f"{epoch.a} + {epoch.b} = {epoch.target[::-1]} ({epoch.a + epoch.b}), Prediction: {epoch.prediction}",
                "---------------------------------------",
            ]
    return lines
