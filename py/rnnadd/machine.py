"""The machine a network became: a finite-state transducer read off its hidden states.

To add, a network must carry one bit from step to step. If it has learnt to, the
states it reaches fall into a few clouds, and which cloud comes next depends
only on the input bits. Reading the clouds as states gives a Mealy machine that
can be compared with binary addition exactly, on inputs of every length.

The clouds: k-means on the states the network reaches on seeded problems at its
training width, with the smallest k whose transitions (next cloud and output
bit for each cloud and input) agree with the majority on at least 99% of visits.
Fewer clouds cannot describe the network's steps; more only split clouds that
minimisation merges again. The start state stays a state of its own.
"""

from collections import deque
from dataclasses import dataclass

import numpy as np

from . import encoding, evaluation, model
from .cells import CELLS

# Symbol x of a time step is 2 * (bit of a) + (bit of b).
SYMBOL_COUNT = 4
SYMBOL_BITS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
DETERMINISM = 0.99
MAX_CLUSTERS = 12
EXTRACTION_PAIRS = 512
MAX_POINT_FLOATS = 2**21  # the states clustered stay below 16 MB, whatever the hidden size
AGREEMENT_PAIRS = 10_000
SEED = 12345


@dataclass(frozen=True)
class Machine:
    """From state s on symbol x, move to next[s][x] and write out[s][x]. State 0 starts."""

    next: tuple[tuple[int, ...], ...]
    out: tuple[tuple[int, ...], ...]

    @property
    def size(self) -> int:
        return len(self.next)

    def run(self, symbols: np.ndarray) -> np.ndarray:
        """The bits it writes (T, B) for symbol sequences (T, B)."""
        next_state, out = np.array(self.next), np.array(self.out)
        state = np.zeros(symbols.shape[1], dtype=np.int64)
        written = np.empty(symbols.shape, dtype=np.int64)
        for t, symbol in enumerate(symbols):
            written[t] = out[state, symbol]
            state = next_state[state, symbol]
        return written


# Binary addition itself: the state is the carry.
ADDER = Machine(next=((0, 0, 0, 1), (0, 1, 1, 1)), out=((0, 1, 1, 0), (1, 0, 0, 1)))


def minimise(machine: Machine) -> Machine:
    """The smallest machine that writes the same bits on every input, states numbered
    in the order a breadth-first walk from the start meets them (so equal machines are equal)."""
    reachable = _walk_order(machine)
    group = _numbered({s: machine.out[s] for s in reachable}, reachable)
    while True:
        signature = {s: (group[s], tuple(group[machine.next[s][x]] for x in range(SYMBOL_COUNT))) for s in reachable}
        refined = _numbered(signature, reachable)
        if len(set(refined.values())) == len(set(group.values())):
            break
        group = refined
    first = {}
    for s in reachable:
        first.setdefault(group[s], s)
    merged = Machine(
        next=tuple(tuple(group[machine.next[s][x]] for x in range(SYMBOL_COUNT)) for s in first.values()),
        out=tuple(machine.out[s] for s in first.values()),
    )
    order = {s: i for i, s in enumerate(_walk_order(merged))}
    by_order = sorted(order, key=order.get)
    return Machine(
        next=tuple(tuple(order[t] for t in merged.next[s]) for s in by_order),
        out=tuple(merged.out[s] for s in by_order),
    )


def _walk_order(machine: Machine) -> list[int]:
    order, seen = [0], {0}
    for s in order:
        for t in machine.next[s]:
            if t not in seen:
                seen.add(t)
                order.append(t)
    return order


def _numbered(keys: dict, order: list[int]) -> dict[int, int]:
    numbers: dict = {}
    return {s: numbers.setdefault(keys[s], len(numbers)) for s in order}


def shortest_difference(machine: Machine, reference: Machine = ADDER) -> tuple[int, ...] | None:
    """The shortest symbol sequence on whose last step the two machines write different
    bits, or None when they write the same bits on every sequence of every length.

    A breadth-first search over pairs of states: both machines are finite, so every
    pair of states they can be in together is met, and the first difference met is
    a shortest one.
    """
    paths = {(0, 0): ()}
    queue = deque(paths)
    while queue:
        s, r = pair = queue.popleft()
        for x in range(SYMBOL_COUNT):
            path = (*paths[pair], x)
            if machine.out[s][x] != reference.out[r][x]:
                return path
            after = (machine.next[s][x], reference.next[r][x])
            if after not in paths:
                paths[after] = path
                queue.append(after)
    return None


