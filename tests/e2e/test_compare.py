"""Runs kept and compared: overlaid in the charts, listed in a table, kept across reloads."""

import json

from conftest import open_app, settle, status
from playwright.sync_api import expect
from rnnadd import cli
from test_page import by_id, train_until

COLOR_COUNT_JS = """([id, rgb]) => {
  const canvas = document.querySelector(`[data-testid="${id}"]`);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let near = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 30) near += 1;
  }
  return near;
}"""
CURRENT = (43, 108, 176)  # the chart's own blue
FIRST_KEPT = (230, 159, 0)  # the first colour for kept runs


def colored(page, testid: str, rgb) -> int:
    return page.evaluate(COLOR_COUNT_JS, [testid, list(rgb)])


def rows(page) -> list[str]:
    return [row.inner_text().strip() for row in page.get_by_test_id("run-row").all()]


def test_two_runs_overlay_and_stay_after_a_reload_until_cleared(app, base_url, tmp_path):
    app.evaluate("localStorage.clear()")
    train_until(app, "window.rnnDemo.status().phase === 'solved'")
    settle(app)
    expect(by_id(app, "run-row")).to_have_count(1)
    assert colored(app, "loss-chart", FIRST_KEPT) == 0  # nothing to compare with yet

    # A second run stopped at step 60, before it solves (at 129): a link's step, which no click
    # races on a busy machine, where one chunk may carry a run from step 40 past its solved step.
    open_app(app, base_url, "#activation=sigmoid&at=60")
    app.wait_for_function("window.rnnDemo.status().phase === 'paused' && window.rnnDemo.status().step === 60")
    settle(app)
    expect(by_id(app, "run-row")).to_have_count(2)
    tanh_row, sigmoid_row = rows(app)
    assert tanh_row.startswith("activation tanh") and sigmoid_row.startswith("activation sigmoid")
    assert tanh_row.split("\t")[1] == str(app.evaluate("JSON.parse(localStorage['rnnadd-runs'])[0].solvedAt"))
    for chart in ("loss-chart", "accuracy-chart"):
        assert colored(app, chart, FIRST_KEPT) > 50, chart  # the kept tanh run
    assert colored(app, "loss-chart", CURRENT) > 50  # this sigmoid run

    by_id(app, "run-show").first.uncheck()  # any kept run can leave the charts, and come back
    app.wait_for_timeout(100)
    assert colored(app, "loss-chart", FIRST_KEPT) == 0
    by_id(app, "run-show").first.check()
    app.wait_for_timeout(100)
    assert colored(app, "loss-chart", FIRST_KEPT) > 50

    by_id(app, "run-row").first.click()
    expect(by_id(app, "run-link")).to_contain_text("activation=tanh")

    with app.expect_download() as download:
        by_id(app, "runs-json").click()
    exported = json.loads(download.value.path().read_text())
    assert [run["config"]["activation"] for run in exported] == ["tanh", "sigmoid"]
    with app.expect_download() as download:
        by_id(app, "runs-csv").click()
    csv = download.value.path().read_text().splitlines()
    assert csv[0].startswith("run,task,bits,cell,hidden,activation")
    assert len(csv) == 1 + sum(len(run["loss"]["steps"]) + len(run["exact"]["steps"]) for run in exported)

    open_app(app, base_url)  # a new visit: a new session, the kept runs still there
    expect(by_id(app, "run-row")).to_have_count(2)

    log = tmp_path / "cli-run.json"
    assert cli.main(["train", "--seed", "4", "--hidden", "12", "--log", str(log)]) == 0
    by_id(app, "runs-load").set_input_files(str(log))
    expect(by_id(app, "run-row")).to_have_count(3)
    assert any("seed 4" in row and "hidden 12" in row for row in rows(app))

    by_id(app, "runs-clear").click()
    expect(by_id(app, "run-row")).to_have_count(0)
    app.reload()
    app.wait_for_function("window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=90_000)
    expect(by_id(app, "run-row")).to_have_count(0)
    assert status(app)["step"] == 0


def test_without_storage_runs_are_kept_for_the_visit_with_a_notice(browser, base_url):
    context = browser.new_context(bypass_csp=True)
    context.add_init_script("Object.defineProperty(window, 'localStorage', { get() { throw new Error('denied'); } })")
    page = context.new_page()
    open_app(page, base_url)
    expect(by_id(page, "runs-notice")).to_be_visible()
    train_until(page, "window.rnnDemo.status().phase === 'solved'")
    expect(by_id(page, "run-row")).to_have_count(1)
    context.close()


def notebook_losses(page, link: str, epochs: int) -> list[float]:
    open_app(page, base_url_of(page) + link)
    by_id(page, "speed").select_option("25")
    train_until(page, f"window.rnnDemo.status().step >= {epochs} || window.rnnDemo.status().phase === 'solved'")
    if status(page)["phase"] == "training":
        by_id(page, "train-toggle").click()
    settle(page)
    history = page.evaluate("window.rnnDemo.lossHistory()")
    return history["ys"][:epochs]


def base_url_of(page) -> str:
    return page.url.split("#")[0]


def test_the_notebook_as_written_stays_flat_and_each_fix_changes_its_curve(app):
    expect(by_id(app, "field-notebook")).not_to_be_checked()
    as_written = notebook_losses(app, "#notebook=&seed=0", 600)
    assert app.evaluate("location.hash") == "#notebook=&seed=0"
    assert as_written[0] == 0.38625409931722154  # the notebook's own first printed error
    assert 0.1 < sum(as_written[-200:]) / 200 < 0.3  # flat: it does not learn
    assert not status(app)["exactAllPairs"]
    expect(by_id(app, "field-notebook")).to_be_checked()
    expect(by_id(app, "save-button")).to_be_disabled()
    for fix in ("output_gradient", "derivatives", "biases"):
        fixed = notebook_losses(app, f"#notebook={fix}&seed=0", 300)
        assert fixed[0] == as_written[0] and fixed[1:300] != as_written[1:300], fix
        expect(by_id(app, f"fix-{fix}")).to_be_checked()
    by_id(app, "run-row").first.click()  # a kept replay's link replays it
    expect(by_id(app, "run-link")).to_contain_text("#notebook=&seed=0")


def test_the_notebook_with_every_fix_learns_to_add(app):
    by_id(app, "field-notebook").check()
    for fix in ("output_gradient", "derivatives", "biases"):
        by_id(app, f"fix-{fix}").check()
    by_id(app, "reset-button").click()
    app.wait_for_function("location.hash.startsWith('#notebook=output_gradient,derivatives,biases')")
    state = train_until(app, "window.rnnDemo.status().phase === 'solved'", timeout=120_000)
    assert state["exactAllPairs"] and state["solvedAt"] <= 20_000
    by_id(app, "ask-a").fill("50")
    by_id(app, "ask-b").fill("3")
    by_id(app, "ask-button").click()
    expect(by_id(app, "ask-result")).to_contain_text("= 53 right")
