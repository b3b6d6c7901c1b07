"""The black box opened in the page: the state space, the machine read off the weights, its
verdict and counterexample, the carry-chain limit, and the same findings as the command line's."""

import io
import json

import numpy as np
from conftest import open_app, settle, status
from playwright.sync_api import expect
from rnnadd import Config, Session, cli, evaluation, statespace
from test_page import by_id, pixels, redrawn, train_until

EXPLAINED_WIDE = "window.rnnDemo.explanation() && window.rnnDemo.explanation().agreement.length === 2"
# The state-space canvas's margins (statespace.js), to click on a dot.
PAD = {"left": 10, "right": 10, "top": 26, "bottom": 22}


def carry_purity(space: dict, neighbours: int = 5) -> float:
    """The share of a state's nearest neighbours in the picture that share its carry: 1 when the
    carry-0 and carry-1 clouds lie apart."""
    points = np.c_[space["x"], space["y"]]
    points = (points - points.min(axis=0)) / np.ptp(points, axis=0)
    distance = ((points[:, None] - points[None]) ** 2).sum(axis=2)
    np.fill_diagonal(distance, np.inf)
    nearest = np.argsort(distance, axis=1)[:, :neighbours]
    carry = np.array(space["carry"])
    return float((carry[nearest] == carry[:, None]).mean())


def test_the_state_space_moves_while_training_and_the_carry_clouds_pull_apart(app):
    # Seed 1's clouds part late (step 60 or so), so that the pause below comes while they are mixed.
    by_id(app, "field-seed").fill("1")
    by_id(app, "reset-button").click()
    app.wait_for_function("window.rnnDemo.status().config.seed === 1 && !window.rnnDemo.status().making")
    before = app.evaluate("window.rnnDemo.stateSpace()")
    drawn = pixels(app, "state-space")
    assert len(before["x"]) == 256 * 8 and 0 < before["explained"][1] <= before["explained"][0] < 1
    by_id(app, "speed").select_option("1")
    by_id(app, "train-toggle").click()
    by_id(app, "state-space").scroll_into_view_if_needed()  # while training, only canvases on screen are redrawn
    app.wait_for_function(f"window.rnnDemo.stateSpace().x[0] !== {before['x'][0]}")  # refreshed while training
    assert status(app)["phase"] == "training"
    redrawn(app, "state-space", drawn["checksum"])
    app.wait_for_function("window.rnnDemo.status().step >= 15")
    by_id(app, "train-toggle").click()
    step = settle(app)["step"]
    app.wait_for_timeout(100)  # the views refresh once training stops
    learning = app.evaluate("window.rnnDemo.stateSpace()")
    session = Session(Config(seed=1))
    session.step(step)
    expected = statespace.state_space(session.params, 8, evaluation.SAMPLE_SEED, (5, 5))
    assert learning["carry"] == expected["carry"] and learning["a"] == expected["a"]
    np.testing.assert_allclose(learning["x"], expected["x"], atol=1e-9)
    np.testing.assert_allclose(learning["explained"], expected["explained"], atol=1e-12)

    train_until(app, "window.rnnDemo.status().phase === 'solved'")
    settle(app)
    app.wait_for_timeout(100)
    solved = app.evaluate("window.rnnDemo.stateSpace()")
    # Mixed while it learns (states grouped by their inputs, not yet by the carry), apart once it adds.
    assert carry_purity(solved) > 0.97 and carry_purity(solved) > carry_purity(learning) + 0.03, step


def on_canvas(space: dict, box: dict) -> list[tuple[float, float]]:
    """Where statespace.js draws each state, in CSS pixels: the path is part of the scale."""
    xs, ys = [*space["x"], *space["path"]["x"]], [*space["y"], *space["path"]["y"]]
    width, height = box["width"] - PAD["left"] - PAD["right"], box["height"] - PAD["top"] - PAD["bottom"]
    return [
        (
            PAD["left"] + (x - min(xs)) / (max(xs) - min(xs)) * width,
            box["height"] - PAD["bottom"] - (y - min(ys)) / (max(ys) - min(ys)) * height,
        )
        for x, y in zip(space["x"], space["y"], strict=True)
    ]