def operands_of(symbols: tuple[int, ...]) -> tuple[int, int]:
    """The operands whose bits, least significant first, are the symbols."""
    a = sum((x >> 1) << t for t, x in enumerate(symbols))
    b = sum((x & 1) << t for t, x in enumerate(symbols))
    return a, b


def symbols_of(inputs: np.ndarray) -> np.ndarray:
    """Encoded inputs (T, B, 2) -> symbols (T, B)."""
    return (2 * inputs[..., 0] + inputs[..., 1]).astype(np.int64)


# -- reading the machine off a network --------------------------------------------------


def trajectories(params: model.Params, activation: str, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cell's whole state before and after every step (T+1, B, STATE*H), and the bits written (T, B)."""
    steps, batch, _ = inputs.shape
    states = np.zeros((steps + 1, batch, CELLS[params.cell].STATE * params.hidden))
    written = np.empty((steps, batch), dtype=np.int64)
    for t in range(steps):
        states[t + 1], written[t] = _one_step(params, activation, inputs[t : t + 1], states[t])
    return states, written


def _one_step(
    params: model.Params, activation: str, inputs: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The cell's state after one step (1, B, 2) from `start`, and the bit written."""
    hidden, _, end = CELLS[params.cell].forward(params, inputs, activation, start)
    return end, (model.output_logits(params, hidden[1]) > 0).astype(np.int64)


def nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    distances = (centres * centres).sum(axis=1) - 2.0 * (points @ centres.T)
    return distances.argmin(axis=1)


def kmeans(points: np.ndarray, k: int, rng: np.random.Generator, rounds: int = 50) -> np.ndarray:
    """Centres of k clusters: k-means++ seeding, then Lloyd's rounds until nothing moves."""
    centres = [points[rng.integers(len(points))]]
    distance = ((points - centres[0]) ** 2).sum(axis=1)
    while len(centres) < k and distance.sum() > 0:
        centres.append(points[rng.choice(len(points), p=distance / distance.sum())])
        distance = np.minimum(distance, ((points - centres[-1]) ** 2).sum(axis=1))
    centres = np.array(centres)
    for _ in range(rounds):
        labels = nearest(points, centres)
        members = labels == np.arange(len(centres))[:, None]  # (k, n): one product sums every cluster
        counts = members.sum(axis=1)
        sums = members.astype(points.dtype) @ points
        moved = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], centres)
        if np.array_equal(moved, centres):
            break
        centres = moved
    return centres


@dataclass(frozen=True)
class Extraction:
    machine: Machine  # minimised
    clusters: int  # k: clouds of states, before minimising
    determinism: float  # share of the network's steps that follow the unminimised machine


