"""The Python side of the web page, run in CPython: what it returns to JavaScript."""

import json

import numpy as np
import pytest
from rnnadd import Session, encoding, evaluation, page, saved


def test_the_memory_of_addition_is_the_carry_out_of_each_bit():
    a, b = encoding.random_pairs(np.random.default_rng(0), 200, 10)
    inputs, _ = encoding.encode_pairs(a, b, 10)
    carries = evaluation.memory(inputs)
    for t in range(10):
        low = np.uint64(2 ** (t + 1) - 1)
        expected = (((a & low) + (b & low)) >> np.uint64(t + 1)) & np.uint64(1)
        np.testing.assert_array_equal(carries[t], expected)


def test_a_trained_network_has_a_unit_that_follows_the_carry():
    untrained = Session(seed=1)
    trained = Session(seed=1)
    trained.step(300)
    before = np.abs(evaluation.carry_correlations(untrained.params, 8)).max()
    after = np.abs(evaluation.carry_correlations(trained.params, 8)).max()
    assert after > 0.75 and after > before + 0.2


def test_train_reports_losses_and_batch_accuracy_and_views_read_the_weights():
    trainer = page.create({"seed": 3})
    result = trainer.train(7)
    assert result["step"] == 7 and len(result["losses"]) == 7 and result["error"] is None
    assert 0 <= result["batchExact"] <= 1 and 0 <= result["batchPerBit"] <= 1
    panel = trainer.panel()
    assert panel["step"] == 7 and trainer.panel(at=3)["step"] == 3
    assert [(row["a"], row["b"]) for row in panel["rows"][:4]] == [("5", "5"), ("10", "2"), ("50", "3"), ("4", "9")]
    view = trainer.hidden_view(["5", "5"])
    assert (view["a"], view["b"]) == ("5", "5")
    assert np.array(view["states"]).shape == (8, 16) and (view["low"], view["high"]) == (-1.0, 1.0)
    assert view["carry"] == [1.0, 0, 1.0, 0, 0, 0, 0, 0]  # 5 + 5: carries out of bits 0 and 2
    assert len(trainer.carry_units()["correlations"]) == 16
    # Plain values only: JSON takes them as they are.
    json.dumps([result, panel, view, trainer.carry_units(), trainer.summary(), trainer.generalisation()])


@pytest.mark.parametrize(("cell", "seed"), [("elman", 0), ("elman", 1), ("gru", 2)])
def test_training_until_solved_stops_at_the_first_step_with_every_pair_right(cell, seed):
    trainer = page.create({"cell": cell, "seed": seed})
    while not (result := trainer.train(25, until_solved=True))["solved"]:
        assert result["step"] < 300
    # The same step as checking every pair after every step.
    session = Session(cell=cell, seed=seed)
    while session.evaluate().exact_match != 1.0:
        session.step(1)
    assert result["step"] == session.step_count
    again = trainer.train(5, until_solved=True)
    assert again["step"] == result["step"] and again["losses"] == [] and again["solved"]
    assert trainer.train(1)["step"] == result["step"] + 1  # unless asked to stop
    # Stopping left the session exactly where one stepped to that point is.
    session.step(1)
    np.testing.assert_array_equal(trainer.session.params.flat, session.params.flat)


def test_selecting_a_wide_problem_widens_the_hidden_view():
    trainer = page.create({})
    assert len(trainer.hidden_view(["12345678901", "5"])["states"]) == 34


def test_saved_session_loads_back_and_continues_identically():
    trainer = page.create({"cell": "gru", "seed": 2})
    trainer.train(15)
    loaded = page.load(trainer.save())
    assert loaded.config() == trainer.config() and loaded.session.step_count == 15
    assert loaded.train(5)["losses"] == trainer.train(5)["losses"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not a saved session: not valid JSON"),
        ('{"format": "other"}', "snapshot.format must be"),
        (json.dumps({**saved.to_dict(Session()), "params": [0.0]}), "snapshot.params must be a list of 321 numbers"),
        (json.dumps(saved.to_dict(Session(bits=40))), "bits must be from 2 to 32 in the page"),
    ],
)
def test_bad_saved_sessions_are_refused_with_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        page.load(text)


def test_generalisation_rows_for_an_8_bit_network():
    rows = page.create({}).generalisation()
    assert [row["bits"] for row in rows] == [16, 32, 64]
    assert all(row["pairs"] == 1000 for row in rows)


def test_the_page_is_told_each_fields_range_as_python_checks_it():
    fields = page.describe()["fields"]
    assert fields["bits"] == {"kind": "int", "low": 2, "high": 32, "lowOpen": False}
    assert fields["learning_rate"] == {"kind": "float", "low": 0.0, "high": 10.0, "lowOpen": True}
    assert fields["cell"] == {"kind": "choice", "choices": ["elman", "gru", "lstm"]}
    with pytest.raises(ValueError, match="bits must be from 2 to 32 in the page"):
        page.create({"bits": 40})


def test_a_file_in_pythons_file_system_loads_like_its_text(tmp_path):
    trainer = page.create({"seed": 6})
    trainer.train(4)
    path = tmp_path / "session.json"
    path.write_text(trainer.save())
    assert page.load_file(str(path)).summary() == {**trainer.summary(), "step": 4}
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(ValueError, match="not a saved session: not UTF-8 text"):
        page.load_file(str(path))


def test_a_step_too_big_for_the_browsers_memory_stops_with_a_message(monkeypatch):
    trainer = page.create({"seed": 1})

    def too_big(*args, **kwargs):
        raise ValueError("array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.")

    monkeypatch.setattr(trainer.session, "step", too_big)
    result = trainer.train(1)
    assert result["losses"] == [] and result["step"] == 0
    assert result["error"].startswith("one training step of this network needs more memory")


def test_a_call_that_diverges_after_some_steps_reports_them_and_the_cause():
    trainer = page.create(
        {"hidden": 64, "activation": "relu", "optimizer": "sgd", "learning_rate": 10, "init": "uniform"}
    )
    result = trainer.train(50, True)
    assert "diverged at step" in result["error"] and not result["solved"]
    assert 0 < len(result["losses"]) < 50 and all(np.isfinite(result["losses"]))
    assert result["step"] == len(result["losses"]) and 0 <= result["batchExact"] <= 1


def test_warm_up_trains_a_scratch_copy_unless_a_step_costs_more_than_allowed():
    trainer = page.create({"seed": 4})
    assert trainer.warm_up(1, max_work=trainer.step_work() - 1) == {"steps": 0, "diverged": False}
    assert trainer.scratch is None
    assert trainer.warm_up(3, max_work=trainer.step_work()) == {"steps": 3, "diverged": False}
    assert trainer.scratch.step_count == 3 and trainer.session.step_count == 0
    # With a budget it trains on past its steps until the budget is spent (a step takes well under 50 ms).
    burst = trainer.warm_up(1, budget_ms=50)
    assert burst["steps"] > 1 and trainer.scratch.step_count == 3 + burst["steps"]
    assert trainer.session.step_count == 0


def test_a_warm_up_that_diverges_says_so_and_counts_the_steps_it_took():
    config = {"hidden": 64, "activation": "relu", "optimizer": "sgd", "learning_rate": 10, "init": "uniform"}
    trainer = page.create({**config, "seed": 1})  # its scratch, seed 0, diverges at step 2
    warmed = trainer.warm_up(1, budget_ms=10_000)
    assert warmed["diverged"] and warmed["steps"] == trainer.scratch.step_count
    assert trainer.session.step_count == 0
