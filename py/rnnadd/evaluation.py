"""How well given weights add: per-bit and exact-match accuracy at any width, and "solved"."""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import encoding, model
from .cells import CELLS
from .mealy import Machine
from .tasks import ADD, Task

# Every operand tuple is checked up to this many: 10-bit sums, 9-bit differences, 8-bit sums of three.
MAX_EXHAUSTIVE_PAIRS = 2**18
SOLVED_SAMPLE = 10_000  # pairs that decide "solved" where there are too many to check them all
# Work arrays stay below this many floats (32 MB), whatever the hidden size.
MAX_WORK_FLOATS = 2**22  # what a batched pass holds at once stays below 32 MB, whatever the hidden size
# The one seed of every seeded sample the views and the machine draw (the page's and the CLI's alike).
SAMPLE_SEED = 12345
# The seeded sums over which a unit's following of the carry is measured (the hidden-state view's).
CORRELATION_PAIRS = 512


def pairs_per_chunk(params: model.Network, bits: int) -> int:
    """How many sums one batched forward pass at `bits` takes within MAX_WORK_FLOATS."""
    return max(1, MAX_WORK_FLOATS // ((bits + 1) * params.hidden * CELLS[params.cell].GATES))


# Pairs checked first when deciding "solved": one wrong among them settles it cheaply.
QUICK_PAIRS = 64


def sample_size(pairs: int, hidden: int) -> int:
    """Fewer sample pairs for wide networks, whose forward passes cost hidden^2: seconds, not minutes."""
    return pairs if hidden <= 64 else max(16, pairs * 64 * 64 // (hidden * hidden))


@dataclass(frozen=True)
class Accuracy:
    bits: int
    pairs: int
    exhaustive: bool  # every operand pair, or a seeded sample
    per_bit: float
    exact_match: float


def exhaustive(bits: int, task: Task = ADD) -> bool:
    """Whether every operand tuple at `bits` is checked (at most MAX_EXHAUSTIVE_PAIRS), not a seeded sample."""
    return task.count(bits) <= MAX_EXHAUSTIVE_PAIRS


def evaluate(
    params: model.Network, bits: int, sample: int = SOLVED_SAMPLE, seed: int = 0, task: Task = ADD
) -> Accuracy:
    """Every operand pair (tuple) when there are at most 262,144 of them, else `sample` seeded ones."""
    bits = encoding.check_bits(bits)
    if isinstance(sample, bool) or not isinstance(sample, int) or not 1 <= sample <= 1_000_000:
        raise ValueError(f"sample must be a whole number from 1 to 1000000, got {sample!r}")
    if not exhaustive(bits, task):
        return evaluate_sample(params, bits, sample, seed, task)
    pairs = task.count(bits)
    bits_right = sums_right = 0
    if task.machine is None:
        for inputs, targets in every_tuple(params, bits, task):
            counted = _count_right(params, inputs, targets)
            bits_right, sums_right = bits_right + counted[0], sums_right + counted[1]
    else:
        for level, _, right, all_right, tuples_per_node in prefix_tree(params, bits, task, task.machine):
            bits_right += int(np.count_nonzero(right)) * tuples_per_node
            if level == bits - 1:  # the last level's nodes are whole problems
                sums_right += int(np.count_nonzero(all_right))
    return Accuracy(bits, pairs, True, bits_right / (pairs * bits), sums_right / pairs)


def wider_widths(bits: int) -> list[int]:
    """The widths that show whether addition learnt at `bits` carries over to longer numbers."""
    return sorted({min(2 * bits, encoding.MAX_BITS), min(4 * bits, encoding.MAX_BITS), encoding.MAX_BITS} - {bits})


def wrong_pairs(
    params: model.Network,
    bits: int,
    first: tuple[tuple[int, ...], ...] = (),
    limit: int = 16,
    task: Task = ADD,
) -> list[tuple[int, ...]]:
    """Up to `limit` operand pairs the network adds wrongly; none means it is solved.

    "Solved" has one meaning, in the CLI and the page: every pair right when
    there are at most 262,144 of them, else 10,000 seeded pairs, exactly where
    `evaluate(...).exact_match == 1`. Cheap pairs are tried before all of them:
    `first` (say, the pairs a session got wrong last time), then 64 random ones;
    the walk over every pair stops at the first bit position with a wrong sum.
    """
    for inputs, targets in (_encode(first, bits, task), encoded(bits, QUICK_PAIRS, 1, task)):
        wrong = _wrong_among(params, inputs, targets, limit)
        if wrong:
            return wrong
    if not exhaustive(bits, task):
        return _wrong_among(params, *encoded(bits, SOLVED_SAMPLE, 0, task), limit)
    if task.machine is None:
        for inputs, targets in every_tuple(params, bits, task):
            if wrong := _wrong_among(params, inputs, targets, limit):
                return wrong
        return []
    for level, first_node, _, all_right, _ in prefix_tree(params, bits, task, task.machine):
        if not all_right.all():
            nodes = first_node + np.flatnonzero(~all_right)[:limit]
            return [_operands_of_node(int(node), level, bits, task) for node in nodes]
    return []


def _encode(operands: tuple[tuple[int, ...], ...], bits: int, task: Task) -> tuple[np.ndarray, np.ndarray]:
    columns = np.array(operands, dtype=np.uint64).reshape(-1, task.operands).T
    return task.encode(columns, bits)


def _wrong_among(params: model.Network, inputs: np.ndarray, targets: np.ndarray, limit: int) -> list[tuple[int, ...]]:
    """The first `limit` pairs of an encoded set that the network gets wrong, by chunked forward passes."""
    bits, pairs = targets.shape
    chunk = pairs_per_chunk(params, bits)
    for start in range(0, pairs, chunk):
        logits = model.forward(params, inputs[:, start : start + chunk]).logits
        wrong = np.flatnonzero(((logits > 0) != (targets[:, start : start + chunk] > 0.5)).any(axis=0))[:limit]
        if wrong.size:
            operands = encoding.bits_to_int(inputs[:, start + wrong].transpose(1, 2, 0))  # (wrong, operands)
            return [tuple(int(v) for v in row) for row in operands]
    return []


def _operands_of_node(node: int, level: int, bits: int, task: Task) -> tuple[int, ...]:
    """The operands (high bits zero) that lead to a node of the prefix tree at `level`.

    A node's children are numbered node * symbols + symbol, so its number read in that
    base spells the symbols from bit 0 on; the top bits, always 0, add no digit.
    """
    symbols = []
    for _ in range(min(level, task.width(bits) - 1) + 1):
        node, symbol = divmod(node, task.symbols)
        symbols.append(symbol)
    return task.operands_of(tuple(reversed(symbols)))


def evaluate_sample(params: model.Network, bits: int, sample: int, seed: int, task: Task = ADD) -> Accuracy:
    """Accuracy on `sample` seeded pairs, even where every pair could be checked: cheap to repeat."""
    bits_right, sums_right = _count_right(params, *encoded(bits, sample, seed, task))
    return Accuracy(bits, sample, False, bits_right / (sample * bits), sums_right / sample)


@lru_cache(maxsize=8)
def encoded(bits: int, sample: int, seed: int, task: Task = ADD) -> tuple[np.ndarray, np.ndarray]:
    """Every operand tuple (sample = 0) or a seeded sample, encoded once and reused."""
    if sample == 0:
        operands = task.all_operands(bits)
    else:
        operands = task.random_operands(np.random.default_rng(seed), sample, bits)
    inputs, targets = task.encode(operands, bits)
    inputs.flags.writeable = False
    targets.flags.writeable = False
    return inputs, targets


def _count_right(
    params: model.Network, inputs: np.ndarray, targets: np.ndarray, stop_at_wrong: bool = False
) -> tuple[int, int]:
    """(bits right, sums right) by forward passes over chunks of the pairs."""
    bits, pairs = targets.shape
    chunk = pairs_per_chunk(params, bits)
    bits_right = sums_right = 0
    for start in range(0, pairs, chunk):
        logits = model.forward(params, inputs[:, start : start + chunk]).logits
        right = (logits > 0) == (targets[:, start : start + chunk] > 0.5)
        bits_right += int(np.count_nonzero(right))
        sums = int(np.count_nonzero(right.all(axis=0)))
        sums_right += sums
        if stop_at_wrong and sums < right.shape[1]:
            break
    return bits_right, sums_right


def every_tuple(params: model.Network, bits: int, task: Task = ADD) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every operand tuple at `bits`, encoded a chunk at a time (pairs_per_chunk): for a task
    with no machine to walk the prefix tree beside."""
    operands = task.all_operands(bits)
    chunk = pairs_per_chunk(params, bits)
    for start in range(0, operands.shape[1], chunk):
        yield task.encode(operands[:, start : start + chunk], bits)


def prefix_tree(
    params: model.Network, bits: int, task: Task, reference: Machine
) -> Iterator[tuple[int, int, np.ndarray, np.ndarray, int]]:
    """Every operand tuple, bit by bit, through the tree of shared low-bit prefixes, scored
    against a machine walked beside the network (the task's own, or one read off).

    The state after t steps depends only on the low t bits of the operands, so all
    tuples sharing them share that work: the tree has about 4/3 as many nodes as there
    are pairs, where running each pair separately costs `bits` times as many. Node i of
    a level is child i % branching of node i // branching of the level before. A level
    too large for MAX_WORK_FLOATS is walked in parts, depth first, each part a run of
    consecutive nodes. Yields per level of each part: the level, the number of the
    part's first node there, whether each node's bit is the machine's, whether all its
    bits so far are, and how many operand tuples a node stands for.
    """
    cell = CELLS[params.cell]
    most_nodes = max(1, MAX_WORK_FLOATS // (params.hidden * (cell.GATES + cell.STATE)))
    next_state, out = np.array(reference.next), np.array(reference.out)
    width = task.width(bits)

    def walk(level, first, states, machine_states, all_right):
        if level == bits:
            return
        branching = task.symbols if level < width else 1  # the operands' top bits are 0
        if len(states) * branching > most_nodes and len(states) > 1:
            half = len(states) // 2
            yield from walk(level, first, states[:half], machine_states[:half], all_right[:half])
            yield from walk(level, first + half, states[half:], machine_states[half:], all_right[half:])
            return
        symbols = np.tile(np.arange(branching), len(states))
        hidden, children = cell.children(params, states, branching)
        before = np.repeat(machine_states, branching)
        right = (model.output_logits(params, hidden) > 0) == (out[before, symbols] == 1)
        all_right = np.repeat(all_right, branching) & right
        yield level, first * branching, right, all_right, task.symbols ** max(width - 1 - level, 0)
        yield from walk(level + 1, first * branching, children, next_state[before, symbols], all_right)

    start = np.zeros((1, cell.STATE * params.hidden))
    yield from walk(0, 0, start, np.zeros(1, dtype=np.intp), np.ones(1, dtype=bool))


def memory(inputs: np.ndarray, task: Task = ADD) -> np.ndarray:
    """The task machine's state after each step, (T, B): what the hidden state must remember
    (for addition the carry out of each bit: at the top bit none, the operands' top bits being 0)."""
    states, _ = task.machine.trace(task.symbols_of(inputs))
    return states.astype(np.float64)


def remembered_symbols(task: Task = ADD) -> np.ndarray:
    """The symbols after which the machine's next state depends on its state, not on the symbol
    alone: for addition, a step whose two input bits differ passes the carry on unchanged."""
    return np.array([len({row[x] for row in task.machine.next}) > 1 for x in range(task.symbols)])


def carry_correlations(
    params: model.Network,
    bits: int,
    sample: int = CORRELATION_PAIRS,
    seed: int = 0,
    remembered: bool = False,
    task: Task = ADD,
) -> np.ndarray:
    """Per hidden unit, the correlation of its activation with the carry (the task machine's state),
    over a seeded sample; with `remembered`, over the steps whose symbol does not tell the next
    state only (remembered_symbols): there a unit that follows it remembers it."""
    inputs, _ = encoded(bits, sample, seed, task)
    states = model.forward(params, inputs).hidden[1:].reshape(-1, params.hidden)
    carry = memory(inputs, task).reshape(-1)
    if remembered:
        kept = remembered_symbols(task)[task.symbols_of(inputs)].reshape(-1)
        states, carry = states[kept], carry[kept]
    states = states - states.mean(axis=0)
    carry = carry - carry.mean()
    spread = np.sqrt((states * states).sum(axis=0) * (carry @ carry))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(spread > 0, (carry @ states) / spread, 0.0)


# Random sums with a planted carry chain, per chain length; wide networks test only (2^k - 1) + 1.
CHAIN_SAMPLES = 8


@dataclass(frozen=True)
class ChainLimit:
    """How long a carry chain the network survives in 64-bit problems."""

    longest: int  # every tested problem whose longest chain is at most this long is right
    failing: tuple[int, ...] | None  # a wrong problem's operands, with the shortest chain among the wrong ones
    failing_run: int | None  # that problem's longest chain
    sums: int  # problems tested


def chain_sums(samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """For k = 1 to 63: (2^k - 1) + 1, and `samples` random 63-bit pairs with a planted chain of
    k carries (a bit where both are 1, then k - 1 where exactly one is, a bit where neither is)."""
    rng = np.random.default_rng(seed)
    top = encoding.MAX_BITS - 1  # operands below 2^63, so that the sum fits 64 bits
    a_values, b_values = [], []
    for k in range(1, top + 1):
        a_values.append(2**k - 1)
        b_values.append(1)
        for _ in range(samples):
            start = int(rng.integers(0, top - k + 1))
            a, b = (int(v) for v in rng.integers(0, 2**top, size=2, dtype=np.uint64))
            clear = ~((((1 << (k + 1)) - 1) << start) | (1 << max(start - 1, 0)) * (start > 0))
            ones = int(rng.integers(0, 2 ** (k - 1), dtype=np.uint64)) if k > 1 else 0
            propagate = (((1 << (k - 1)) - 1) << (start + 1)) if k > 1 else 0
            a = (a & clear) | (1 << start) | ((ones << (start + 1)) & propagate)
            b = (b & clear) | (1 << start) | (~(ones << (start + 1)) & propagate)
            a_values.append(a)
            b_values.append(b)
    return np.array(a_values, dtype=np.uint64), np.array(b_values, dtype=np.uint64)


def planted_chains(task: Task, samples: int, seed: int) -> np.ndarray:
    """(operands, 63 * samples) random 64-bit problems of any finite task, each with a planted chain
    of k = 1 to 63 steps (`samples` of each): from a random bit on, a step that sets the machine's
    memory, then k - 1 steps that keep it only by remembering it, then, where one can, a step that
    clears it. The symbols are drawn at random among those that do so, the rest of the bits at random."""
    rng = np.random.default_rng(seed)
    machine, width = task.machine, task.width(encoding.MAX_BITS)
    remembered = remembered_symbols(task)
    symbols = np.arange(task.symbols)
    problems = []
    for k in range(1, width + 1):
        for _ in range(samples):
            start = int(rng.integers(0, width - k + 1))
            walk = rng.integers(0, task.symbols, size=width).tolist()
            state = 0
            for t in range(width):
                if start <= t < start + k:
                    keep = [x for x in symbols if machine.next[state][x] != 0 and (t == start) != remembered[x]]
                    keep = keep or [x for x in symbols if machine.next[state][x] != 0]
                    walk[t] = int(rng.choice(keep))
                elif t == start + k:
                    clear = [x for x in symbols if machine.next[state][x] == 0]
                    walk[t] = int(rng.choice(clear)) if clear else walk[t]
                state = machine.next[state][walk[t]]
            problems.append(task.operands_of(tuple(walk)))
    return np.array(problems, dtype=np.uint64).reshape(-1, task.operands).T


def longest_chains(inputs: np.ndarray, task: Task = ADD) -> np.ndarray:
    """Per problem, its longest chain: the steps through which the task machine's memory is kept
    only by remembering it, counted with the step that set it. (T, B, operands) -> (B,).

    For addition: a bit where both operands are 1, then the bits that pass its carry on (exactly
    one operand 1): there the input bits alone do not tell the carry, so the network has to
    remember it; (2^k - 1) + 1 has a chain of k.
    """
    symbols = task.symbols_of(inputs)
    states, _ = task.machine.trace(symbols)
    kept = remembered_symbols(task)[symbols]
    chain = np.zeros(symbols.shape[1], dtype=np.int64)
    longest = chain.copy()
    for t in range(symbols.shape[0]):
        chain = np.where(states[t] == 0, 0, np.where(kept[t], chain + 1, 1))
        np.maximum(longest, chain, out=longest)
    return longest


@lru_cache(maxsize=8)
def _chain_problems(samples: int, seed: int, task: Task = ADD) -> tuple[np.ndarray, ...]:
    """The stress test's problems, operands (operands, N) and encoded, with their chain lengths:
    made once, reused. Addition's are its own sums: (2^k - 1) + 1, and planted chains."""
    operands = np.stack(chain_sums(samples, seed)) if task is ADD else planted_chains(task, max(samples, 1), seed)
    inputs, targets = task.encode(operands, encoding.MAX_BITS)
    problems = (operands, inputs, targets, longest_chains(inputs, task))
    for array in problems:
        array.flags.writeable = False
    return problems


def carry_chains(params: model.Network, seed: int = 0, task: Task = ADD) -> ChainLimit:
    """The longest carry chain up to 63 bits through which every tested 64-bit problem is right."""
    operands, inputs, targets, runs = _chain_problems(CHAIN_SAMPLES if params.hidden <= 64 else 0, seed, task)
    logits = model.forward(params, inputs).logits
    wrong = np.flatnonzero(((logits > 0) != (targets > 0.5)).any(axis=0))
    if not wrong.size:
        return ChainLimit(int(runs.max()), None, None, operands.shape[1])
    first = int(wrong[np.argmin(runs[wrong])])
    return ChainLimit(
        int(runs[first]) - 1, tuple(int(v) for v in operands[:, first]), int(runs[first]), operands.shape[1]
    )
