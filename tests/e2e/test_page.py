"""The page as a person uses it, in real Chromium, against the built static site."""

import json
import math
from urllib.parse import urlencode

import numpy as np
import pytest
from conftest import open_app, settle, status, wait_for_phase
from playwright.sync_api import expect
from rnnadd import Config, Session

CANVASES = ["loss-chart", "accuracy-chart", "bit-view"]
PIXELS_JS = """id => {
  const canvas = document.querySelector(`[data-testid="${id}"]`);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0, checksum = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0) inked += 1;
    checksum = (checksum * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2] + data[i + 3]) % 1000000007;
  }
  return { inked, checksum, width: canvas.width, height: canvas.height };
}"""


def pixels(page, testid: str) -> dict:
    return page.evaluate(PIXELS_JS, testid)


def redrawn(page, testid: str, checksum: int, timeout: int = 10_000) -> None:
    """Wait until the canvas differs from `checksum`: while training, the page draws at most
    20 times a second, so new data is on the canvas up to one draw later."""
    page.wait_for_function(f"({PIXELS_JS})('{testid}').checksum !== {checksum}", timeout=timeout)


def by_id(page, testid: str):
    return page.get_by_test_id(testid)


def train_until(page, condition_js: str, timeout: int = 60_000) -> dict:
    by_id(page, "train-toggle").click()
    page.wait_for_function(condition_js, timeout=timeout)
    return status(page)


def losses(page) -> list[float]:
    history = page.evaluate("window.rnnDemo.lossHistory()")
    assert history["stride"] == 1
    return history["ys"]


def test_boots_to_ready_with_every_stage_done(app):
    state = status(app)
    assert state["phase"] == "ready" and state["step"] == 0
    assert state["config"] == Config().to_dict()
    assert by_id(app, "loading").is_hidden()
    for stage in ("runtime", "numpy", "model"):
        assert by_id(app, f"stage-{stage}").inner_text().startswith("done at")
    assert 0 < state["loadSeconds"] < 60
    assert "ready" in by_id(app, "status").inner_text()


def test_default_configuration_trains_to_every_pair_right_and_views_change(app):
    before = {name: pixels(app, name) for name in CANVASES}
    state = train_until(app, "window.rnnDemo.status().phase === 'solved'")
    assert state["exactMatch"] == 1 and state["exactAllPairs"] and state["solvedAt"] == state["step"]
    assert state["step"] <= 300
    history = losses(app)
    assert len(history) == state["step"]
    assert np.mean(history[-5:]) < np.mean(history[:5]) / 2
    for name in CANVASES:
        after = pixels(app, name)
        assert after["checksum"] != before[name]["checksum"], name
        assert after["inked"] > 0.02 * after["width"] * after["height"], name
    text = by_id(app, "status").inner_text()
    assert f"step {state['step']}" in text and "exact-match 100.0% (all pairs)" in text
    assert "started in" in by_id(app, "load-time").inner_text()


def test_pause_one_step_speed_and_reset(app, base_url):
    # Plain SGD at a tiny rate never solves here, so the page never stops by itself between the clicks.
    open_app(app, base_url, "#optimizer=sgd&learning_rate=0.001")
    state = train_until(app, "window.rnnDemo.status().step >= 3")
    by_id(app, "train-toggle").click()
    wait_for_phase(app, "paused")
    paused = settle(app)  # chunks already queued in the worker still land
    app.wait_for_timeout(300)
    assert status(app)["step"] == paused["step"] >= state["step"]

    by_id(app, "step-button").click()
    app.wait_for_function(f"window.rnnDemo.status().step === {paused['step'] + 1}")
    assert settle(app)["step"] == paused["step"] + 1

    by_id(app, "speed").select_option("1")
    start = status(app)["step"]
    by_id(app, "train-toggle").click()
    app.wait_for_timeout(500)
    by_id(app, "train-toggle").click()
    moved = settle(app)["step"] - start
    frames = app.evaluate("window.rnnDemo.frameIntervals().length")
    assert 1 <= moved <= frames + 2  # one step per animation frame

    by_id(app, "field-hidden").fill("8")
    by_id(app, "field-hidden").dispatch_event("change")
    app.wait_for_timeout(200)
    assert status(app)["config"]["hidden"] == 16  # not before Reset
    by_id(app, "reset-button").click()
    app.wait_for_function("window.rnnDemo.status().config.hidden === 8")
    state = status(app)
    assert state["phase"] == "ready" and state["step"] == 0
    assert "hidden=8" in app.evaluate("location.hash")


