"""The machine read off a network (rnnadd.machine) and the carry-chain stress test."""

import itertools

import numpy as np
import pytest
from rnnadd import encoding, evaluation, machine, model
from rnnadd.machine import ADDER, Machine
from rnnadd.session import Config, Session


def flipped(base: Machine, table: str, state: int, symbol: int, value: int) -> Machine:
    rows = [list(row) for row in getattr(base, table)]
    rows[state][symbol] = value
    changed = tuple(tuple(row) for row in rows)
    return Machine(next=changed, out=base.out) if table == "next" else Machine(next=base.next, out=changed)


def brute_shortest_difference(one: Machine, other: Machine, longest: int = 6) -> int | None:
    """The length of the shortest input on which the two write different bits, by trying every input."""
    for length in range(1, longest + 1):
        inputs = np.array(list(itertools.product(range(4), repeat=length))).T
        if (one.run(inputs) != other.run(inputs)).any():
            return length
    return None


def test_binary_addition_is_equivalent_to_itself_and_already_minimal():
    assert machine.shortest_difference(ADDER, ADDER) is None
    assert machine.minimise(ADDER) == ADDER


@pytest.mark.parametrize(
    ("table", "state", "symbol", "value"),
    [("out", 1, 0, 0), ("next", 0, 3, 0), ("next", 1, 1, 0), ("out", 0, 0, 1)],
)
def test_one_changed_transition_is_caught_with_a_shortest_input(table, state, symbol, value):
    broken = flipped(ADDER, table, state, symbol, value)
    difference = machine.shortest_difference(broken, ADDER)
    assert difference is not None
    assert len(difference) == brute_shortest_difference(broken, ADDER)
    symbols = np.array(difference)[:, None]
    assert broken.run(symbols)[-1, 0] != ADDER.run(symbols)[-1, 0]  # they differ at its last step
    a, b = machine.operands_of(difference)
    assert ((a + b) >> (len(difference) - 1)) & 1 == ADDER.run(symbols)[-1, 0]


def test_a_redundant_adder_minimises_to_binary_addition():
    # Two copies of each carry state that hand over to each other, and a state nothing reaches.
    redundant = Machine(
        next=((1, 1, 1, 3), (0, 0, 0, 2), (1, 3, 3, 3), (0, 2, 2, 2), (4, 4, 4, 4)),
        out=(ADDER.out[0], ADDER.out[0], ADDER.out[1], ADDER.out[1], (1, 1, 1, 1)),
    )
    assert machine.minimise(redundant) == ADDER
    assert machine.shortest_difference(redundant, ADDER) is None


def threshold_adder(remembers_carry: bool = True, sharpness: float = 20.0) -> model.Network:
    """A sigmoid Elman network built by hand. Unit k (k = 1, 2, 3) fires when a + b + carry >= k,
    unit 4 when a + b >= 2; the sum bit is unit 1 - unit 2 + unit 3. The carry it reads is unit 2
    of the step before, or, when it does not remember carries, unit 4: then a carry that must be
    passed on is lost, and it is right exactly on sums whose carry chains are 1 bit long."""
    params = model.Network(4, activation="sigmoid")
    params.w_ih[...] = sharpness
    params.b_ih[...] = -sharpness * np.array([0.5, 1.5, 2.5, 1.5])
    params.w_hh[1 if remembers_carry else 3, :3] = sharpness
    params.w_ho[:, 0] = sharpness * np.array([1.0, -1.0, 1.0, 0.0])
    params.b_ho[0] = -sharpness / 2
    return params


def test_a_network_built_to_add_is_read_as_binary_addition_and_carries_every_chain():
    params = threshold_adder()
    found = machine.explain(params, 8)
    assert found.extraction.machine == ADDER and found.difference is None
    assert [(g.sums, g.bit_share) for g in found.agreements] == [(1.0, 1.0), (1.0, 1.0)]
    assert found.agreements[0].pairs == 4**7 and found.agreements[0].exhaustive
    assert found.agreements[1].pairs == machine.AGREEMENT_PAIRS and not found.agreements[1].exhaustive
    assert (found.chains.longest, found.chains.failing) == (63, None)


