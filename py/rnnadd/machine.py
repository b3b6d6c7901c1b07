"""The machine a network became: a finite-state transducer read off its hidden states.

To add, a network must carry one bit from step to step. If it has learnt to, its
states fall into a few kinds, and which kind comes next depends only on the
input bits. Reading the kinds as states gives a Mealy machine that can be
compared with binary addition exactly, on inputs of every length.

The kinds: two states are of one kind when the network, started from either,
would write the same bits over the next two steps whatever the inputs (20 bits:
4 inputs, then 16 pairs of inputs). This is the test that defines a machine's
states (two states are one when no input tells them apart), cut at two steps so
that it costs two batched steps: the carry shows in the very next bit, and the
second step separates states that agree now and part later. Only the states the
network reaches on seeded problems at its training width are grouped; each
kind's transition is the one most of its visits take (`determinism` says how
many do); the start state is a kind of its own. Minimising then merges kinds
that no input sequence tells apart.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import encoding, evaluation, model
from .cells import CELLS
from .cells.symbols import symbol_bits
from .mealy import Machine, minimise, shortest_difference
from .tasks import ADD, Task

if TYPE_CHECKING:
    from .proof import Proof

# Symbol x of a time step is 2 * (bit of a) + (bit of b) for two operands (tasks.py). Indices are
# np.intp: 32 bits in the page.
SYMBOL_COUNT = 4
ADDER = ADD.machine  # binary addition itself: the state is the carry
SIGNATURE_DEPTH = 2
EXTRACTION_PAIRS = 256
AGREEMENT_PAIRS = 10_000


def operands_of(symbols: tuple[int, ...]) -> tuple[int, int]:
    """The operands of a sum whose bits, least significant first, are the symbols."""
    return ADD.operands_of(symbols)


def symbols_of(inputs: np.ndarray) -> np.ndarray:
    """Encoded inputs (T, B, operands) -> symbols (T, B)."""
    weights = 2 ** np.arange(inputs.shape[-1] - 1, -1, -1)
    return (inputs @ weights).astype(np.intp)


# -- reading the machine off a network --------------------------------------------------


def trajectories(params: model.Network, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cell's whole state before and after every step (T+1, B, STATE*H), and the bits written (T, B)."""
    steps, batch, _ = inputs.shape
    states = np.zeros((steps + 1, batch, CELLS[params.cell].STATE * params.hidden))
    written = np.empty((steps, batch), dtype=np.intp)
    for t in range(steps):
        states[t + 1], written[t] = _one_step(params, inputs[t : t + 1], states[t])
    return states, written


