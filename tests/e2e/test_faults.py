"""Faults on purpose: broken start-up files, invalid links and questions, the security policy."""

import json

import pytest
from conftest import PageWatch, open_app, poll, status, wait_for_phase
from playwright.sync_api import expect
from rnnadd import saved
from test_page import by_id


def error_within(page, seconds: float) -> str:
    page.wait_for_function("!document.querySelector('[data-testid=error-view]').hidden", timeout=int(seconds * 1000))
    assert page.get_by_test_id("error-title").inner_text() == "The page could not start"
    return page.get_by_test_id("error-message").inner_text()


@pytest.mark.parametrize("module", ["js/state.js", "js/trainer.js", "js/app.js"])
def test_a_missing_module_of_the_page_itself_is_named_within_10_s(page, base_url, module):
    page.route(f"**/{module}", lambda route: route.fulfill(status=404, body="not found"))
    page.goto(base_url)
    message = error_within(page, 10)
    assert f"{module} (HTTP 404)" in message
    assert page.get_by_test_id("loading").is_hidden()


def test_a_module_with_a_syntax_error_is_named(page, base_url):
    page.route(
        "**/js/answer.js", lambda route: route.fulfill(status=200, content_type="text/javascript", body="export {")
    )
    page.goto(base_url)
    assert "js/answer.js" in error_within(page, 10)


def test_a_corrupted_wheel_is_called_corrupted_not_failed_to_fetch(page, base_url, site_dir):
    lock = json.loads((site_dir / "pyodide" / "pyodide-lock.json").read_text())
    name = lock["packages"]["rnnadd"]["file_name"]
    data = bytearray((site_dir / "pyodide" / name).read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped
    page.route(f"**/pyodide/{name}", lambda route: route.fulfill(status=200, body=bytes(data)))
    page.goto(base_url)
    state = wait_for_phase(page, "error", "ready", timeout=10_000 + 20_000)  # the runtime itself takes seconds
    assert state["phase"] == "error"
    message = page.get_by_test_id("error-message").inner_text()
    assert f"pyodide/{name} is corrupted or replaced" in message and lock["packages"]["rnnadd"]["sha256"] in message


def test_an_invalid_shared_link_stays_as_given_and_echoes_each_value(app, booted, base_url):
    page, watch = booted
    link = "#hidden=5000&activation=softmax&seed=3"
    page.goto("about:blank")  # the link loaded, as a visitor opens it
    open_app(page, base_url, link)
    expect(by_id(page, "error-hidden")).to_contain_text('hidden must be a whole number from 1 to 1024, got "5000"')
    expect(by_id(page, "error-activation")).to_contain_text(
        'activation must be one of sigmoid, tanh, relu, got "softmax"'
    )
    expect(by_id(page, "field-activation")).to_have_value("softmax")
    assert page.evaluate("location.hash") == link  # kept until fixed or reset
    assert status(page)["config"]["hidden"] == 16  # meanwhile the defaults train
    by_id(page, "train-toggle").click()
    page.wait_for_function("window.rnnDemo.status().step >= 3")
    assert page.evaluate("location.hash") == link
    by_id(page, "field-hidden").fill("12")
    by_id(page, "field-activation").select_option("tanh")
    by_id(page, "reset-button").click()
    page.wait_for_function("window.rnnDemo.status().config.hidden === 12")
    assert "hidden=12&" in page.evaluate("location.hash") and "seed=3" in page.evaluate("location.hash")
    assert watch.errors == [] and watch.csp_violations() == []


def test_a_refused_question_clears_the_previous_answer(app):
    by_id(app, "ask-button").click()
    expect(by_id(app, "ask-result")).to_contain_text("50 + 3")
    by_id(app, "ask-a").fill("\u00b2")
    by_id(app, "ask-button").click()
    expect(by_id(app, "ask-error")).to_contain_text(
        "a must be a whole number from 0 to 18446744073709551615 (2^64 - 1), got '\u00b2'"
    )
    assert by_id(app, "ask-result").inner_text() == ""
    by_id(app, "ask-a").fill(str(2**64 - 1))
    by_id(app, "ask-b").fill("0")
    by_id(app, "ask-button").click()
    expect(by_id(app, "ask-result")).to_contain_text(f"{2**64 - 1} + 0")


def test_nothing_breaks_the_security_policy_from_start_to_error(browser, base_url, tmp_path):
    # The policy enforced, as a visitor has it; no offline cache, so that a file can be made to fail.
    context = browser.new_context(accept_downloads=True, service_workers="block")
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(base_url)
    poll(page, "window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=90)
    assert page.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content").startswith(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
    )
    by_id(page, "train-toggle").click()
    poll(page, "window.rnnDemo.status().phase === 'solved'")
    with page.expect_download() as download:
        by_id(page, "save-button").click()
    path = tmp_path / "saved.json"
    download.value.save_as(path)
    by_id(page, "load-file").set_input_files(str(path))
    by_id(page, "ask-button").click()
    poll(page, "document.querySelector('[data-testid=ask-result]').textContent.includes('right')")
    # The policy holds: an inline script is refused, and the page reports it.
    page.evaluate("document.body.append(Object.assign(document.createElement('script'), {textContent: '1'}))")
    poll(page, "window.cspViolations.length === 1")
    assert watch.csp_violations() == ["script-src-elem inline"]
    assert [e for e in watch.errors if "Content Security Policy" not in e] == []

    broken = context.new_page()
    broken_watch = PageWatch(broken)
    broken.route("**/pyodide/python_stdlib.zip", lambda route: route.fulfill(status=404, body="not found"))
    broken.goto(base_url)
    poll(broken, "window.rnnDemo && window.rnnDemo.status().phase === 'error'", timeout=60)
    assert broken.get_by_test_id("error-view").is_visible()
    assert broken_watch.csp_violations() == []
    context.close()


def test_a_file_larger_than_any_session_is_refused_before_it_reaches_python(app, tmp_path):
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(400_000_000)  # sparse: costs no disk
    before = status(app)
    wasm = app.evaluate("window.rnnDemo.memory().wasmBytes")
    by_id(app, "load-file").set_input_files(str(huge))
    expect(by_id(app, "load-error")).to_contain_text(
        "huge.json: not a saved session: 400,000,000 bytes, "
        f"more than any saved session ({saved.largest_bytes():,} bytes)."
    )
    assert app.evaluate("window.rnnDemo.memory().wasmBytes") == wasm
    after = status(app)
    assert (after["step"], after["config"]) == (before["step"], before["config"])
