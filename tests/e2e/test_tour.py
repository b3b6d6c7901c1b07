"""The guided tour: offered on a first visit, started by a button or #tour, it stops at each
milestone of the live run with its view in sight and outlined, goes on with Next or Enter, ends
with Esc (then training runs at full speed), and passes the accessibility audit at its stops in
the light and the dark theme."""

import os
import re
from pathlib import Path

from conftest import open_app, status
from playwright.sync_api import expect
from test_access import audit
from test_marks import in_cpython
from test_page import by_id

VIEWS = {
    "first_bit": "bit-view",
    "carry": "hidden-view",
    "clouds": "state-space",
    "machine": "machine-view",
    "solved": "accuracy-chart",
    "limits": "chain-limit",
}
FOCUSED = re.compile(r"\btour-focus\b")
SHOTS = os.environ.get("RNNADD_SHOTS")  # a folder to keep a screenshot of each stop in


def stop_of(page) -> str:
    by_id(page, "tour-card").wait_for(state="visible")
    return by_id(page, "tour-card").get_attribute("data-stop")


def in_sight(page, testid: str) -> bool:
    return by_id(page, testid).evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; }"
    )


def test_the_tour_stops_at_each_milestone_of_the_run_with_its_view(app):
    expected = in_cpython(seed=0)
    by_id(app, "tour-button").click()
    expect(by_id(app, "tour-card")).to_have_attribute("data-stop", "start")
    expect(by_id(app, "tour-text")).to_have_attribute("aria-live", "polite")  # each stop is announced
    expect(by_id(app, "tour-next")).to_be_focused()
    by_id(app, "tour-next").click()
    app.wait_for_function("window.rnnDemo.status().phase === 'training'")
    for i, (name, step) in enumerate(expected):
        app.wait_for_function(f"document.querySelector('#tour-card').dataset.stop === '{name}'", timeout=120_000)
        state = status(app)
        assert state["phase"] in ("paused", "solved")
        assert state["step"] <= expected[-1][1]  # the run waits at the stop
        app.wait_for_function(f"window.rnnDemo.timeline().at === {step}")  # the views show its step
        expect(by_id(app, "tour-text")).to_contain_text(f"step {step}" if name != "limits" else "64-bit sums")
        expect(by_id(app, VIEWS[name])).to_have_class(FOCUSED)
        assert in_sight(app, VIEWS[name]), name
        assert app.locator(".tour-focus").count() == 1
        if name == "first_bit":
            assert audit(app) == []
        if name == "carry":
            app.emulate_media(color_scheme="dark")
            assert audit(app) == []
            app.emulate_media(color_scheme="light")
        if SHOTS:
            app.screenshot(path=str(Path(SHOTS) / f"tour-{i + 1}-{name}.png"))
        if i % 2:
            app.keyboard.press("Enter")  # Next from the keyboard, focus anywhere but a control
        else:
            by_id(app, "tour-next").click()
    expect(by_id(app, "tour-card")).to_have_attribute("data-stop", "end")
    expect(by_id(app, "tour-text")).to_contain_text("whole story of this run")
    expect(by_id(app, "tour-next")).to_have_text("Close")
    by_id(app, "tour-next").click()
    expect(by_id(app, "tour-card")).to_be_hidden()
    assert app.locator(".tour-focus").count() == 0
    assert [(m["name"], m["step"]) for m in status(app)["milestones"]] == expected


def test_a_first_visit_offers_the_tour_once_and_a_link_starts_it(app, base_url):
    page = app
    page.goto("about:blank")  # nothing stored yet: a first visit
    open_app(page, base_url)
    expect(by_id(page, "tour-offer")).to_be_visible()
    by_id(page, "tour-offer-dismiss").click()
    expect(by_id(page, "tour-offer")).to_be_hidden()
    open_app(page, base_url)
    expect(by_id(page, "tour-offer")).to_be_hidden()  # offered, not forced
    open_app(page, base_url + "#seed=2&tour")
    expect(by_id(page, "tour-card")).to_have_attribute("data-stop", "start")
    assert status(page)["config"]["seed"] == 2


def test_the_embedded_view_has_a_compact_tour_and_esc_ends_it(app, base_url):
    page = app
    page.goto("about:blank")
    open_app(page, base_url + "#view=embed&tour")
    page.set_viewport_size({"width": 640, "height": 420})
    expect(by_id(page, "tour-card")).to_be_visible()
    assert by_id(page, "tour-card").evaluate("c => c.getBoundingClientRect().height") < 200
    by_id(page, "tour-next").click()
    page.wait_for_function("document.querySelector('#tour-card').dataset.stop === 'first_bit'", timeout=60_000)
    expect(by_id(page, "bit-view")).to_have_class(FOCUSED)
    assert status(page)["phase"] == "paused"
    page.keyboard.press("Escape")
    expect(by_id(page, "tour-card")).to_be_hidden()
    assert page.locator(".tour-focus").count() == 0
    by_id(page, "train-toggle").click()  # back to full speed, with no more stops
    page.wait_for_function("window.rnnDemo.status().phase === 'solved'", timeout=60_000)
    assert page.evaluate("document.querySelector('#tour-card').hidden")


def test_the_tour_of_a_subtraction_stops_at_its_milestones_in_its_words(app, base_url):
    """The same tour for another task: CPython's milestones of the run, each card speaking of the
    borrow and the subtractor, the limits in 64-bit differences."""
    expected = in_cpython(task="sub", seed=0)
    open_app(app, base_url, "#task=sub&seed=0")
    by_id(app, "tour-button").click()
    by_id(app, "tour-next").click()
    words = {
        "first_bit": "borrow from the bit before",
        "carry": "follows the borrow",
        "clouds": "after a borrow",
        "machine": "binary subtraction",
        "solved": f"step {dict(expected)['solved']}",
        "limits": "64-bit differences",
    }
    for i, (name, step) in enumerate(expected):
        app.wait_for_function(f"document.querySelector('#tour-card').dataset.stop === '{name}'", timeout=120_000)
        app.wait_for_function(f"window.rnnDemo.timeline().at === {step}")
        expect(by_id(app, "tour-text")).to_contain_text(words[name])
        expect(by_id(app, VIEWS[name])).to_have_class(FOCUSED)
        if SHOTS:
            app.screenshot(path=str(Path(SHOTS) / f"tour-sub-{i + 1}-{name}.png"))
        by_id(app, "tour-next").click()
    expect(by_id(app, "tour-card")).to_have_attribute("data-stop", "end")
    assert "carry" not in by_id(app, "tour-text").inner_text()
    assert [(m["name"], m["step"]) for m in status(app)["milestones"]] == expected