def extract(params: model.Params, activation: str, bits: int, seed: int = SEED) -> Extraction:
    """The network's machine, read off the states it reaches on seeded problems at `bits`."""
    state_size = CELLS[params.cell].STATE * params.hidden
    pairs = max(16, min(EXTRACTION_PAIRS, MAX_POINT_FLOATS // (bits * state_size)))
    a, b = encoding.random_pairs(np.random.default_rng(seed), pairs, bits)
    inputs, _ = encoding.encode_pairs(a, b, bits)
    states, written = trajectories(params, activation, inputs)
    symbols = symbols_of(inputs)
    points = states[1:].reshape(-1, state_size)
    rng = np.random.default_rng(seed)
    best = None
    for k in range(1, MAX_CLUSTERS + 1):
        centres = kmeans(points, k, rng)
        machine, determinism = _induced(params, activation, states, symbols, written, centres)
        if best is None or determinism > best.determinism:
            best = Extraction(machine, len(centres), determinism)
        if determinism >= DETERMINISM or len(centres) < k:
            break
    return Extraction(minimise(best.machine), best.clusters, best.determinism)


def _induced(params, activation, states, symbols, written, centres) -> tuple[Machine, float]:
    """The machine whose states are the start and the clusters, each transition the one most
    visits take; where no visit shows a transition, the network's own step from the centre."""
    steps, batch = symbols.shape
    count = len(centres) + 1
    labels = np.zeros((steps + 1, batch), dtype=np.int64)
    labels[1:] = 1 + nearest(states[1:].reshape(-1, states.shape[-1]), centres).reshape(steps, batch)
    keys = ((labels[:-1] * SYMBOL_COUNT + symbols) * count + labels[1:]) * 2 + written
    tally = np.bincount(keys.reshape(-1), minlength=count * SYMBOL_COUNT * count * 2).reshape(
        count, SYMBOL_COUNT, count * 2
    )
    choice = tally.argmax(axis=2)
    next_state, out = choice // 2, choice % 2
    unseen = tally.sum(axis=2) == 0
    if unseen.any():
        origins = np.vstack([np.zeros((1, centres.shape[1])), centres])
        for x in range(SYMBOL_COUNT):
            sources = np.flatnonzero(unseen[:, x])
            if sources.size:
                inputs = np.repeat(SYMBOL_BITS[x][None, None], sources.size, axis=1)
                after, bits_written = _one_step(params, activation, inputs, origins[sources])
                next_state[sources, x] = 1 + nearest(after, centres)
                out[sources, x] = bits_written
    determinism = tally.max(axis=2).sum() / keys.size
    return Machine(tuple(map(tuple, next_state.tolist())), tuple(map(tuple, out.tolist()))), float(determinism)


# -- how far the machine can be trusted --------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """How often the machine writes the network's own bits."""

    bits: int  # width of the sums
    pairs: int
    exhaustive: bool  # every pair at this width, or a seeded sample
    sums: float  # share of sums whose every bit agrees
    bit_share: float  # share of bits that agree


def agreement(machine: Machine, params: model.Params, activation: str, bits: int, seed: int = SEED) -> Agreement:
    """Every pair at `bits` when there are at most 65,536 of them, else 10,000 seeded pairs."""
    exhaustive = 4 ** (bits - 1) <= evaluation.MAX_EXHAUSTIVE_PAIRS
    inputs, _ = evaluation.encoded(bits, 0 if exhaustive else AGREEMENT_PAIRS, seed)
    pairs = inputs.shape[1]
    chunk = max(1, evaluation.MAX_WORK_FLOATS // ((bits + 1) * params.hidden * CELLS[params.cell].GATES))
    sums_same = bits_same = 0
    for start in range(0, pairs, chunk):
        part = inputs[:, start : start + chunk]
        same = machine.run(symbols_of(part)) == (model.forward(params, part, activation).logits > 0)
        sums_same += int(np.count_nonzero(same.all(axis=0)))
        bits_same += int(np.count_nonzero(same))
    return Agreement(bits, pairs, exhaustive, sums_same / pairs, bits_same / (pairs * bits))


@dataclass(frozen=True)
class Explanation:
    extraction: Extraction
    difference: tuple[int, ...] | None  # the shortest input on which it is not binary addition
    agreements: tuple[Agreement, ...]  # at the training width, and on 64-bit sums
    chains: "evaluation.ChainLimit"

    def to_dict(self) -> dict:
        """Plain values with the page's names, for the page and `rnnadd explain --json`."""
        machine = self.extraction.machine
        counterexample = None
        if self.difference is not None:
            a, b = operands_of(self.difference)
            counterexample = {"a": str(a), "b": str(b), "steps": len(self.difference), "symbols": list(self.difference)}
        failing = self.chains.failing
        return {
            "states": machine.size,
            "next": [list(row) for row in machine.next],
            "out": [list(row) for row in machine.out],
            "clusters": self.extraction.clusters,
            "determinism": self.extraction.determinism,
            "equivalent": self.difference is None,
            "counterexample": counterexample,
            "agreement": [
                {"bits": g.bits, "pairs": g.pairs, "exhaustive": g.exhaustive, "sums": g.sums, "bitShare": g.bit_share}
                for g in self.agreements
            ],
            "chains": {
                "longest": self.chains.longest,
                "failing": failing and {"a": str(failing[0]), "b": str(failing[1]), "run": self.chains.failing_run},
                "sums": self.chains.sums,
            },
        }


def explain(params: model.Params, activation: str, bits: int) -> Explanation:
    """The machine, whether it is binary addition, how faithful it is, and the longest carry survived."""
    extraction = extract(params, activation, bits)
    agreements = tuple(agreement(extraction.machine, params, activation, width) for width in (bits, encoding.MAX_BITS))
    return Explanation(
        extraction,
        shortest_difference(extraction.machine),
        agreements,
        evaluation.carry_chains(params, activation),
    )
