"""A proof that the network itself adds, on inputs of every length: boxes no input can leave.

Sampling sums can never show that a network adds numbers of every length. An
invariant can. Take a set of boxes of hidden states (a low and a high value per
unit), each labelled with a carry of binary addition. If

    1. the start state lies in the start key's box, and
    2. for every box and every input symbol, the box's image under one step lies
       in a box labelled with the carry that binary addition moves to, and its
       output logits lie strictly on the side of 0 that addition's bit asks for,

then by induction on the length every hidden state the network reaches lies in
a box labelled with the true carry, and every bit it writes is right: for every
input of every length.

One step of the Elman cell, h' = act(x W_ih + b + h W_hh), maps a box to a box
exactly per unit: the affine part has each unit's extremes at the box's corners
(low times the positive weights plus high times the negative ones), and the
activation is monotone. A box's label also names the side of the activation's
middle each unit lies on (`_Boxes`), so that the clusters of a saturated
network stay apart. The boxes start from the states the network reaches on
sums at its training width and grow (each takes the hull of the images that
fall on its sides) until no box grows. That fails when the states spread instead of contracting;
networks trained with noise on their hidden states saturate and pass.

Without a fixed point there is still a bounded proof: boxes carried forward
from the start state one length at a time, each length's own, right up to the
first length where some output interval reaches 0.

Floating point: the network runs in float64, so every bound is widened by a
bound on rounding (`_rounding`): the network's own and this module's, for a sum
of n products in any order (Higham's gamma_n times the sum of absolute terms),
and 4 units in the last place for each activation (NumPy's tanh is within 2 of
the exact value). The proof covers the arithmetic the network actually runs.

Gated cells (GRU, LSTM) multiply gates by states; interval products would be
sound but are not attempted: they get no proof, said plainly.
"""

from dataclasses import dataclass

import numpy as np

from . import evaluation, model
from .activations import ACTIVATIONS
from .cells.symbols import SYMBOL_BITS
from .machine import ADDER, SYMBOL_COUNT, symbols_of

MAX_BOXES = 4096  # boxes in a certificate at the most
BOUNDED_BOXES = 16384  # boxes of one length in the bounded proof at the most
# Fewer boxes for wide networks, whose step costs hidden^2 per box: a round of stepping
# boxes stays near this many multiply-adds (hidden 16: the limits above; 1024: 16 boxes).
ROUND_WORK = 2**26
# And each search (the invariant, the bounded proof) stops past this many: about a second
# in CPython, a few in the page, whatever the width.
TOTAL_WORK = 2**30
MAX_ROUNDS = 400  # rounds of growing the boxes before the proof gives up
BOUNDED_LIMIT = 1024  # the longest bounded proof looked for
UNIT = 2.0**-53  # unit roundoff of float64
ACTIVATION_ULPS = 4
GROWTH = 1e-9  # a grown bound moves this much further, so that converging boxes stop growing
GRID = 1 / 32  # the bounded proof's cells, in units of a hidden value
HUGE = 1e6  # a box past this is not going to settle (an unbounded relu)
# Where a unit's side is read, for the keys: the activation's middle.
MIDDLE = {"tanh": 0.0, "sigmoid": 0.5, "relu": 0.5}


def _gamma(n: int) -> float:
    return n * UNIT / (1 - n * UNIT)


@dataclass(frozen=True)
class Failure:
    """Where the proof broke: a box of states with a carry, on an input symbol, and its output logits."""

    carry: int
    undecided: int  # units of the box whose interval holds the activation's middle
    symbol: int
    logits: tuple[float, float]
    bit: int  # the bit binary addition writes there
    grew: bool  # True: the boxes grew past HUGE, or past the most boxes, or kept growing

    def to_dict(self) -> dict:
        return {
            "carry": self.carry,
            "undecided": self.undecided,
            "symbol": f"{self.symbol >> 1}{self.symbol & 1}",
            # Rounded: the last digits depend on the order the platform's NumPy sums in.
            "logits": None if self.grew else [float(f"{bound:.4g}") for bound in self.logits],
            "bit": self.bit,
            "grew": self.grew,
            "text": self.text(),
        }

    def text(self) -> str:
        if self.grew:
            return f"the boxes kept growing, past {HUGE:g}, the boxes or work a proof may take, or {MAX_ROUNDS} rounds"
        side = "above 0" if self.bit else "below 0"
        low, high = self.logits
        return (
            f"a box of carry-{self.carry} states, on input {self.symbol >> 1}{self.symbol & 1}, gives output "
            f"logits in [{low:.3g}, {high:.3g}], where bit {self.bit} needs them {side}"
        )