SHARED_CONFIG = Config(
    bits=6,
    hidden=12,
    activation="sigmoid",
    learning_rate=0.03,
    batch_size=16,
    loss="mse",
    init="uniform",
    clip=2,
    seed=41,
)
SHARED = "#" + urlencode(SHARED_CONFIG.to_dict())


def train_steps(page, steps: int) -> list[float]:
    by_id(page, "speed").select_option("5")
    train_until(page, f"window.rnnDemo.status().step >= {steps} || window.rnnDemo.status().phase === 'solved'")
    if status(page)["phase"] == "training":
        by_id(page, "train-toggle").click()
    settle(page)
    return losses(page)[:steps]


def test_shared_link_reproduces_the_same_run(app, base_url):
    app.goto("about:blank")  # each visit loads the link: a new page, worker and Python
    state = open_app(app, base_url, SHARED)
    assert state["config"] == SHARED_CONFIG.to_dict()
    first = train_steps(app, 60)
    app.goto("about:blank")
    open_app(app, base_url, SHARED)
    assert train_steps(app, 60) == first
    assert len(first) == 60


def test_browser_losses_equal_cpython_losses(app, base_url):
    page = app
    open_app(page, base_url, SHARED)
    browser = train_steps(page, 60)
    cpython = Session(SHARED_CONFIG).step(60)
    np.testing.assert_allclose(browser, cpython, rtol=1e-9, atol=0)


NOTEBOOK_PROBLEMS = [(5, 5), (10, 2), (50, 3), (4, 9), (0, 0), (127, 127), (100, 27)]


def test_ask_the_network_after_solving(app, base_url):
    """Trained past solved (51) to step 60, a link's exact step: every pair is right there,
    as the CLI finds (a step's count, not a wall-clock pause, so it is the same on any machine)."""
    reference = Session(seed=0)
    reference.step(60)
    assert reference.solved()
    app.goto("about:blank")
    app.goto(base_url + "#seed=0&at=60")  # loaded, it trains as soon as it is ready
    app.wait_for_function("window.rnnDemo && window.rnnDemo.timeline().at === 60", timeout=90_000)
    assert settle(app)["step"] == 60
    for a, b in NOTEBOOK_PROBLEMS:
        by_id(app, "ask-a").fill(str(a))
        by_id(app, "ask-b").fill(str(b))
        by_id(app, "ask-button").click()
        expect(by_id(app, "ask-result")).to_contain_text(f"{a} + {b}")
        result = by_id(app, "ask-result").inner_text()
        assert f"= {a + b} right" in result, result
        assert f"{a + b:08b} = {a + b}" in result
        assert by_id(app, "ask-error").inner_text() == ""


def test_asking_works_while_training(app):
    by_id(app, "train-toggle").click()
    by_id(app, "ask-button").click()
    expect(by_id(app, "ask-result")).to_contain_text("network:")
    assert status(app)["phase"] in ("training", "solved")


