"""The notebook replay (rnnadd.notebook) against the notebook's own code, taken from its text."""

import contextlib
import copy
import io
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from rnnadd import evaluation, model
from rnnadd.notebook import FIXES, Fixes, GlobalGenerator, NotebookRnn, printout

SEED_TEXT = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_8058a5085c47251f.txt"


def notebook_cells() -> dict[str, str]:
    if not SEED_TEXT.exists():
        pytest.skip(f"the notebook's text is not beside this checkout ({SEED_TEXT})")
    parts = re.split(r"^In \[(\d+)\]:\n", SEED_TEXT.read_text(), flags=re.M)
    cells = {}
    for number, body in zip(parts[1::2], parts[2::2], strict=True):
        code = []
        for line in body.splitlines():
            if line.startswith(("## ", "Epoch:", "[[", "-----")):
                break
            code.append(line)
        cells[number] = "\n".join(code)
    return cells


def run_notebook(epochs: int) -> tuple[dict, str]:
    """The notebook's own functions and class, run as its training cell runs them."""

    def shuffle(data):  # sklearn.utils.shuffle with no random_state: a permutation from NumPy's global generator
        indices = np.arange(len(data))
        np.random.shuffle(indices)
        return data[indices]

    namespace = {"np": np, "copy": copy, "sk": SimpleNamespace(utils=SimpleNamespace(shuffle=shuffle))}
    cells = notebook_cells()
    for number in ("1224", "1182", "1258"):  # activations, data, the class as it stands
        exec(cells[number], namespace)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), np.errstate(over="ignore"):
        np.random.seed(0)
        np.set_printoptions(formatter={"float": lambda x: f"{x:0.2f}"})
        try:
            data = namespace["data_generator"](10)
            rnn = namespace["Rnn"](input_dim=2)
            rnn.train(train_data=data, batch_generator=namespace["input_feed"], epochs=epochs)
        finally:
            np.set_printoptions()
    return rnn, printed.getvalue()


def replay(epochs: int, fixes: Fixes | None = None, seed: int = 0) -> tuple[NotebookRnn, list]:
    rnn = NotebookRnn(fixes or Fixes(), seed)
    with np.errstate(over="ignore"):
        epochs_run = list(rnn.train(epochs))
    return rnn, epochs_run


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**32 - 1])
def test_the_global_generator_draws_what_numpys_legacy_generator_draws(seed):
    ours, numpys = GlobalGenerator(seed), np.random.RandomState(seed)
    for high in [1, 2, 3, 5, 64, 128, 1000, 2**31]:
        assert [ours.randint(high) for _ in range(50)] == [numpys.randint(high) for _ in range(50)], high
    np.testing.assert_array_equal(ours.rand(16, 3), numpys.rand(16, 3))
    for size in [1, 2, 10, 300]:
        mine, theirs = np.arange(size), np.arange(size)
        ours.shuffle(mine)
        numpys.shuffle(theirs)
        np.testing.assert_array_equal(mine, theirs)
    assert ours.rand(1)[0] == numpys.rand()  # still in step after every kind of draw


def test_the_replay_finds_the_notebooks_own_weights_and_printout():
    original, printed = run_notebook(500)
    port, epochs = replay(500)
    for name, theirs in [
        ("w_ih", original.synapse_ih["weights"]),
        ("w_hh", original.synapse_hh["weights"]),
        ("w_ho", original.synapse_ho["weights"]),
        ("b_ih", original.synapse_ih["biases"]),
        ("b_ho", original.synapse_ho["biases"]),
    ]:
        np.testing.assert_allclose(getattr(port, name), theirs, rtol=0, atol=1e-12, err_msg=name)
    ours = [line for epoch in epochs for line in printout(epoch)]
    assert ours == printed.splitlines()
    # The seed's own first printed lines, and the same operands afterwards.
    assert ours[0] == "Epoch: 0 Train Error: 0.38625409931722154"
    assert ours[2] == "60 + 33 = [1 0 1 1 1 0 1 0] (93), Prediction: [[0.24 0.21 0.11 0.13 0.12 0.13 0.11 0.07]]"
    assert ours[7].startswith("16 + 59 = [1 1 0 1 0 0 1 0] (75)")


def test_as_written_it_never_learns_and_never_reaches_nan():
    rnn, epochs = replay(10_000)
    late = [epoch.error for epoch in epochs[-2000:]]
    assert 0.15 < np.mean(late) < 0.25
    assert all(np.isfinite(epoch.prediction).all() for epoch in epochs)
    assert not solves(rnn)


def solves(rnn: NotebookRnn) -> bool:
    """Every pair of operands below 2^7 right, judged by the real model's evaluation of the same weights."""
    params = model.Network(16, activation="sigmoid")
    rnn.copy_into(params)
    return evaluation.evaluate(params, 8).exact_match == 1.0


@pytest.mark.parametrize("seed", range(3))
def test_with_all_three_fixes_it_learns_to_add(seed):
    rnn = NotebookRnn(Fixes(**dict.fromkeys(FIXES, True)), seed)
    with np.errstate(over="ignore"):
        for step in range(1, 20_001):
            rnn.train_epoch()
            if step % 500 == 0 and solves(rnn):
                break
    assert solves(rnn), f"not solved after {step} steps"


def test_each_fix_changes_the_run():
    _, plain = replay(300)
    for fix in FIXES:
        _, fixed = replay(300, Fixes(**{fix: True}))
        assert [e.error for e in fixed] != [e.error for e in plain], fix


def test_the_pages_replay_is_the_notebooks_and_its_views_read_its_weights():
    from rnnadd import page

    trainer = page.create_notebook(["biases"], 2)
    result = trainer.train(300)
    port, epochs = replay(300, Fixes(biases=True), seed=2)
    assert result["losses"] == [epoch.error for epoch in epochs] and result["step"] == 300
    np.testing.assert_array_equal(trainer.session.params.w_hh, port.w_hh)
    assert trainer.summary()["notebook"] == ["biases"] and trainer.summary()["config"]["activation"] == "sigmoid"
    assert len(trainer.panel()["rows"][0]["probs"]) == 8
    with pytest.raises(ValueError, match="fix must name some of output_gradient, derivatives, biases"):
        page.create_notebook(["everything"], 0)


def test_a_solved_replay_trains_no_further_when_asked_to_stop_at_solved():
    from rnnadd import page

    trainer = page.create_notebook(list(FIXES), 0)
    while not (result := trainer.train(500, until_solved=True))["solved"]:
        assert result["step"] < 20_000 and result["error"] is None
    weights = trainer.session.params.w_hh.copy()
    again = trainer.train(500, until_solved=True)
    assert again["solved"] and again["losses"] == [] and again["step"] == result["step"]
    np.testing.assert_array_equal(trainer.session.params.w_hh, weights)
