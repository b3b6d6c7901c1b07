import numpy as np
import pytest
from reference import forward_probs
from rnnadd import encoding, evaluation, model
from rnnadd.activations import ACTIVATIONS
from rnnadd.cells import CELLS
from rnnadd.cells.symbols import SYMBOL_BITS

CASES = [("elman", activation, loss) for activation in ACTIVATIONS for loss in model.LOSSES]
CASES += [(cell, "tanh", loss) for cell in ("gru", "lstm") for loss in model.LOSSES]


def random_problem(
    seed: int, hidden: int = 5, bits: int = 6, batch: int = 4, cell: str = "elman", activation: str = "tanh"
):
    rng = np.random.default_rng(seed)
    params = model.init_params(rng, hidden, "uniform", cell, activation=activation)
    params.flat[:] = rng.uniform(-1, 1, params.flat.size)  # non-zero biases too
    inputs, targets = encoding.encode_pairs(*encoding.random_pairs(rng, batch, bits), bits)
    return params, inputs, targets


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_matches_plain_reference(activation):
    params, inputs, _ = random_problem(1, activation=activation)
    probs = model.forward(params, inputs).probs
    for example in range(inputs.shape[1]):
        expected = forward_probs(params, inputs[:, example, 0], inputs[:, example, 1])
        np.testing.assert_allclose(probs[:, example], expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("noisy", [False, True], ids=["clean", "hidden-noise"])
@pytest.mark.parametrize(("cell", "activation", "loss"), CASES)
def test_backward_matches_finite_differences(cell, activation, loss, noisy):
    """Also with noise on the hidden states (training with hidden_noise): the gradient is the noisy pass's."""
    params, inputs, targets = random_problem(2, cell=cell, activation=activation)
    noise = np.random.default_rng(7).normal(0, 0.2, (*inputs.shape[:2], params.hidden)) if noisy else None
    grads = model.Network(params.hidden, cell=cell)
    model.backward(params, model.forward(params, inputs, noise), targets, loss, grads)

    # Central differences: truncation error ~eps^2, rounding error ~1e-16 * loss / eps.
    eps = 1e-4
    numeric = np.empty_like(params.flat)
    for i in range(params.flat.size):
        saved = params.flat[i]
        params.flat[i] = saved + eps
        up = model.loss_value(model.forward(params, inputs, noise), targets, loss)
        params.flat[i] = saved - eps
        down = model.loss_value(model.forward(params, inputs, noise), targets, loss)
        params.flat[i] = saved
        numeric[i] = (up - down) / (2 * eps)

    # Every parameter (all five weight arrays, biases included) gets a gradient.
    for name in model.Network.names:
        assert np.abs(getattr(grads, name)).max() > 1e-6, name
    relative = np.abs(grads.flat - numeric) / np.maximum(np.abs(grads.flat) + np.abs(numeric), 1e-7)
    assert relative.max() < 1e-6


def test_mse_gradient_is_the_notebooks_scale():
    """d loss / d logit = (p - y) p (1 - p), summed over the bits and averaged over the batch."""
    params, inputs, targets = random_problem(3, batch=3, activation="sigmoid")
    trace = model.forward(params, inputs)
    grads = model.Network(params.hidden)
    model.backward(params, trace, targets, "mse", grads)
    p = trace.probs
    expected_b_ho = ((p - targets) * p * (1 - p)).sum() / 3
    assert grads.b_ho[0] == pytest.approx(expected_b_ho, rel=1e-12)


@pytest.mark.parametrize(("cell", "gates"), [("elman", 1), ("gru", 3), ("lstm", 4)])
def test_cells_share_the_weight_names_with_gates_side_by_side(cell, gates):
    params = model.init_params(np.random.default_rng(0), 7, "scaled", cell)
    assert params.w_ih.shape == (2, 7 * gates) and params.w_hh.shape == (7, 7 * gates)
    assert params.w_ho.shape == (7, 1)
    trace = model.forward(params, *random_problem(0, hidden=7, cell=cell)[1:2])
    assert trace.hidden.shape == (7, 4, 7) and not trace.hidden[0].any()
    assert np.isfinite(trace.probs).all()


def test_lstm_forget_gate_starts_open():
    params = model.init_params(np.random.default_rng(0), 5, "scaled", "lstm")
    np.testing.assert_array_equal(params.b_ih, [0] * 5 + [1] * 5 + [0] * 10)


def test_scaled_init_is_smaller_than_uniform():
    rng = np.random.default_rng(0)
    uniform = model.init_params(rng, 64, "uniform")
    scaled = model.init_params(rng, 64, "scaled")
    assert np.abs(uniform.w_hh).max() > 0.9
    assert np.abs(scaled.w_hh).max() <= 1 / 8
    assert not scaled.b_ih.any() and not scaled.b_ho.any()


CELL_CASES = [("elman", a) for a in ACTIVATIONS] + [("gru", "tanh"), ("lstm", "tanh")]


@pytest.mark.parametrize(("cell", "activation"), CELL_CASES)
@pytest.mark.parametrize("bits", [2, 3, 6])
def test_prefix_tree_evaluation_counts_like_running_every_pair(cell, activation, bits):
    rng = np.random.default_rng(bits)
    for trial in range(3):
        params = model.init_params(rng, 6, "uniform", cell, activation=activation)
        params.flat[:] = rng.normal(0, 1.5 + trial, params.flat.size)
        by_pairs = evaluation._count_right(params, *evaluation.encoded(bits, 0, 0))
        accuracy = evaluation.evaluate(params, bits)
        pairs = 4 ** (bits - 1)
        assert (accuracy.per_bit * pairs * bits, accuracy.exact_match * pairs) == pytest.approx(by_pairs, abs=1e-6)
        wrong = evaluation.wrong_pairs(params, bits, limit=1000)
        assert (wrong == []) == (by_pairs[1] == pairs)
        for a, b in wrong:  # each one really is added wrongly
            probs = model.forward(params, encoding.encode_pairs([a], [b], bits)[0]).probs[:, 0]
            assert encoding.bits_to_int(encoding.probs_to_bits(probs)) != a + b


@pytest.mark.parametrize("task", ["add", "add3"])
def test_a_prefix_tree_too_large_for_memory_is_walked_in_parts_with_the_same_counts(monkeypatch, task):
    """Every tuple is still checked where a level's nodes exceed MAX_WORK_FLOATS (8-bit sums of
    three: 262,144): a walk in parts counts and names the wrong ones as one over every tuple does."""
    from rnnadd.tasks import TASKS

    task, bits = TASKS[task], 6
    rng = np.random.default_rng(7)
    params = model.init_params(rng, 6, "uniform", "elman", task.operands)
    params.flat[:] = rng.normal(0, 1.0, params.flat.size)
    whole = evaluation.evaluate(params, bits, task=task)
    by_tuples = evaluation._count_right(params, *evaluation.encoded(bits, 0, 0, task))
    assert (whole.per_bit * task.count(bits) * bits, whole.exact_match * task.count(bits)) == pytest.approx(by_tuples)
    monkeypatch.setattr(evaluation, "MAX_WORK_FLOATS", 6 * 2 * 40)  # parts of at most 40 nodes
    parts = list(evaluation.prefix_tree(params, bits, task, task.machine))
    assert len(parts) > 2 * bits and max(len(right) for _, _, right, _, _ in parts) <= 40
    assert evaluation.evaluate(params, bits, task=task) == whole
    # The last level's nodes, part by part, name every wrong tuple and only those.
    wrong = [
        evaluation._operands_of_node(first + int(node), level, bits, task)
        for level, first, _, all_right, _ in parts
        if level == bits - 1
        for node in np.flatnonzero(~all_right)
    ]
    assert len(set(wrong)) == len(wrong) == task.count(bits) - by_tuples[1]
    inputs, targets = task.encode(np.array(wrong, dtype=np.uint64).T, bits)
    assert ((model.forward(params, inputs).logits > 0) != (targets > 0.5)).any(axis=0).all()


@pytest.mark.parametrize(("cell", "activation"), CELL_CASES)
@pytest.mark.parametrize("branching", [1, 4])
def test_a_cells_children_are_its_forward_step_with_each_symbol(cell, activation, branching):
    """The walk's step is the forward pass's step, from each state with each symbol."""
    rng = np.random.default_rng(branching)
    params = model.init_params(rng, 6, "uniform", cell, activation=activation)
    params.flat[:] = rng.normal(0, 1.5, params.flat.size)
    states = rng.normal(0, 1, (5, CELLS[cell].STATE * 6))
    hidden, ends = CELLS[cell].children(params, states, branching)
    for i in range(5 * branching):
        inputs = SYMBOL_BITS[i % branching][None, None]
        one, _, end = CELLS[cell].forward(params, inputs, states[i // branching][None])
        np.testing.assert_allclose(hidden[i], one[1, 0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(ends[i], end[0], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cell", list(CELLS))
def test_a_cell_resumes_from_its_end_state(cell):
    """What the prefix-tree walk relies on: running T steps equals T1 steps, then T - T1 from where they ended."""
    params, inputs, _ = random_problem(4, cell=cell)
    whole, _, end = CELLS[cell].forward(params, inputs, None)
    first, _, middle = CELLS[cell].forward(params, inputs[:3], None)
    rest, _, resumed_end = CELLS[cell].forward(params, inputs[3:], middle)
    np.testing.assert_allclose(np.concatenate([first, rest[1:]]), whole, rtol=1e-12)
    np.testing.assert_allclose(resumed_end, end, rtol=1e-12)