def test_clicking_a_state_selects_its_problem_in_the_hidden_state_view(app):
    space = app.evaluate("window.rnnDemo.stateSpace()")
    points = on_canvas(space, by_id(app, "state-space").bounding_box())
    pairs = len(space["a"])
    x, y = points[7 * pairs + 100]  # the last step of problem 100
    nearest = min(range(len(points)), key=lambda i: (points[i][0] - x) ** 2 + (points[i][1] - y) ** 2)
    a, b = space["a"][nearest % pairs], space["b"][nearest % pairs]
    by_id(app, "state-space").click(position={"x": x, "y": y})
    app.wait_for_function(f"window.rnnDemo.hiddenView().a === '{a}' && window.rnnDemo.hiddenView().b === '{b}'")
    app.wait_for_function(f"window.rnnDemo.stateSpace().path.a === '{a}'")  # its path is drawn


def test_when_solved_the_machine_is_drawn_and_proven_to_be_addition(app):
    blank = pixels(app, "machine-view")
    assert app.evaluate("window.rnnDemo.explanation()") is None
    train_until(app, "window.rnnDemo.status().phase === 'solved'")
    app.wait_for_function(EXPLAINED_WIDE)
    found = app.evaluate("window.rnnDemo.explanation()")
    assert found["equivalent"] and found["counterexample"] is None
    assert found["next"] == [[0, 0, 0, 1], [0, 1, 1, 1]] and found["out"] == [[0, 1, 1, 0], [1, 0, 0, 1]]
    assert [row["sums"] for row in found["agreement"]] == [1, 1]
    expect(by_id(app, "machine-verdict")).to_have_text(
        "This machine is binary addition, exactly: checked against the adder on every input of every length."
    )
    expect(by_id(app, "machine-faithful")).to_contain_text(
        "on 100% of all 16,384 8-bit sums and on 100% of 10,000 random 64-bit sums."
    )
    expect(by_id(app, "counterexample-ask")).to_be_hidden()
    chains = found["chains"]
    expect(by_id(app, "chain-limit")).to_contain_text(f"Carries through chains of up to {chains['longest']} bits")
    app.wait_for_timeout(100)  # drawn on the next animation frame
    diagram = pixels(app, "machine-view")
    assert diagram["checksum"] != blank["checksum"] and diagram["inked"] > 2 * blank["inked"]


def test_an_early_machine_is_not_addition_and_its_counterexample_goes_to_ask(app):
    by_id(app, "step-button").click()
    app.wait_for_function("window.rnnDemo.explanation() !== null")
    found = app.evaluate("window.rnnDemo.explanation()")
    counter = found["counterexample"]
    assert not found["equivalent"] and counter
    expect(by_id(app, "machine-verdict")).to_contain_text(
        f"Not binary addition: the shortest input on which this machine differs from the adder is "
        f"{counter['a']} + {counter['b']}"
    )
    by_id(app, "counterexample-ask").click()
    expect(by_id(app, "ask-a")).to_have_value(counter["a"])
    expect(by_id(app, "ask-b")).to_have_value(counter["b"])
    expect(by_id(app, "ask-result")).to_contain_text(f"{counter['a']} + {counter['b']}")
    expect(by_id(app, "ask-verdict")).to_have_text(" wrong")  # the network itself gets it wrong


def test_the_page_and_the_command_line_read_the_same_machine_from_the_same_weights(app, tmp_path):
    path = tmp_path / "weights.json"
    assert cli.main(["train", "--seed", "3", "--steps", "30", "--save", str(path)], out=io.StringIO()) == 0
    printed = io.StringIO()
    assert cli.main(["explain", "--weights", str(path), "--json"], out=printed) == 0
    expected = json.loads(printed.getvalue())
    assert not expected["equivalent"]  # mid-training: every figure is one that can differ
    by_id(app, "load-file").set_input_files(str(path))
    app.wait_for_function("window.rnnDemo.status().config.seed === 3")
    app.wait_for_function(EXPLAINED_WIDE)
    assert app.evaluate("window.rnnDemo.explanation()") == expected


def test_a_gated_cell_is_read_as_a_machine_in_the_page_too(app, base_url):
    open_app(app, base_url, "#cell=gru")
    train_until(app, "window.rnnDemo.status().phase === 'solved'")
    app.wait_for_function(EXPLAINED_WIDE)
    found = app.evaluate("window.rnnDemo.explanation()")
    assert found["equivalent"] and found["agreement"][0]["sums"] == 1
    expect(by_id(app, "machine-verdict")).to_contain_text("This machine is binary addition, exactly")
