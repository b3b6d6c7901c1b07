"""The Python side of the web page, run in CPython: what it returns to JavaScript."""

import json

import numpy as np
import pytest
from rnnadd import Session, encoding, evaluation, page


def test_carries_are_the_carry_out_of_each_bit():
    a, b = encoding.random_pairs(np.random.default_rng(0), 200, 10)
    inputs, targets = encoding.encode_pairs(a, b, 10)
    carries = evaluation.carries(inputs, targets)
    for t in range(10):
        low = np.uint64(2 ** (t + 1) - 1)
        expected = (((a & low) + (b & low)) >> np.uint64(t + 1)) & np.uint64(1)
        np.testing.assert_array_equal(carries[t], expected)


def test_a_trained_network_has_a_unit_that_follows_the_carry():
    untrained = Session(seed=1)
    trained = Session(seed=1)
    trained.step(300)
    before = np.abs(evaluation.carry_correlations(untrained.params, "tanh", 8)).max()
    after = np.abs(evaluation.carry_correlations(trained.params, "tanh", 8)).max()
    assert after > 0.75 and after > before + 0.2


def test_frame_reports_losses_accuracy_panel_and_hidden_view():
    trainer = page.create(json.dumps({"seed": 3}))
    result = trainer.frame(7, True, True)
    assert result["step"] == 7 and len(result["losses"]) == 7
    assert 0 <= result["sample_exact"] <= 1 and 0 <= result["sample_per_bit"] <= 1
    assert [(row["a"], row["b"]) for row in result["panel"][:4]] == [(5, 5), (10, 2), (50, 3), (4, 9)]
    view = result["hidden_view"]
    assert (view["a"], view["b"]) == ("5", "5")
    assert np.array(view["states"]).shape == (8, 16) and len(view["correlations"]) == 16
    assert view["carry"] == [1.0, 0, 1.0, 0, 0, 0, 0, 0]  # 5 + 5: carries out of bits 0 and 2
    json.dumps(result)  # plain values only


def test_selecting_a_wide_problem_widens_the_hidden_view():
    trainer = page.create("{}")
    trainer.select("12345678901", "5")
    assert len(trainer.hidden_view()["states"]) == 34


def test_saved_session_loads_back_and_continues_identically():
    trainer = page.create(json.dumps({"cell": "gru", "seed": 2}))
    trainer.frame(15)
    loaded = page.load(trainer.save())
    assert loaded.config() == trainer.config() and loaded.session.step_count == 15
    assert loaded.frame(5)["losses"] == trainer.frame(5)["losses"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not a saved session: not valid JSON"),
        ('{"format": "other"}', "snapshot.format must be"),
        (json.dumps({**Session().snapshot(), "params": [0.0]}), "snapshot.params must be a list of 321 numbers"),
        (json.dumps(Session(bits=40).snapshot()), "bits must be from 2 to 32 in the page"),
    ],
)
def test_bad_saved_sessions_are_refused_with_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        page.load(text)


def test_generalisation_rows_for_an_8_bit_network():
    rows = page.create("{}").generalisation()
    assert [row["bits"] for row in rows] == [16, 32, 64]
    assert all(row["pairs"] == 1000 for row in rows)


def test_validate_names_each_bad_field():
    errors = json.loads(page.validate(json.dumps({"bits": 40, "hidden": 0, "seed": 3})))
    assert set(errors) == {"bits", "hidden"}
    assert "in the page" in errors["bits"]
