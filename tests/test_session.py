import json

import numpy as np
import pytest
from rnnadd import Config, DivergenceError, Session, saved

NOTEBOOK = dict(activation="sigmoid", hidden=16, optimizer="sgd", learning_rate=0.1, batch_size=1, loss="mse")


def train_until_solved(session: Session, max_steps: int, every: int = 1) -> int | None:
    while session.step_count < max_steps:
        session.step(every)
        if session.evaluate().exact_match == 1.0:
            return session.step_count
    return None


@pytest.mark.parametrize("seed", range(5))
def test_default_configuration_solves_8_bit_addition_within_300_steps(seed):
    session = Session(seed=seed)
    assert session.evaluate().exhaustive and session.evaluate().pairs == 128 * 128
    assert train_until_solved(session, 300) is not None


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("seed", range(3))
def test_gated_cells_solve_8_bit_addition(cell, seed):
    session = Session(cell=cell, seed=seed)
    assert train_until_solved(session, 300, every=5) is not None


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_gated_cell_snapshot_restores_bit_identically(cell):
    original = Session(cell=cell, seed=5)
    original.step(10)
    restored = saved.from_dict(json.loads(json.dumps(saved.to_dict(original))))
    np.testing.assert_array_equal(original.step(10), restored.step(10))


def test_snapshot_of_one_cell_refuses_weights_of_another():
    snapshot = saved.to_dict(Session(cell="gru"))
    snapshot["config"]["cell"] = "lstm"
    with pytest.raises(ValueError, match=r"snapshot\.params must be a list of 1233 numbers"):
        saved.from_dict(snapshot)


@pytest.mark.parametrize("init", ["uniform", "scaled"])
@pytest.mark.parametrize("seed", range(3))
def test_notebook_setting_solves_without_diverging(seed, init):
    session = Session(seed=seed, init=init, **NOTEBOOK)
    solved = None
    while solved is None and session.step_count < 20_000:
        losses = session.step(100)  # a non-finite loss would raise DivergenceError
        assert np.isfinite(losses).all()
        if session.evaluate().exact_match == 1.0:
            solved = session.step_count
    assert solved is not None
    assert np.isfinite(session.params.flat).all()


@pytest.mark.parametrize("seed", range(3))
def test_weights_trained_at_8_bits_add_64_bit_numbers(seed):
    session = Session(seed=seed)
    assert train_until_solved(session, 300) is not None
    session.step(500)  # settle the solution beyond the first all-correct check
    for bits in (16, 32, 64):
        accuracy = session.evaluate(bits=bits, sample=10_000, seed=seed)
        assert not accuracy.exhaustive and accuracy.pairs == 10_000
        assert accuracy.exact_match == 1.0, bits


def test_untrained_network_does_not_add():
    accuracy = Session().evaluate()
    assert accuracy.exact_match < 0.05 and 0.2 < accuracy.per_bit < 0.8


def test_step_returns_one_finite_loss_per_step_and_loss_falls():
    session = Session()
    first = session.step(20)
    assert first.shape == (20,) and np.isfinite(first).all()
    session.step(200)
    assert session.step(20).mean() < first.mean() / 10
    assert session.step_count == 240


def test_same_seed_same_weights_and_other_seed_differs():
    a, b, c = Session(seed=7), Session(seed=7), Session(seed=8)
    np.testing.assert_array_equal(a.step(50), b.step(50))
    np.testing.assert_array_equal(a.params.flat, b.params.flat)
    c.step(50)
    assert not np.array_equal(a.params.flat, c.params.flat)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_snapshot_restore_continues_bit_identically(optimizer):
    original = Session(seed=3, optimizer=optimizer, clip=1.0)
    original.step(40)
    snapshot = json.loads(json.dumps(saved.to_dict(original)))  # through real JSON text
    restored = saved.from_dict(snapshot)
    assert restored.step_count == 40 and restored.config == original.config
    np.testing.assert_array_equal(original.step(60), restored.step(60))
    np.testing.assert_array_equal(original.params.flat, restored.params.flat)
    assert saved.to_dict(restored) == saved.to_dict(original)