def test_invalid_inputs_are_refused_beside_their_field_and_training_goes_on(app):
    state = train_until(app, "window.rnnDemo.status().step >= 2")
    config = state["config"]
    for field, value, message in [
        ("hidden", "5000", "hidden must be a whole number from 1 to 1024"),
        ("learning_rate", "abc", 'learning_rate must be a number in (0, 10], got "abc"'),
        ("bits", "40", 'bits must be a whole number from 2 to 32, got "40"'),
        ("batch_size", "-3", "batch_size must be a whole number from 1 to 4096"),
    ]:
        by_id(app, f"field-{field}").fill(value)
        by_id(app, f"field-{field}").dispatch_event("change")
        expect(by_id(app, f"error-{field}")).to_contain_text(message)
        expect(by_id(app, f"field-{field}")).to_have_attribute("aria-invalid", "true")
    before = status(app)["step"]
    by_id(app, "reset-button").click()
    # Still the same session, still going (or done: the page stops by itself once solved).
    app.wait_for_function(f"window.rnnDemo.status().step > {before} || window.rnnDemo.status().phase === 'solved'")
    state = status(app)
    assert state["config"] == config and state["phase"] in ("training", "solved") and state["step"] >= before

    by_id(app, "ask-a").fill("twelve")
    by_id(app, "ask-button").click()
    expect(by_id(app, "ask-error")).to_contain_text("a must be a whole number")
    by_id(app, "ask-a").fill(str(2**63))
    by_id(app, "ask-b").fill(str(2**63))
    by_id(app, "ask-button").click()
    expect(by_id(app, "ask-error")).to_contain_text("a + b must be below 2^64")


@pytest.mark.parametrize(
    ("missing", "stage_text"),
    [
        ("pyodide/pyodide.asm.wasm", "Python runtime"),
        ("pyodide/python_stdlib.zip", "Python runtime"),
        ("pyodide/rnnadd-", "RNN package"),
        ("js/worker.js", "training script"),
    ],
)
def test_missing_runtime_file_shows_a_plain_error(page, base_url, missing, stage_text):
    page.route(f"**/{missing}*", lambda route: route.fulfill(status=404, body="not found"))
    page.goto(base_url)
    state = wait_for_phase(page, "error", "ready", timeout=90_000)
    assert state["phase"] == "error"
    view = page.get_by_test_id("error-view")
    assert view.is_visible()
    assert page.get_by_test_id("error-title").inner_text() == "The page could not start"
    assert stage_text in page.get_by_test_id("error-advice").inner_text()
    assert page.get_by_test_id("error-message").inner_text().strip()
    assert page.get_by_test_id("train-toggle").is_hidden()  # no dead controls under the message


def test_divergence_shows_what_to_do(app, base_url):
    page = app
    # Fields left out of a link take their defaults.
    diverging = "#hidden=64&activation=relu&optimizer=sgd&learning_rate=10&init=uniform"
    open_app(page, base_url, diverging)
    by_id(page, "train-toggle").click()
    state = wait_for_phase(page, "error")
    assert "diverged at step" in state["error"]
    assert page.get_by_test_id("error-view").is_visible()
    assert "lower learning rate" in page.get_by_test_id("error-advice").inner_text()
    assert all(math.isfinite(v) for v in losses(page))
    by_id(page, "field-learning_rate").fill("0.05")
    by_id(page, "field-optimizer").select_option("adam")
    by_id(page, "reset-button").click()
    assert wait_for_phase(page, "ready")["config"]["learning_rate"] == 0.05
    assert page.get_by_test_id("error-view").is_hidden()


