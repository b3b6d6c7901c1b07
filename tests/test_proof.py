"""The proof that a network adds on every input: hand-built networks, brute force, trained ones."""

import itertools

import numpy as np
import pytest
from rnnadd import evaluation, model, proof
from rnnadd.session import PROOF_EVERY, Config, Session


def threshold_adder(steepness: float, carry_weight: float = 2 / 3) -> model.Network:
    """Three tanh units that fire when a + b + carry reaches 1, 2 and 3; unit 1 is the carry.

    The carry enters as carry_weight * u + 1/3 (u in [-1, 1]; the start state 0 is no carry).
    Steep and at 2/3, every unit saturates: an adder for every length. A weaker carry
    weight leaks: a long chain of carries fades until the sum goes wrong.
    """
    params = model.Network(3, activation="tanh")
    for k in range(3):
        params.w_ih[:, k] = steepness
        params.w_hh[1, k] = steepness * carry_weight
        params.b_ih[k] = steepness * (1 / 3 + 0.5 - (k + 1))
    params.w_ho[:, 0] = 10 * np.array([0.5, -0.5, 0.5])  # bit = u1 - u2 + u3 > 0
    return params


def adder(activation: str, steepness: float, carry_weight: float) -> model.Network:
    """An adder for each activation: sigmoid units fire at a + b + v2 >= k (v2, the carry, in
    [0, 1]); relu units come in pairs, relu(2x + 1) - relu(2x), a step of 0 or 1 at half-integers."""
    if activation == "tanh":
        return threshold_adder(steepness, carry_weight)
    if activation == "sigmoid":
        params = model.Network(3, activation="sigmoid")
        for k in range(3):
            params.w_ih[:, k] = steepness
            params.w_hh[1, k] = steepness * carry_weight * 1.5
            params.b_ih[k] = -steepness * (k + 0.5)
        params.w_ho[:, 0], params.b_ho[0] = 10 * np.array([1.0, -1.0, 1.0]), -5.0
        return params
    params = model.Network(6, activation="relu")
    for k in range(3):
        for unit, offset in ((2 * k, 1.0), (2 * k + 1, 0.0)):
            params.w_ih[:, unit] = 2.0
            params.w_hh[2, unit], params.w_hh[3, unit] = 2.0 * carry_weight * 1.5, -2.0 * carry_weight * 1.5
            params.b_ih[unit] = -2.0 * (k + 0.5) + offset
    params.w_ho[:, 0], params.b_ho[0] = 10 * np.array([1.0, -1.0, -1.0, 1.0, 1.0, -1.0]), -5.0
    return params


def every_input(length: int) -> np.ndarray:
    """Every symbol sequence of a length: (length, 4^length)."""
    return np.array(list(itertools.product(range(4), repeat=length)), dtype=np.intp).T.reshape(length, -1)


def first_wrong_length(params: model.Network, longest: int = 64) -> int:
    """The length of the shortest carry-chain input (1 + (2^k - 1)) the network gets wrong."""
    for k in range(1, longest):
        symbols = np.zeros((k + 2, 1), dtype=np.intp)
        symbols[0], symbols[1:k] = 3, 2
        right = [proof.network_right(params, symbols[:t])[0] for t in range(1, k + 3)]
        if not all(right):
            return right.index(False) + 1
    raise AssertionError("no chain it gets wrong")


def test_a_saturated_adder_is_proven_for_every_length():
    params = threshold_adder(20.0)
    found = proof.prove(params, 8)
    assert found.proven and found.failure is None
    assert found.bounded == proof.BOUNDED_LIMIT
    assert 1 <= found.boxes <= 16
    long_inputs = np.random.default_rng(0).integers(0, 4, (300, 500))
    assert proof.network_right(params, long_inputs).all()


@pytest.mark.parametrize("carry_weight", [0.47, 0.5, 0.52])
def test_a_leaky_adder_is_not_proven_and_its_bound_stops_before_its_first_wrong_sum(carry_weight):
    params = threshold_adder(4.0, carry_weight)
    wrong_at = first_wrong_length(params)
    found = proof.prove(params, 8)
    assert not found.proven
    assert found.failure is not None and "logits" in found.failure.text()
    assert 4 <= found.bounded < wrong_at
    checked = min(found.bounded, 7)
    assert proof.network_right(params, every_input(checked)).all()


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_a_bounded_proof_is_never_wrong_on_small_networks(activation):
    """Perturbed adders with a spare unit: whatever length the bound says, brute force agrees."""
    rng = np.random.default_rng({"tanh": 0, "sigmoid": 1, "relu": 2}[activation])
    exact = adder(activation, 20.0, 2 / 3)
    assert proof.network_right(exact, every_input(6)).all()
    bounds = []
    for trial in range(24):
        base = adder(activation, rng.uniform(3, 20), rng.uniform(0.5, 0.8))
        size = base.hidden
        params = model.Network(size + 1, activation=activation)
        params.w_ih[:, :size], params.w_hh[:size, :size], params.b_ih[:size] = base.w_ih, base.w_hh, base.b_ih
        params.w_ho[:size], params.b_ho[:] = base.w_ho, base.b_ho
        params.flat += rng.normal(0, rng.choice([0.01, 0.1, 0.5]), params.flat.size)
        found = proof.prove(params, 6)
        bounds.append(found.bounded)
        length = min(found.bounded, 6)
        if length:
            assert proof.network_right(params, every_input(length)).all(), (trial, found)
        if found.bounded > 6:
            long_inputs = rng.integers(0, 4, (min(found.bounded, 64), 2000))
            assert proof.network_right(params, long_inputs).all(), (trial, found)
    assert len(set(bounds)) > 2, bounds  # the cases reach different lengths, not all 0 or all proven


def test_gated_cells_get_no_proof_and_say_so():
    for cell in ("gru", "lstm"):
        params = model.init_params(np.random.default_rng(0), 4, "scaled", cell)
        found = proof.prove(params, 8)
        assert not found.proven and found.bounded == 0
        assert "gated" in found.reason


@pytest.mark.parametrize("seed", range(5))
def test_trained_with_hidden_noise_the_default_network_is_proven(seed):
    session = Session(Config(seed=seed, hidden_noise=0.3, until="proven"))
    session.step(5000, until_solved=True)
    assert session.step_count % PROOF_EVERY == 0 and session.step_count < 5000
    found = session.proof()
    assert found.proven and found.boxes > 0 and found.rounds > 0
    assert session.solved()  # proven for every length: the training width's pairs included
    assert evaluation.evaluate(session.params, 64).exact_match == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_a_default_network_just_solved_has_a_bounded_proof_below_its_chain_limit(seed):
    """Not proven (the states are spread), bounded to the training width, and never past a wrong sum."""
    session = Session(Config(seed=seed))
    session.step(1000, until_solved=True)
    found = session.proof()
    assert not found.proven and found.failure is not None and not found.failure.grew
    assert found.bounded == 8
    chains = evaluation.carry_chains(session.params)
    if chains.failing is not None:
        assert found.bounded <= chains.failing_run + 1  # a sum it gets wrong is longer than the bound
    assert (seed in (0, 3)) == (chains.failing is not None)