def _one_step(params: model.Network, inputs: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cell's state after one step (1, B, 2) from `start`, and the bit written."""
    hidden, _, end = CELLS[params.cell].forward(params, inputs, start)
    return end, (model.output_logits(params, hidden[1]) > 0).astype(np.intp)


def behaviour(params: model.Network, states: np.ndarray) -> np.ndarray:
    """The bits the network would write from each state over the next SIGNATURE_DEPTH steps,
    on every input: (n, 4 + 16 + ...) zeros and ones for two operands, one batched step per depth."""
    written = []
    frontier = states
    for _ in range(SIGNATURE_DEPTH):
        hidden, frontier = CELLS[params.cell].children(params, frontier, 2**params.inputs)
        written.append((model.output_logits(params, hidden) > 0).astype(np.intp).reshape(len(states), -1))
    return np.hstack(written)


def kinds_of(seen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of bits (n, width) grouped by equality: the first row of each group, and each row's
    group, groups in the order of the rows read as numbers with column 0 the least significant.

    Packed into bytes, so that a behaviour of any width (72 bits with three operands) counts
    every bit, in the page's 32-bit integers as in CPython's."""
    packed = np.packbits(seen[:, ::-1].astype(np.uint8), axis=1)
    _, first, group = np.unique(packed, axis=0, return_index=True, return_inverse=True)
    return first, group.reshape(-1)


@dataclass(frozen=True)
class Extraction:
    machine: Machine  # minimised
    groups: int  # groups of states that behave alike, before minimising
    determinism: float  # share of the network's steps that follow the unminimised machine's transitions


def extract(params: model.Network, bits: int, seed: int = evaluation.SAMPLE_SEED, task: Task = ADD) -> Extraction:
    """The network's machine, read off the states it reaches on seeded problems of the task at `bits`."""
    state_size = CELLS[params.cell].STATE * params.hidden
    symbol_count = task.symbols
    pairs = max(
        4, min(EXTRACTION_PAIRS, evaluation.MAX_WORK_FLOATS // (symbol_count**SIGNATURE_DEPTH * bits * state_size))
    )
    inputs, _ = task.encode(task.random_operands(np.random.default_rng(seed), pairs, bits), bits)
    states, written = trajectories(params, inputs)
    symbols = symbols_of(inputs)
    steps, batch = symbols.shape
    # Group 0 is the start; the others are the distinct behaviours met after it.
    seen = behaviour(params, states[1:].reshape(-1, state_size))
    first, group = kinds_of(seen)
    kinds = seen[first]
    count = len(kinds) + 1
    labels = np.zeros((steps + 1, batch), dtype=np.int64)
    labels[1:] = 1 + group.reshape(steps, batch)
    # Each visit: from (group, symbol) to (group, bit written). Most of the count * symbols *
    # count * 2 possible visits never happen, so they are tallied sparsely.
    sources = labels[:-1] * symbol_count + symbols
    keys = (sources * count + labels[1:]) * 2 + written
    visited, visits = np.unique(keys.reshape(-1), return_counts=True)
    source, choice = np.divmod(visited, count * 2)
    # Each source's most visited choice; of equals, the lowest (group, bit).
    ranked = np.lexsort((choice, -visits, source))
    best = ranked[np.r_[True, source[ranked][1:] != source[ranked][:-1]]]
    next_group = np.zeros(count * symbol_count, dtype=np.intp)
    out = np.zeros(count * symbol_count, dtype=np.intp)
    next_group[source[best]], out[source[best]] = choice[best] // 2, choice[best] % 2
    next_group, out = next_group.reshape(count, symbol_count), out.reshape(count, symbol_count)
    # A transition no visit shows: the network's own step from a state of the group, to the
    # group whose behaviour is nearest (fewest bits apart) to where it lands.
    shown = np.zeros(count * symbol_count, dtype=bool)
    shown[source[best]] = True
    unseen = np.argwhere(~shown.reshape(count, symbol_count))
    if unseen.size:
        members = np.vstack([np.zeros((1, state_size)), states[1:].reshape(-1, state_size)])
        first_member = np.concatenate([[0], 1 + first])
        step_inputs = symbol_bits(params.inputs)[unseen[:, 1]][None]
        after, bits_written = _one_step(params, step_inputs, members[first_member[unseen[:, 0]]])
        landed = behaviour(params, after).astype(float)
        ones = kinds.astype(float)
        # Bits apart, |a - k| summed, as a product: a + k - 2ak (exact in floats this small).
        apart = landed.sum(axis=1)[:, None] + ones.sum(axis=1)[None] - 2 * (landed @ ones.T)
        next_group[unseen[:, 0], unseen[:, 1]] = 1 + apart.argmin(axis=1)
        out[unseen[:, 0], unseen[:, 1]] = bits_written
    determinism = float(visits[best].sum() / keys.size)
    machine = Machine(tuple(map(tuple, next_group.tolist())), tuple(map(tuple, out.tolist())))
    return Extraction(minimise(machine), count, determinism)


# -- how far the machine can be trusted --------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """How often the machine writes the network's own bits."""

    bits: int  # width of the sums
    pairs: int
    exhaustive: bool  # every pair at this width, or a seeded sample
    sums: float  # share of sums whose every bit agrees
    bit_share: float  # share of bits that agree

    def to_dict(self) -> dict:
        return {
            "bits": self.bits,
            "pairs": self.pairs,
            "exhaustive": self.exhaustive,
            "sums": self.sums,
            "bitShare": self.bit_share,
        }


def agreement(
    machine: Machine,
    params: model.Network,
    bits: int,
    seed: int = evaluation.SAMPLE_SEED,
    task: Task = ADD,
) -> Agreement:
    """Every operand tuple at `bits` when there are at most 262,144 of them, through the prefix tree,
    else 10,000 seeded ones (fewer for networks wider than 64 units: evaluation.sample_size)."""
    if evaluation.exhaustive(bits, task):
        tuples, bits_same, sums_same = task.count(bits), 0, 0
        for level, _, same, all_same, per_node in evaluation.prefix_tree(params, bits, task, machine):
            bits_same += int(np.count_nonzero(same)) * per_node
            if level == bits - 1:
                sums_same += int(np.count_nonzero(all_same))
        return Agreement(bits, tuples, True, sums_same / tuples, bits_same / (tuples * bits))
    inputs, _ = evaluation.encoded(bits, evaluation.sample_size(AGREEMENT_PAIRS, params.hidden), seed, task)
    pairs = inputs.shape[1]
    chunk = evaluation.pairs_per_chunk(params, bits)
    sums_same = bits_same = 0
    for start in range(0, pairs, chunk):
        part = inputs[:, start : start + chunk]
        same = machine.run(symbols_of(part)) == (model.forward(params, part).logits > 0)
        sums_same += int(np.count_nonzero(same.all(axis=0)))
        bits_same += int(np.count_nonzero(same))
    return Agreement(bits, pairs, False, sums_same / pairs, bits_same / (pairs * bits))


@dataclass(frozen=True)
class Explanation:
    extraction: Extraction
    difference: tuple[int, ...] | None  # the shortest input on which it is not the task's machine
    agreements: tuple[Agreement, ...]  # at the training width, and (unless left to later) on 64-bit sums
    chains: "evaluation.ChainLimit | None"  # for a task with a machine
    proof: "Proof | None"  # whether the network itself follows binary addition on every input (proof.py)
    task: Task = ADD

    def to_dict(self) -> dict:
        """Plain values with the page's names, for the page and `rnnadd explain --json`."""
        machine = self.extraction.machine
        counterexample = None
        if self.difference is not None:
            operands = self.task.operands_of(self.difference)
            counterexample = dict(zip(self.task.letters, map(str, operands), strict=True))
            counterexample |= {
                "text": self.task.spell(operands),
                "steps": len(self.difference),
                "symbols": list(self.difference),
            }
        explained = {
            "task": self.task.name,
            "states": machine.size,
            "next": [list(row) for row in machine.next],
            "out": [list(row) for row in machine.out],
            "groups": self.extraction.groups,
            "determinism": self.extraction.determinism,
            "finite": self.task.machine is not None,  # whether the task has a machine to equal
            "equivalent": self.task.machine is not None and self.difference is None,
            "counterexample": counterexample,
            "agreement": [agreement.to_dict() for agreement in self.agreements],
        }
        if self.chains is not None:
            failing = self.chains.failing
            named = failing and dict(zip(self.task.letters, map(str, failing), strict=True))
            explained["chains"] = {
                "longest": self.chains.longest,
                "failing": named and {**named, "text": self.task.spell(failing), "run": self.chains.failing_run},
                "sums": self.chains.sums,
            }
        if self.proof is not None:
            explained["proof"] = self.proof.to_dict()
        return explained


def explain(params: model.Network, bits: int, wide: bool = True, task: Task = ADD) -> Explanation:
    """The machine, whether it is the task's own (binary addition's), how faithful it is, and for
    addition the longest carry survived and the proof (or how far it reaches) that the network adds.

    `wide=False` leaves out the agreement on 64-bit sums, the costliest figure (about 0.6 s in
    the page), so that the page can show the rest first.
    """
    from .proof import prove  # proof.py reads ADDER from here

    extraction = extract(params, bits, task=task)
    widths = (bits, encoding.MAX_BITS) if wide else (bits,)
    agreements = tuple(agreement(extraction.machine, params, width, task=task) for width in widths)
    if task.machine is None:  # no finite machine does multiplication: nothing to compare with
        return Explanation(extraction, None, agreements, None, None, task)
    if task is not ADD:
        difference = shortest_difference(extraction.machine, task.machine)
        return Explanation(extraction, difference, agreements, evaluation.carry_chains(params, task=task), None, task)
    return Explanation(
        extraction,
        shortest_difference(extraction.machine, ADDER),
        agreements,
        evaluation.carry_chains(params),
        prove(params, bits),
    )