@dataclass(frozen=True)
class Proof:
    proven: bool  # right on every input of every length
    boxes: int  # boxes in the certificate (or in the last attempt)
    rounds: int  # rounds of growth until no box grew (or until it failed)
    bounded: int  # every input of up to this many steps is right (BOUNDED_LIMIT when proven)
    failure: Failure | None  # why the unbounded proof failed
    reason: str = ""  # why no proof was tried (gated cells)

    def to_dict(self) -> dict:
        return {
            "proven": self.proven,
            "boxes": self.boxes,
            "rounds": self.rounds,
            "bounded": self.bounded,
            "boundedLimit": BOUNDED_LIMIT,
            "failure": None if self.failure is None else self.failure.to_dict(),
            "reason": self.reason,
        }


class _Step:
    """One step of an Elman network on boxes, with its rounding bound, and the output logit's interval."""

    def __init__(self, params: model.Network) -> None:
        self.activation = params.activation
        self.w, self.w_abs = params.w_hh, np.abs(params.w_hh)
        self.drive = SYMBOL_BITS @ params.w_ih + params.b_ih  # (4, H), x W_ih + b per symbol
        self.drive_abs = np.abs(SYMBOL_BITS) @ np.abs(params.w_ih) + np.abs(params.b_ih)
        self.v, self.v_abs, self.b_ho = params.w_ho[:, 0], np.abs(params.w_ho[:, 0]), params.b_ho[0]
        # Four times gamma: the network's own rounding, this bound's, the box's centre and
        # radius (_centre_radius), and the slack's own.
        self.gamma = 4 * _gamma(params.hidden + 4)
        self.work = 0  # multiply-adds of the boxes stepped so far

    def image(self, low: np.ndarray, high: np.ndarray, symbols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Boxes (n, H) stepped with symbols (n,): the boxes holding every state the network can reach."""
        centre, radius = _centre_radius(low, high)
        self.work += 3 * low.size * self.w.shape[1]
        z = centre @ self.w + self.drive[symbols]
        spread = radius @ self.w_abs
        spread += self.gamma * (np.maximum(np.abs(low), np.abs(high)) @ self.w_abs + self.drive_abs[symbols])
        act = ACTIVATIONS[self.activation].value
        h_low, h_high = act(z - spread, None), act(z + spread, None)
        h_low -= ACTIVATION_ULPS * UNIT * (np.abs(h_low) + 1.0)
        h_high += ACTIVATION_ULPS * UNIT * (np.abs(h_high) + 1.0)
        return h_low, h_high

    def logits(self, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        centre, radius = _centre_radius(low, high)
        logit = centre @ self.v + self.b_ho
        spread = radius @ self.v_abs
        spread += self.gamma * (np.maximum(np.abs(low), np.abs(high)) @ self.v_abs + abs(self.b_ho))
        return logit - spread, logit + spread


def _centre_radius(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A box as centre and radius: each unit's extremes of an affine map lie at centre +- radius
    times |weight|. Rounding here moves an end by at most an ulp of max(|low|, |high|), which
    the slack's fourth gamma covers."""
    return (low + high) * 0.5, (high - low) * 0.5


class _Boxes:
    """Boxes keyed by (carry, a label of where the box lies); a box takes the hull of what shares its key.

    The keys are labels only: what makes the boxes an invariant is that each image lies in
    a box of the carry that binary addition moves to. The label `sides` (the side of the
    activation's middle each unit is on: -1, +1, or 0 for both) keeps apart the clusters
    a saturated network's states form, whose hull would be the whole cube; `cells` (the
    cell of a grid of GRID the box's centre is in) keeps apart more, for the bounded proof.
    A key is one integer: the label's hash, doubled, plus the carry. Two labels that hash
    alike only share a box, which is sound; the carry is never mixed up.
    """

    def __init__(self, size: int, middle: float, label: str = "sides") -> None:
        self.middle = middle
        self.label = label
        self.mix = np.random.default_rng(size).integers(1, 2**62, size=size)  # fixed: the same keys everywhere
        self.index: dict[int, int] = {}
        self.keys = np.empty(0, dtype=np.int64)
        self.low, self.high = np.empty((0, size)), np.empty((0, size))
        self.carry = np.empty(0, dtype=np.intp)

    def sides(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        return np.where(low > self.middle, 1, np.where(high < self.middle, -1, 0))

    def key(self, carry: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        if self.label == "sides":
            labels = self.sides(low, high)
        else:
            labels = np.floor((low + high) * (0.5 / GRID)).astype(np.int64)
        with np.errstate(over="ignore"):
            return (labels.astype(np.int64) @ self.mix) * 2 + carry

    def hull(self, carry: np.ndarray, low: np.ndarray, high: np.ndarray, grow: float = GROWTH) -> np.ndarray:
        """Take the hull of each box (n, H) into its key's box; the keys whose box grew or is new."""
        keys, first, inverse, counts = np.unique(
            self.key(carry, low, high), return_index=True, return_inverse=True, return_counts=True
        )
        new = [i for i, key in enumerate(keys.tolist()) if key not in self.index]
        if new:
            for i in new:
                self.index[int(keys[i])] = len(self.index)
            self.keys = np.concatenate([self.keys, keys[new]])
            self.low = np.vstack([self.low, np.full((len(new), low.shape[1]), np.inf)])
            self.high = np.vstack([self.high, np.full((len(new), low.shape[1]), -np.inf)])
            self.carry = np.concatenate([self.carry, carry[first[new]]]).astype(np.intp)
        rows = np.array([self.index[key] for key in keys.tolist()], dtype=np.intp)
        # Each key's boxes side by side, then one reduction per key: much cheaper than ufunc.at.
        order = np.argsort(inverse.reshape(-1), kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        hull_low, hull_high = self.low.copy(), self.high.copy()
        hull_low[rows] = np.minimum(hull_low[rows], np.minimum.reduceat(low[order], starts))
        hull_high[rows] = np.maximum(hull_high[rows], np.maximum.reduceat(high[order], starts))
        grew_low, grew_high = hull_low < self.low, hull_high > self.high
        self.low = np.where(grew_low, hull_low - grow, self.low)
        self.high = np.where(grew_high, hull_high + grow, self.high)
        return np.flatnonzero((grew_low | grew_high).any(axis=1))

    def same(self, other: "_Boxes") -> bool:
        if set(self.index) != set(other.index):
            return False
        order = [other.index[key] for key in self.index]
        return bool((other.low[order] == self.low).all() and (other.high[order] == self.high).all())


def prove(params: model.Network, bits: int, bounded: bool = True) -> Proof:
    """An invariant for the network, or where it broke and (unless `bounded` is False, the
    cheaper answer to "is it proven?") the bounded proof. `bits`: the training width, whose
    sums' states seed the boxes."""
    if params.cell != "elman":
        return Proof(False, 0, 0, 0, None, "no proof for gated cells: their gates multiply the states")
    step = _Step(params)
    proof = _invariant(step, _reached_states(params, bits))
    if proof.proven:
        return proof
    return Proof(False, proof.boxes, proof.rounds, _bounded(step) if bounded else 0, proof.failure)


def _reached_states(params: model.Network, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """The hidden states (T, B, H) the network reaches on seeded sums at its width, and their carries."""
    inputs, _ = evaluation.encoded(bits, evaluation.sample_size(1024, params.hidden), 0)
    hidden = model.forward(params, inputs).hidden[1:]
    symbols = symbols_of(inputs)
    carries = np.empty_like(symbols)
    carry = np.zeros(symbols.shape[1], dtype=np.intp)
    for t, symbol in enumerate(symbols):
        carry = carries[t] = NEXT[carry, symbol]
    return hidden, carries


NEXT, OUT = np.array(ADDER.next, dtype=np.intp), np.array(ADDER.out, dtype=np.intp)


def _images(step: _Step, boxes: _Boxes, which: np.ndarray):
    """Every box of `which` stepped with every symbol: carries after, boxes, and the first wrong output."""
    source = np.repeat(which, SYMBOL_COUNT)
    symbols = np.tile(np.arange(SYMBOL_COUNT), len(which))
    low, high = step.image(boxes.low[source], boxes.high[source], symbols)
    logit_low, logit_high = step.logits(low, high)
    carry = boxes.carry[source]
    bit = OUT[carry, symbols]
    wrong = np.where(bit == 1, ~(logit_low > 0), ~(logit_high < 0))
    failure = None
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        undecided = int(np.count_nonzero(boxes.sides(boxes.low[source[i]], boxes.high[source[i]]) == 0))
        logits = (float(logit_low[i]), float(logit_high[i]))
        failure = Failure(int(carry[i]), undecided, int(symbols[i]), logits, int(bit[i]), False)
    return NEXT[carry, symbols], low, high, failure


def _invariant(step: _Step, reached: tuple[np.ndarray, np.ndarray]) -> Proof:
    hidden, carries = reached
    boxes = _Boxes(hidden.shape[2], MIDDLE[step.activation])
    start = np.zeros((1, hidden.shape[2]))
    boxes.hull(np.zeros(1, dtype=np.intp), start, start, grow=0.0)
    # Seeded with the states reached, which any invariant holds: fewer rounds, the same boxes.
    boxes.hull(carries.reshape(-1), hidden.reshape(-1, hidden.shape[2]), hidden.reshape(-1, hidden.shape[2]))
    changed = np.arange(len(boxes.carry))
    for rounds in range(1, MAX_ROUNDS + 1):
        carry, low, high, failure = _images(step, boxes, changed)
        if failure is not None:
            return Proof(False, len(boxes.carry), rounds, 0, failure)
        changed = boxes.hull(carry, low, high)
        if len(changed) == 0:
            return Proof(True, len(boxes.carry), rounds, BOUNDED_LIMIT, None)
        too_many = len(boxes.carry) > _most_boxes(MAX_BOXES, step) or step.work > TOTAL_WORK
        if too_many or (boxes.high > HUGE).any() or (boxes.low < -HUGE).any():
            break
    return Proof(False, len(boxes.carry), rounds, 0, Failure(0, 0, 0, (-np.inf, np.inf), 0, True))


def _most_boxes(limit: int, step: _Step) -> int:
    return max(8, min(limit, ROUND_WORK // (SYMBOL_COUNT * step.w.shape[0] ** 2)))


def _bounded(step: _Step) -> int:
    """The most steps N such that every input of N steps gets every bit right: boxes per length.

    Each length's boxes are keyed by grid cell while there are at most BOUNDED_BOXES of them (fewer when wide)
    (for the first few lengths, one box per input), by sides after that."""
    size = step.w_abs.shape[0]
    boxes = _Boxes(size, MIDDLE[step.activation])
    boxes.hull(np.zeros(1, dtype=np.intp), np.zeros((1, size)), np.zeros((1, size)), grow=0.0)
    label = "cells"
    step.work = 0
    for length in range(BOUNDED_LIMIT):
        carry, low, high, failure = _images(step, boxes, np.arange(len(boxes.carry)))
        if failure is not None:
            return length
        following = _Boxes(size, boxes.middle, label)
        following.hull(carry, low, high, grow=0.0)
        if len(following.carry) > _most_boxes(BOUNDED_BOXES, step):
            label = "sides"
            following = _Boxes(size, boxes.middle, label)
            following.hull(carry, low, high, grow=0.0)
        if following.same(boxes):
            return BOUNDED_LIMIT  # the boxes no longer change: every further length is the same
        if step.work > TOTAL_WORK:
            return length + 1  # every input of length + 1 steps was checked
        boxes = following
    return BOUNDED_LIMIT


def network_right(params: model.Network, symbols: np.ndarray) -> np.ndarray:
    """Whether the network writes binary addition's every bit on symbol sequences (T, B): (B,)."""
    logits = model.forward(params, SYMBOL_BITS[symbols]).logits
    return ((logits > 0) == (ADDER.run(symbols) == 1)).all(axis=0)
