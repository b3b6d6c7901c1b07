"""Milestones in the page: the same as CPython finds, marked on the charts, the slider and a list,
each of which shows its step when pressed; the notebook's run says plainly that none came."""

import io
import re

from conftest import open_app, settle, status
from playwright.sync_api import expect
from rnnadd import cli, milestones
from rnnadd.session import Config, Session
from rnnadd.tasks import TASKS
from test_compare import base_url_of
from test_page import by_id

ALL_FOUND = f"window.rnnDemo.status().milestones.length === {len(milestones.ORDER)}"


def in_cpython(**overrides) -> list[tuple[str, int]]:
    """The milestones CPython finds in a run of these settings (with its task's suggested ones)."""
    session = Session(Config(**{**TASKS[overrides.get("task", "add")].suggested, **overrides}))
    while not session.solved():
        session.step(1000, until_solved=True)
    c = session.config
    found = milestones.Milestones(c.hidden, c.cell, c.activation, c.bits, session.replay_between, c.task)
    found.update(session.timeline.steps, session.timeline.weights)
    return [(reached.name, reached.step) for reached in found.reached()]


def in_the_page(page, link: str) -> list[tuple[str, int]]:
    open_app(page, base_url_of(page) + link)
    by_id(page, "train-toggle").click()
    page.wait_for_function(ALL_FOUND, timeout=60_000)
    assert status(page)["phase"] == "solved"
    return [(m["name"], m["step"]) for m in status(page)["milestones"]]


RUNS = [{"seed": seed} for seed in range(5)] + [{"cell": "gru", "seed": 0}, {"cell": "lstm", "seed": 0}]


def test_the_page_finds_the_milestones_cpython_finds(app):
    for overrides in RUNS:
        link = "#" + "&".join(f"{key}={value}" for key, value in overrides.items())
        assert in_the_page(app, link) == in_cpython(**overrides), overrides


def test_milestones_are_marked_and_each_mark_shows_its_step(app):
    expected = in_the_page(app, "#seed=0")
    settle(app)
    steps = dict(expected)
    # The list: one entry per milestone, with its step and what happened.
    entries = by_id(app, "milestones").locator("li button")
    expect(entries).to_have_count(len(milestones.ORDER))
    expect(entries.nth(0)).to_have_text(f"The first bit is right: step {steps['first_bit']}")
    expect(by_id(app, "milestones")).to_contain_text("follows the carry (correlation")
    expect(by_id(app, "status")).to_contain_text(f"last milestone: its limits (step {steps['limits']})")
    # Pressing an entry shows its step in every view.
    entries.nth(1).click()
    app.wait_for_function(f"window.rnnDemo.timeline().at === {steps['carry']}")
    expect(by_id(app, "bit-summary")).to_contain_text(f"at step {steps['carry']} of {steps['solved']}")
    # The slider's numbered marks: one per milestone, in the order of their steps.
    marks = by_id(app, "milestone-marks").locator("button")
    expect(marks).to_have_count(len(milestones.ORDER))
    lefts = [float(mark.evaluate("m => parseFloat(m.style.left)")) for mark in marks.all()]
    assert lefts == sorted(lefts) and lefts[0] < lefts[-1]
    marks.nth(0).click()
    app.wait_for_function(f"window.rnnDemo.timeline().at === {steps['first_bit']}")
    # The loss chart: a dotted line at each milestone's step; a click on one shows its step.
    by_id(app, "live-button").click()
    app.wait_for_function("window.rnnDemo.timeline().at === null")
    chart = by_id(app, "loss-chart")
    width = chart.evaluate("c => c.clientWidth")
    x = 44 + steps["clouds"] / steps["solved"] * (width - 44 - 10)  # linechart.js's PAD, the last step at the right
    column = chart.evaluate(
        """(c, x) => {
          const ratio = c.width / c.clientWidth;
          const data = c.getContext("2d").getImageData(Math.round(x * ratio), 0, 1, c.height).data;
          let inked = 0;
          for (let i = 3; i < data.length; i += 4) inked += data[i] > 0;
          return inked / c.height;
        }""",
        x,
    )
    assert column > 0.3  # a dotted line from top to bottom, not an empty column
    chart.click(position={"x": x, "y": 60})
    app.wait_for_function(f"window.rnnDemo.timeline().at === {steps['clouds']}")
    # The kept run records them, and Compare runs shows their steps.
    expect(by_id(app, "run-row").last).to_contain_text(" \u00b7 ".join(str(steps[name]) for name in milestones.ORDER))


def test_a_run_that_never_learns_says_which_milestones_never_came(app):
    open_app(app, base_url_of(app) + "#notebook=&seed=0&at=300")
    app.wait_for_function("window.rnnDemo.status().step === 300", timeout=60_000)
    settle(app)
    items = by_id(app, "milestones").locator("li")
    for name in ("carry", "clouds", "machine", "solved"):
        expect(items.nth(milestones.ORDER.index(name))).to_have_text(re.compile(r"not reached by step 300\.$"))
    assert {m["name"] for m in status(app)["milestones"]}.isdisjoint({"carry", "clouds", "machine", "solved"})


def test_each_milestone_has_its_test_stated_in_the_page(app):
    by_id(app, "milestone-tests").locator("summary").click()
    for definition in milestones.definitions():
        expect(by_id(app, "milestone-tests")).to_contain_text(f"{definition['title']}: {definition['test']}")


def test_a_loaded_session_shows_the_milestones_of_its_run(app, tmp_path):
    path = tmp_path / "cli.json"
    assert cli.main(["train", "--seed", "3", "--save", str(path)], io.StringIO()) == 0
    by_id(app, "load-file").set_input_files(str(path))
    app.wait_for_function(ALL_FOUND, timeout=60_000)  # found again from the file's kept steps
    assert [(m["name"], m["step"]) for m in status(app)["milestones"]] == in_cpython(seed=3)
