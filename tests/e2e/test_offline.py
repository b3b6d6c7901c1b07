"""Offline after the first visit: the site's files kept by a service worker, per build."""

import functools
import http.server
import importlib.util
import shutil
import threading
import time

import pytest
from conftest import ROOT, QuietHandler, settle, status
from playwright.sync_api import expect
from test_page import by_id

spec = importlib.util.spec_from_file_location("build", ROOT / "build.py")
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)


SERVED: list[str] = []  # every path the server answered


class CountingHandler(QuietHandler):
    def log_message(self, *args) -> None:
        SERVED.append(self.path)


@pytest.fixture
def own_site(site_dir, tmp_path):
    """A copy of the built site on its own server, to rebuild without touching the others'."""
    site = tmp_path / "site"
    shutil.copytree(site_dir, site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def booted(page) -> None:
    page.wait_for_function("window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=90_000)


def test_after_one_visit_the_page_works_with_no_network(browser, own_site):
    site, url = own_site
    context = browser.new_context(bypass_csp=True, service_workers="allow")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    booted(page)
    page.wait_for_function("window.rnnDemo.offline().cache !== null", timeout=60_000)
    expect(by_id(page, "offline-note")).to_have_text("Kept in this browser: the page also opens without a network.")
    cache = page.evaluate("window.rnnDemo.offline().cache")
    assert cache == f"rnnadd-{build.write_service_worker(site)}"  # named after this build's content

    context.set_offline(True)
    SERVED.clear()
    page.reload()
    booted(page)
    assert page.evaluate("window.rnnDemo.offline().controlled")
    by_id(page, "train-toggle").click()
    page.wait_for_function("window.rnnDemo.status().phase === 'solved'", timeout=60_000)
    settle(page)
    by_id(page, "ask-button").click()
    expect(by_id(page, "ask-result")).to_contain_text("= 53 right")
    # Nothing the page uses came from the server. The browser's own check for a newer sw.js is
    # not the page's (Playwright's offline mode does not cover it; a real offline browser fails it).
    assert [path for path in SERVED if path != "/sw.js"] == [] and errors == []
    assert status(page)["error"] is None
    context.close()


def test_a_new_build_replaces_the_kept_files_on_the_next_visit(browser, own_site):
    site, url = own_site
    context = browser.new_context(bypass_csp=True, service_workers="allow")
    page = context.new_page()
    page.goto(url)
    booted(page)
    page.wait_for_function("window.rnnDemo.offline().cache !== null", timeout=60_000)
    first = page.evaluate("window.rnnDemo.offline().cache")

    with (site / "style.css").open("a") as css:
        css.write("\n/* a new build */\n")
    second = f"rnnadd-{build.write_service_worker(site)}"
    assert second != first
    page.reload()
    booted(page)
    # The page asks for the new sw.js on its own; the old cache goes once the new one is in place.
    # (A promise is not awaited by wait_for_function, so the caches are polled from here.)
    deadline = time.monotonic() + 60
    while page.evaluate("caches.keys()") != [second]:
        assert time.monotonic() < deadline, f"the caches stayed {page.evaluate('caches.keys()')}"
        time.sleep(0.25)
    page.reload()
    booted(page)
    served = page.evaluate("fetch('style.css').then(response => response.text())")
    assert served.endswith("/* a new build */\n")
    context.close()
