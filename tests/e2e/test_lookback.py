"""Looking back through training: the timeline slider, Play, Live, and links with &at."""

import numpy as np
from conftest import open_app, settle, status
from playwright.sync_api import expect
from rnnadd import Config, Session
from test_blackbox import EXPLAINED_WIDE
from test_compare import colored
from test_page import by_id, losses, pixels, train_until

CURSOR = (179, 38, 30)  # the charts' cursor at the step looked back at


def solve(app) -> int:
    train_until(app, "window.rnnDemo.status().phase === 'solved'")
    return settle(app)["step"]


def scrub_to(app, step: int) -> None:
    """Move the slider to a kept step, as a drag would."""
    index = app.evaluate("window.rnnDemo.timeline().kept").index(step)
    by_id(app, "timeline-slider").fill(str(index))
    app.wait_for_function(f"window.rnnDemo.timeline().at === {step}")


def panel_at(app, step: int) -> list[dict]:
    summary = "document.querySelector('[data-testid=bit-summary]').innerText"
    app.wait_for_function(f"{summary}.startsWith('at step {step} of')")
    return app.evaluate("window.rnnDemo.panel()")


def test_scrubbing_back_shows_every_view_as_the_network_was_then(app):
    solved = solve(app)
    live = pixels(app, "bit-view")
    assert app.evaluate("window.rnnDemo.timeline().kept") == list(range(solved + 1))  # every early step kept
    scrub_to(app, 5)
    rows = panel_at(app, 5)
    then = Session(Config())
    then.step(5)
    for row in rows:  # the numbers are the network's at step 5
        np.testing.assert_allclose(row["probs"], then.probabilities(int(row["a"]), int(row["b"])), rtol=1e-9)
    summary = by_id(app, "bit-summary").inner_text()
    assert summary.startswith(f"at step 5 of {solved}: ") and not summary.endswith("8 of 8 problems right")
    app.wait_for_timeout(100)  # drawn on the next animation frame
    assert pixels(app, "bit-view")["checksum"] != live["checksum"]
    assert colored(app, "loss-chart", CURSOR) > 20
    expect(by_id(app, "timeline-label")).to_have_text(f"Showing the network at step 5 of {solved}.")
    expect(app.locator("[data-at]").first).to_have_text(f"at step 5 of {solved}")

    by_id(app, "ask-button").click()  # Ask answers as the network was then: 50 + 3
    answer = then.ask(50, 3).answer
    expect(by_id(app, "ask-result")).to_contain_text(f"network: {answer:08b} = {answer}")
    # The machine too, once the position rests.
    app.wait_for_function(f"{EXPLAINED_WIDE} && window.rnnDemo.explanation().step === 5")
    assert not app.evaluate("window.rnnDemo.explanation()")["equivalent"]

    by_id(app, "timeline-slider").focus()
    app.keyboard.press("ArrowLeft")
    app.wait_for_function("window.rnnDemo.timeline().at === 4")
    scrub_to(app, solved)
    panel_at(app, solved)
    expect(by_id(app, "bit-summary")).to_have_text(f"at step {solved} of {solved}: 8 of 8 problems right")
    by_id(app, "live-button").click()
    app.wait_for_function("window.rnnDemo.timeline().at === null")
    expect(by_id(app, "timeline-label")).to_contain_text(f"Now: step {solved}.")
    assert "at=" not in app.evaluate("location.hash")
    assert status(app)["step"] == solved  # looking back trained nothing


LOOK_EVERY_FRAME_JS = """() => {
  window.seenAt = [];
  const look = () => {
    if (window.rnnDemo.timeline().playing) window.seenAt.push(window.rnnDemo.timeline().at);
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}"""


def test_play_replays_the_run_to_solved(app):
    """Play walks forward through the kept steps from the run's start and stops at solved.
    How long it takes (about 3 s) is bench/pacing.py's figure: a busy machine moves it."""
    solved = solve(app)
    kept = app.evaluate("window.rnnDemo.timeline().kept")
    # Every frame's position, recorded in the page: polling from here misses frames on a busy machine.
    app.evaluate(LOOK_EVERY_FRAME_JS)
    by_id(app, "play-button").click()
    app.wait_for_function("window.rnnDemo.timeline().playing")
    app.wait_for_function("!window.rnnDemo.timeline().playing", timeout=60_000)
    seen = app.evaluate("window.seenAt.filter((at) => at !== null)")
    assert app.evaluate("window.rnnDemo.timeline().at") == solved
    assert seen == sorted(seen) and set(seen) <= set(kept)  # forward only, through kept steps
    assert min(seen) < 5 and len(set(seen)) > 2  # it walked through the run from its start
    panel_at(app, solved)


def test_a_link_with_at_trains_to_that_step_and_shows_what_scrubbing_shows(app, browser, base_url):
    solve(app)
    scrub_to(app, 20)
    scrubbed = panel_at(app, 20)
    app.wait_for_timeout(100)
    drawn = pixels(app, "bit-view")
    link = app.evaluate("location.hash")
    assert link.endswith("&at=20")

    other = browser.new_page(bypass_csp=True)
    other.goto(base_url + link)  # it trains as soon as it is ready
    other.wait_for_function("window.rnnDemo && window.rnnDemo.timeline().at === 20", timeout=90_000)
    state = settle(other)
    assert (state["step"], state["phase"]) == (20, "paused")
    assert panel_at(other, 20) == scrubbed
    other.wait_for_timeout(100)
    assert pixels(other, "bit-view")["checksum"] == drawn["checksum"]
    assert losses(other) == losses(app)[:20]  # the same curve to there
    assert other.evaluate("location.hash") == link
    other.close()

    open_app(app, base_url, "#at=lots")
    expect(by_id(app, "timeline-error")).to_have_text(
        'at must be a whole number from 0 to 1000000, got "lots"; showing the network now instead.'
    )


def test_looking_back_while_it_trains_changes_nothing_in_the_run(app):
    by_id(app, "speed").select_option("1")
    by_id(app, "train-toggle").click()
    app.wait_for_function("window.rnnDemo.status().step >= 12")
    scrub_to(app, 3)
    app.wait_for_function("window.rnnDemo.status().phase === 'solved'", timeout=60_000)
    state = settle(app)
    assert app.evaluate("window.rnnDemo.timeline().at") == 3  # still looking back
    cpython = Session(Config())
    expected = cpython.step(state["step"])
    np.testing.assert_allclose(losses(app), expected, rtol=1e-9, atol=0)
    assert state["solvedAt"] == 51  # the step the command line finds for seed 0