def test_snapshot_integers_survive_a_53_bit_json_reader():
    snapshot = saved.to_dict(Session())
    big = [v for v in snapshot["rng"].values() if isinstance(v, int)]
    assert all(v < 2**53 for v in big)


def test_divergence_names_the_step_and_keeps_the_last_finite_state():
    session = Session(learning_rate=10.0, optimizer="sgd", loss="bce", activation="relu", init="uniform", hidden=64)
    with pytest.raises(DivergenceError) as caught:
        for _ in range(200):
            session.step(1)
            kept = saved.to_dict(session)
    error = caught.value
    assert error.step == session.step_count + 1
    assert "diverged at step" in str(error) and "learning rate" in str(error)
    assert error.cause
    assert saved.to_dict(session) == kept
    assert np.isfinite(session.params.flat).all()


def test_divergence_mid_chunk_reports_the_finished_losses():
    session = Session(learning_rate=10.0, optimizer="sgd", loss="bce", activation="relu", init="uniform", hidden=64)
    with pytest.raises(DivergenceError) as caught:
        session.step(200)
    assert caught.value.losses.size == session.step_count
    assert np.isfinite(caught.value.losses).all()


def test_probabilities_and_hidden_states_for_one_problem():
    session = Session(seed=1)
    train_until_solved(session, 300)
    probs = session.probabilities(50, 3)
    assert probs.shape == (8,)
    assert [int(p > 0.5) for p in probs] == [1, 0, 1, 0, 1, 1, 0, 0]  # 53, LSB first
    assert session.hidden_states(50, 3).shape == (8, 16)
    assert session.probabilities(2**40, 7, bits=48).shape == (48,)