def test_the_page_keeps_drawing_what_is_on_screen_while_training_and_pauses_at_once(app, base_url):
    page = app
    # Plain SGD at a tiny rate is still learning when the look ends. How smooth the frames are
    # is a figure for bench/browser.py (frame interval p50 / p95 / max), not a test.
    slow = (
        "#bits=16&hidden=16&activation=tanh&optimizer=sgd&learning_rate=0.001&batch_size=32&loss=bce&init=scaled&seed=0"
    )
    open_app(page, base_url, slow)
    by_id(page, "train-toggle").click()
    by_id(page, "loss-chart").scroll_into_view_if_needed()  # while training, only canvases on screen are redrawn
    page.wait_for_function("window.rnnDemo.status().step >= 20 && window.rnnDemo.frameIntervals().length >= 5")
    before = (pixels(page, "loss-chart"), status(page)["step"], len(page.evaluate("window.rnnDemo.frameIntervals()")))
    page.wait_for_function(
        f"window.rnnDemo.status().step > {before[1] + 20} && window.rnnDemo.frameIntervals().length > {before[2] + 5}"
    )
    assert pixels(page, "loss-chart")["checksum"] != before[0]["checksum"]  # the chart follows the run
    # A canvas off screen waits while training (its data still comes), and is drawn once on screen.
    space = (pixels(page, "state-space"), page.evaluate("window.rnnDemo.stateSpace().x[0]"))
    page.wait_for_function(f"window.rnnDemo.stateSpace().x[0] !== {space[1]}")
    page.wait_for_timeout(120)  # two draws of the page at least (20 a second while training)
    assert pixels(page, "state-space")["checksum"] == space[0]["checksum"]
    by_id(page, "state-space").scroll_into_view_if_needed()
    redrawn(page, "state-space", space[0]["checksum"])
    assert status(page)["phase"] == "training"
    # Saved as a file while off screen, a chart is drawn as the run is now, not as it left the screen.
    chart = pixels(page, "loss-chart")
    page.wait_for_function(f"window.rnnDemo.status().step > {status(page)['step'] + 20}")
    assert pixels(page, "loss-chart")["checksum"] == chart["checksum"]
    with page.expect_download():
        by_id(page, "png-loss-chart").dispatch_event("click")  # pressed without scrolling: the chart stays off screen
    assert pixels(page, "loss-chart")["checksum"] != chart["checksum"]
    by_id(page, "train-toggle").click()
    assert status(page)["phase"] == "paused"  # the click's own handler, not a later frame


def test_phone_layout_has_no_sideways_scroll_and_labelled_controls(browser, base_url):
    context = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=2, bypass_csp=True)
    page = context.new_page()
    open_app(page, base_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('main input, main select')]
              .filter(el => el.labels.length === 0).map(el => el.id)"""
    )
    assert unlabelled == []
    buttons = page.evaluate("() => [...document.querySelectorAll('button')].map(b => b.innerText.trim())")
    assert all(buttons)
    # Sharp on a 2x screen: the canvas backing store is twice its CSS size.
    size = page.evaluate(
        "(() => { const c = document.querySelector('[data-testid=loss-chart]'); return [c.width, c.clientWidth]; })()"
    )
    assert size[0] == 2 * size[1]
    context.close()


def test_status_api_reports_the_documented_fields(app):
    state = status(app)
    for key in ("phase", "step", "loss", "exactMatch", "stepsPerSecond", "config"):
        assert key in state
    json.dumps(state["config"])


def test_pause_and_reset_take_effect_at_once_even_while_a_step_takes_a_minute(page, base_url, watch):
    # One step of this network takes about a minute in the browser.
    open_app(page, base_url, "#hidden=1024&bits=32&batch_size=512")
    by_id(page, "train-toggle").click()
    # A step slower than 100 ms brings up a standby Python, so the busy one can be ended.
    page.wait_for_function("window.rnnDemo.status().standby === 'ready'", timeout=60_000)
    assert status(page)["step"] == 0 and status(page)["pending"] > 0
    expect(by_id(page, "status")).to_contain_text("current step running")

    # Neither waits for the step in flight: each takes effect while it still has most of a minute to run.
    by_id(page, "train-toggle").click()
    assert status(page)["phase"] == "paused"
    by_id(page, "field-hidden").fill("16")
    by_id(page, "field-hidden").dispatch_event("change")
    by_id(page, "reset-button").click()
    page.wait_for_function(
        "window.rnnDemo.status().config.hidden === 16 && window.rnnDemo.status().phase === 'ready'", timeout=15_000
    )
    assert "hidden=16&" in page.evaluate("location.hash")

    by_id(page, "train-toggle").click()
    page.wait_for_function("window.rnnDemo.status().step >= 20", timeout=10_000)
    assert status(page)["config"]["batch_size"] == 512  # the other fields stay as they were
    assert watch.errors == [] and watch.outside == []
