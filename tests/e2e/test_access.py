"""Everyone can read it: an automated accessibility audit (axe-core, from the test run's
node_modules, never part of the site) in the light and the dark theme, while loading, training
and solved; the lines that follow a run are read out once it stops; the dark theme follows the
system's; every canvas says what it shows."""

import re

import pytest
from conftest import ROOT, settle
from playwright.sync_api import expect
from test_page import by_id, pixels

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AUDIT_JS = """() => axe.run(document, { resultTypes: ["violations"] }).then((result) =>
  result.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`))"""


FOLLOWING_THE_RUN = ["status", "timeline-label", "bit-summary"]


def audit(page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(AUDIT_JS)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_problems_loaded_training_and_solved(app, base_url, scheme):
    page = app
    page.emulate_media(color_scheme=scheme)
    page.goto("about:blank")
    page.goto(base_url)
    page.wait_for_function("window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=90_000)
    assert audit(page) == []
    by_id(page, "speed").select_option("1")
    by_id(page, "train-toggle").click()
    page.wait_for_function("window.rnnDemo.status().step >= 10")
    assert audit(page) == []
    # The lines that follow the run step by step are not read out while it trains, only once it stops.
    for line in FOLLOWING_THE_RUN:
        expect(by_id(page, line)).to_have_attribute("aria-live", "off")
    by_id(page, "speed").select_option("max")
    page.wait_for_function("window.rnnDemo.status().phase === 'solved'", timeout=60_000)
    settle(page)
    page.wait_for_function("window.rnnDemo.explanation() !== null")
    assert audit(page) == []
    for line in FOLLOWING_THE_RUN:
        expect(by_id(page, line)).to_have_attribute("aria-live", "polite")
    expect(by_id(page, "status")).to_contain_text("solved at step")
    # Described on the next animation frame: expect() waits for it.
    expect(by_id(page, "accuracy-chart")).to_have_attribute(
        "aria-label", re.compile(r"^Accuracy chart: exact-match 100\.0% \(all pairs\)")
    )
    step = page.evaluate("window.rnnDemo.status().step")
    bits = f"Bit panel, now (step {step}): 8 of 8 problems right"
    expect(by_id(page, "bit-view")).to_have_attribute("aria-label", bits)
    expect(by_id(page, "machine-view")).to_have_attribute("aria-label", re.compile("This machine is binary addition"))


def test_the_dark_theme_follows_the_system_and_redraws_the_canvases(app, base_url):
    page = app
    drawn = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)  # the system's setting when the page loads
        page.goto("about:blank")
        page.goto(base_url)
        page.wait_for_function("window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=90_000)
        page.wait_for_timeout(100)
        drawn[scheme] = (
            page.evaluate("getComputedStyle(document.documentElement).backgroundColor"),
            pixels(page, "bit-view")["checksum"],
        )
        if scheme == "dark":  # and back, as when the system's setting changes while the page is open
            page.emulate_media(color_scheme="light")
            page.wait_for_timeout(100)
            assert pixels(page, "bit-view")["checksum"] == drawn["light"][1]
    assert drawn["light"][0] == "rgb(245, 246, 249)" and drawn["dark"][0] == "rgb(17, 20, 26)"
    assert drawn["light"][1] != drawn["dark"][1]
