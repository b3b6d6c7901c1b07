"""End-to-end fixtures: the built site served on 127.0.0.1, and Debian's Chromium.

`python3 build.py test` builds the site and names it in RNNADD_SITE; run alone,
these tests build it themselves.
"""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
BOOT_TIMEOUT_MS = 90_000


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site_dir() -> Path:
    if os.environ.get("RNNADD_SITE"):
        return Path(os.environ["RNNADD_SITE"])
    subprocess.run([sys.executable, ROOT / "build.py", "--out", ROOT / "dist"], check=True)
    return ROOT / "dist"


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> str:
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    chromium = os.environ.get("RNNADD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        # The last three stop Chromium calling out to its own services.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# Every Content-Security-Policy violation, as "directive blocked-URI", kept across reloads.
CSP_WATCH_JS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # Playwright's wait_for_function compiles its predicate with eval, which the page's
    # policy forbids; test_faults checks the policy itself in a context without this.
    # The offline cache (sw.js) stays out of every test but test_offline's: each test starts from nothing.
    return {**browser_context_args, "bypass_csp": True, "service_workers": "block"}


def poll(page, expression: str, timeout: float = 60) -> None:
    """wait_for_function for a page that enforces its policy: evaluate from here until true."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true after {timeout} s: {expression}"
        time.sleep(0.02)


class PageWatch:
    """Console errors, uncaught exceptions, any request that leaves 127.0.0.1 (its worker's too),
    and CSP violations. Requests are watched, not routed: routing passes each one through this
    process and turns off the HTTP cache (a boot 10-15% slower)."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)
        page.add_init_script(CSP_WATCH_JS)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.cspViolations")

    def _request(self, request) -> None:
        url = request.url
        if urlparse(url).hostname not in ("127.0.0.1", None) and not url.startswith("data:"):
            self.outside.append(url)


@pytest.fixture
def watch(page) -> PageWatch:
    return PageWatch(page)


def status(page) -> dict:
    return page.evaluate("window.rnnDemo.status()")


def wait_for_phase(page, *phases: str, timeout: int = 60_000) -> dict:
    page.wait_for_function(
        "phases => window.rnnDemo && phases.includes(window.rnnDemo.status().phase)", arg=list(phases), timeout=timeout
    )
    return status(page)


def settle(page) -> dict:
    """The status once every chunk sent to the training worker has come back (the views that
    follow a stop among them: a three-number task's machine takes tens of seconds on a busy machine)."""
    try:
        page.wait_for_function("window.rnnDemo.status().pending === 0", timeout=90_000)
    except PlaywrightTimeoutError:
        # One call running all along (busyMs near 90 s) or calls that keep coming (busyMs small).
        state = status(page)
        keys = ("phase", "step", "pending", "busyMs", "making", "standby", "error")
        raise AssertionError(f"calls still in flight after 90 s: { {key: state[key] for key in keys} }") from None
    return status(page)


def open_app(page, base_url: str, hash_: str = "") -> dict:
    url = base_url + hash_
    here, there = urlparse(page.url), urlparse(url)
    # A new hash in the page already open makes a new session there, no reload: wait for that
    # one, not the one it showed (still "ready" until the hashchange is handled). A link's
    # &at then trains on at once.
    rehashed = here._replace(fragment="") == there._replace(fragment="") and there.fragment not in ("", here.fragment)
    rehashed = rehashed and page.evaluate("!!window.rnnDemo")
    if rehashed:
        page.evaluate("() => { window.hashSeen = new Promise(seen => addEventListener('hashchange', seen)); }")
    page.goto(url)
    if rehashed:
        page.evaluate("window.hashSeen.then(() => null)")
        page.wait_for_function("!window.rnnDemo.status().making", timeout=BOOT_TIMEOUT_MS)
        state = status(page)
        assert state["phase"] != "error", state.get("error")
        return state
    state = wait_for_phase(page, "ready", "error", timeout=BOOT_TIMEOUT_MS)
    assert state["phase"] == "ready", state.get("error")
    return state


VIEWPORT = {"width": 1280, "height": 720}  # Playwright's default


@pytest.fixture(scope="session")
def process_page(browser, browser_context_args: dict):
    """The page every module's booted page is, in this process: Chromium keeps the runtime it
    compiled in the page's renderer, so that booting again there costs about 2 s of CPU, against 5
    in a new page."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    yield page, PageWatch(page)
    context.close()


@pytest.fixture(scope="module")
def booted(process_page, base_url: str):
    """One page per test module (and process), booted afresh for the module: booting Pyodide and
    NumPy costs seconds of CPU, a new session in a booted page 0.1 s."""
    page, watch = process_page
    if page.url.startswith(base_url):  # a new visit: nothing stored by the last module's
        page.evaluate("localStorage.clear(); sessionStorage.clear()")
    page.goto("about:blank")
    open_app(page, base_url)
    return page, watch


# The controls that outlive a session back to the values the page loads with, told to the page as
# a visitor's change would be (the speed, the Ask boxes); the messages a test left emptied; nothing
# stored. The form and the timeline follow the new session.
AS_LOADED_JS = """() => {
  for (const control of ["speed", "ask-a", "ask-b", "ask-c"].map((id) => document.getElementById(id))) {
    const select = control.tagName === "SELECT";
    const loaded = select ? [...control.options].find((o) => o.defaultSelected).value : control.defaultValue;
    if (control.value === loaded) continue;
    control.value = loaded;
    control.dispatchEvent(new Event("input", { bubbles: true }));
    control.dispatchEvent(new Event("change", { bubbles: true }));
  }
  for (const details of document.querySelectorAll("details")) details.open = false; // as loaded
  for (const id of ["ask-result", "ask-error", "load-error", "runs-error"]) {
    document.getElementById(id).replaceChildren();
  }
  localStorage.clear();
  sessionStorage.clear();
}"""


def afresh(page, base_url: str, reboot: bool) -> None:
    """The booted page as a new visit finds it: the defaults' new session, no runs kept, nothing
    stored, the default viewport and colours; booted again after a failed test, or if the last
    test left it elsewhere or in the embedded view."""
    page.set_viewport_size(VIEWPORT)
    page.emulate_media(color_scheme="light")
    alive = (
        not reboot
        and page.url.startswith(base_url)
        and page.evaluate(
            "!!window.rnnDemo && !['error', 'loading'].includes(window.rnnDemo.status().phase)"
            " && !document.body.classList.contains('embed')"
        )
    )
    if not alive:
        page.goto("about:blank")
        open_app(page, base_url)
        return
    page.keyboard.press("Escape")  # a tour ends
    page.evaluate(AS_LOADED_JS)
    # The views the last test left running (a three-number task's machine: tens of seconds on a
    # busy machine) would hold up the new session, which waits for the calls in flight; a run
    # still training stops at the new session's next chunk.
    idle = "(s => s.pending === 0 || s.phase === 'training')(window.rnnDemo.status())"
    page.wait_for_function(idle, timeout=120_000)
    open_app(page, base_url, "#seed=0")
    state = wait_for_phase(page, "ready", "error")
    assert state["phase"] == "ready", state.get("error")
    page.get_by_test_id("runs-clear").click()  # after the last session ended, which keeps its run
    # The problem picked for the hidden-state view stays across sessions: asked for, 5 + 5 is again.
    if page.evaluate("(view => !view || view.a !== '5' || view.b !== '5')(window.rnnDemo.hiddenView())"):
        page.get_by_test_id("ask-a").fill("5")
        page.get_by_test_id("ask-b").fill("5")
        page.get_by_test_id("ask-button").click()
        page.wait_for_function("window.rnnDemo.hiddenView()?.a === '5' && window.rnnDemo.hiddenView()?.b === '5'")
        page.evaluate(AS_LOADED_JS)
    page.evaluate("window.scrollTo(0, 0); document.activeElement?.blur()")


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.session.stash[FAILED] = True
    return report


@pytest.fixture
def app(booted, base_url, request):
    """The module's booted page with a new session of the defaults, ready; afterwards, no console
    errors and nothing fetched from elsewhere."""
    page, watch = booted
    afresh(page, base_url, reboot=request.session.stash.get(FAILED, False))
    request.session.stash[FAILED] = False
    watch.errors.clear()
    watch.outside.clear()
    yield page
    assert watch.errors == []
    assert watch.outside == []
    assert watch.outside == []