def test_a_network_that_forgets_passed_on_carries_fails_at_a_chain_of_two():
    params = threshold_adder(remembers_carry=False)
    chains = evaluation.carry_chains(params)
    assert chains.longest == 1 and chains.failing_run == 2
    a, b = chains.failing
    assert network_sum(params, a, b) != a + b
    found = machine.explain(params, 8)
    # It writes a xor b xor (did the previous step see two 1s): wrong first on 1 + 3 = 100 in binary.
    assert found.difference == (3, 1, 0) and machine.operands_of(found.difference) == (1, 3)
    assert found.agreements[0].sums == 1.0


def network_sum(params: model.Network, a: int, b: int) -> int:
    inputs, _ = encoding.encode_pairs(np.array([a], dtype=np.uint64), np.array([b], dtype=np.uint64), 64)
    bits = (model.forward(params, inputs).logits[:, 0] > 0).astype(int)
    return int(sum(int(bit) << t for t, bit in enumerate(bits)))


def chain_length(a: int, b: int) -> int:
    """The longest carry chain of a + b, from Python's integers bit by bit."""
    longest = chain = carry = 0
    for t in range(64):
        x, y = (a >> t) & 1, (b >> t) & 1
        chain = 1 if x & y else (chain + 1 if (x ^ y) and carry else 0)
        carry = (x + y + carry) >> 1
        longest = max(longest, chain)
    return longest


def test_stress_sums_have_the_chains_they_are_made_with():
    a, b = evaluation.chain_sums(samples=3, seed=7)
    planted = np.repeat(np.arange(1, 64), 4)
    measured = evaluation.longest_chains(encoding.encode_pairs(a, b, 64)[0])
    assert [chain_length(int(x), int(y)) for x, y in zip(a, b, strict=True)] == measured.tolist()
    assert (measured >= planted).all() and (measured[::4] == np.arange(1, 64)).all()  # (2^k - 1) + 1: k
    assert all(int(x) + int(y) < 2**64 for x, y in zip(a, b, strict=True))


def solved_session(seed: int, cell: str = "elman") -> Session:
    session = Session(Config(seed=seed, cell=cell))
    while not session.solved():
        session.step(200, until_solved=True)
    return session


@pytest.mark.parametrize("seed", range(5))
def test_a_solved_default_network_becomes_binary_addition(seed):
    session = solved_session(seed)
    found = machine.explain(session.params, session.config.bits)
    assert found.extraction.machine == ADDER and found.difference is None
    assert found.agreements[0].sums == 1.0 and found.agreements[0].exhaustive


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_gated_cells_are_read_too(cell):
    session = solved_session(0, cell)
    found = machine.explain(session.params, session.config.bits)
    assert found.difference is None and found.agreements[0].sums == 1.0


@pytest.mark.parametrize("seed", range(3))
def test_an_untrained_network_is_not_addition_and_gets_the_counterexample_wrong(seed):
    session = Session(Config(seed=seed))
    found = machine.explain(session.params, session.config.bits)
    assert found.difference is not None
    a, b = machine.operands_of(found.difference)
    answer = session.ask(a, b, bits=max(session.config.bits, len(found.difference)))
    last = len(found.difference) - 1
    assert (answer.answer >> last) & 1 != ((a + b) >> last) & 1


def test_behaviours_are_told_apart_by_every_bit_however_wide():
    """Three operands write 72 bits over two steps: states that differ only past bit 31 (the
    page's integers) or past bit 63 (CPython's) are still of two kinds."""
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 2, size=(6, 72))
    rows[1], rows[3], rows[5] = rows[0], rows[2], rows[4]
    rows[1, 40] ^= 1
    rows[3, 71] ^= 1
    first, group = machine.kinds_of(rows)
    assert len(first) == 5 and group[4] == group[5]
    assert len({group[0], group[1], group[2], group[3]}) == 4
    # The kinds in the order of the rows read as numbers, column 0 the least significant.
    numbers = [sum(int(bit) << i for i, bit in enumerate(row)) for row in rows]
    assert [numbers[i] for i in first] == sorted(set(numbers))
    assert all(numbers[first[g]] == n for g, n in zip(group, numbers, strict=True))