BAD_CONFIGS = [
    ("bits", 1, "bits must be a whole number from 2 to 64"),
    ("bits", 65, "bits must be"),
    ("hidden", 0, "hidden must be a whole number from 1 to 1024"),
    ("hidden", 1025, "hidden must be"),
    ("hidden", 3.5, "hidden must be"),
    ("activation", "softmax", "activation must be one of sigmoid, tanh, relu"),
    ("cell", "transformer", "cell must be one of elman, gru, lstm"),
    ("init", "zeros", "init must be one of"),
    ("loss", "hinge", "loss must be one of mse, bce"),
    ("optimizer", "rmsprop", "optimizer must be one of sgd, adam"),
    ("learning_rate", 0.0, r"learning_rate must be a number in \(0, 10\]"),
    ("learning_rate", float("nan"), "learning_rate must be"),
    ("learning_rate", float("inf"), "learning_rate must be"),
    ("learning_rate", 11, "learning_rate must be"),
    ("batch_size", 0, "batch_size must be a whole number from 1 to 4096"),
    ("clip", -1.0, r"clip must be a number in \[0, 1000000\], got -1.0"),
    ("seed", -1, "seed must be a whole number from 0 to 4294967295"),
    ("hidden_noise", -0.1, r"hidden_noise must be a number in \[0, 1\], got -0.1"),
    ("hidden_noise", 2, r"hidden_noise must be a number in \[0, 1\], got 2"),
    ("until", "forever", "until must be one of solved, proven, got 'forever'"),
    ("seed", True, "seed must be"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_CONFIGS)
def test_bad_configuration_is_refused_naming_field_and_range(field, value, message):
    with pytest.raises(ValueError, match=message):
        Config(**{field: value})


def test_bad_requests_change_nothing():
    session = Session()
    session.step(5)
    before = saved.to_dict(session)
    for call in (
        lambda: session.step(0),
        lambda: session.step(2.5),
        lambda: session.probabilities(200, 100),
        lambda: session.probabilities(-1, 0),
        lambda: session.hidden_states(1, 1, bits=65),
        lambda: session.evaluate(bits=1),
        lambda: session.evaluate(sample=0),
    ):
        with pytest.raises(ValueError):
            call()
    assert saved.to_dict(session) == before


def corrupt(path: str, value):
    snapshot = saved.to_dict(Session())
    *parents, last = path.split(".")
    target = snapshot
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return snapshot


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("format", "other", "snapshot.format must be"),
        ("version", 99, "snapshot.version must be 1"),
        ("config", KeyError, "config must be an object"),
        ("config.hidden", 9999, "hidden must be"),
        ("config.colour", "red", "config has unknown field 'colour'"),
        ("params", [0.0] * 3, "snapshot.params must be a list of 321 numbers, got 3"),
        ("params", "weights", "snapshot.params must be a list"),
        ("step", -1, "snapshot.step must be a whole number"),
        ("optimizer.m", [float("nan")] * 321, "snapshot.optimizer.m must hold only finite numbers"),
        ("optimizer", KeyError, "snapshot.optimizer must be an object"),
        ("rng.state", 12, "snapshot.rng.state must be a decimal string"),
        ("rng.state", "\u00b2", r"snapshot.rng.state must be a decimal string of an integer in \[0, 2\^128\)"),
        ("rng.state", "\u0661\u0662", "snapshot.rng.state must be a decimal string"),  # Arabic-Indic 12
        ("rng.inc", "9" * 5000, "snapshot.rng.inc must be a decimal string"),
        ("optimizer.v", [-1.0] * 321, r"snapshot.optimizer.v must hold only numbers >= 0"),
        ("colour", "red", "snapshot has unknown field 'colour'; allowed: config, format"),
        ("rng", KeyError, "snapshot.rng must be an object"),
    ],
)
def test_malformed_or_mismatched_snapshot_is_refused(path, value, message):
    with pytest.raises(ValueError, match=message):
        saved.from_dict(corrupt(path, value))


def test_snapshot_that_is_not_an_object_is_refused():
    with pytest.raises(ValueError, match="snapshot must be a JSON object"):
        saved.from_dict([1, 2])


def test_hidden_noise_is_seeded_trains_only_and_resumes_from_a_snapshot():
    noisy = Session(hidden_noise=0.3)
    losses = noisy.step(40)
    again = Session(hidden_noise=0.3)
    np.testing.assert_array_equal(again.step(40), losses)  # same link, same curve
    clean = Session()
    assert not np.array_equal(clean.step(40), losses)
    assert noisy.rng.bit_generator.state == clean.rng.bit_generator.state  # the same batches were drawn
    # The noise is in training steps only: answers, views and evaluation see the network as it is.
    first = noisy.probabilities(100, 27)
    np.testing.assert_array_equal(noisy.probabilities(100, 27), first)
    clean.params.flat[:] = noisy.params.flat
    np.testing.assert_array_equal(clean.probabilities(100, 27), first)
    assert clean.evaluate() == noisy.evaluate()
    # A saved session continues with the same noise.
    resumed = saved.from_text(json.dumps(saved.to_dict(noisy)))
    np.testing.assert_array_equal(resumed.step(30), noisy.step(30))


def test_a_snapshot_without_the_newer_fields_loads_with_their_defaults():
    session = Session(seed=3)
    session.step(5)
    snapshot = saved.to_dict(session)
    del snapshot["config"]["hidden_noise"], snapshot["config"]["until"]
    restored = saved.from_dict(snapshot)
    assert restored.config == session.config
    np.testing.assert_array_equal(restored.step(5), session.step(5))


def test_until_proven_stops_at_the_step_limit_without_a_proof():
    session = Session(hidden=1, until="proven", learning_rate=0.001)
    session.step(12_000, until_solved=True)
    assert session.step_count == 10_000 and not session.proof().proven
