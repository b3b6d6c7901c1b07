"""Performance of the page in real Chromium, side by side with CPython.

    .venv/bin/python bench/browser.py [--quick] [--busy] [--json bench/results/browser.json]

Builds the site, serves it on 127.0.0.1 gzipped (as static hosts do) with
bench/bare.html beside it, and measures, in one run:
1. start-up: navigation to ready and to the first loss point drawn, cold and
   after a reload with caches primed, beside a bare page that only boots the
   pinned Pyodide and loads its whole NumPy (the floor); the bytes a first visit
   transfers; and cold start-up again with the network slowed to 10 Mbit/s and
   40 ms latency;
2. raw training throughput in the browser beside CPython running the same
   package (batch 32, hidden 16, 8 bits), and each beside the careful plain
   NumPy RNN of bench/plain_rnn.py in the same runtime, in alternating rounds;
3. in-app throughput while the animation-frame loop trains and draws, in
   rounds alternating with the raw figure in the bare page (the app paused
   meanwhile), frame intervals and the longest task;
4. steps and milliseconds of training to 100% exact-match, default
   configuration, 5 seeds, in the browser and in CPython; and in the page, the
   wall time from pressing Train to "solved" and the step it reports, a fresh
   page per seed, Train pressed the moment the page is ready and a second
   later, alternating;
5. JS heap and wasm memory after 1,000 and after 100,000 steps in the page.

With --busy, a CPU-bound process of the benchmark's own keeps one of the
machine's cores busy throughout, as a visitor's other tabs do.
"""

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "py"), str(ROOT / "bench"), str(ROOT)]

import measure  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

import build  # noqa: E402

# The same measurement code runs in CPython here and, as source, in Pyodide.
MEASURE_PY = (ROOT / "bench" / "plain_rnn.py").read_text() + "\n" + (ROOT / "bench" / "measure.py").read_text()

LONG_TASKS_JS = """
window.longestTask = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.longestTask = Math.max(window.longestTask, entry.duration);
}).observe({ type: "longtask", buffered: true });
// ?press=N: press Train N ms after the page is ready (0: in the frame it becomes ready), and
// record in window.solved the milliseconds from the press to "solved" and the step it reports.
const pressDelay = new URLSearchParams(location.search).get("press");
if (pressDelay !== null) {
  const status = () => window.rnnDemo && window.rnnDemo.status();
  const finish = (pressedAt) => {
    if (status().phase === "solved") window.solved = { ms: performance.now() - pressedAt, solvedAt: status().solvedAt };
    else setTimeout(() => finish(pressedAt), 1);
  };
  const press = () => {
    const pressedAt = performance.now();
    document.querySelector('[data-testid="train-toggle"]').click();
    finish(pressedAt);
  };
  const watch = () => {
    if (status() && status().phase === "ready") setTimeout(press, Number(pressDelay));
    else requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}
"""


def floor_runtime() -> Path:
    """The pinned Pyodide runtime with its whole standard library and NumPy wheel, as the bare
    page loads them: the floor the page's trimmed runtime is measured against."""
    folder = build.CACHE / "floor"
    folder.mkdir(parents=True, exist_ok=True)
    runtime = build.fetch_runtime("npm")
    for name in build.RUNTIME_FILES:
        shutil.copyfile(runtime / name, folder / name)
    shutil.copyfile(build.fetch_numpy_wheel(None, "npm"), folder / build.NUMPY_WHEEL)
    return folder


class Handler(http.server.SimpleHTTPRequestHandler):
    """The site, and bench/bare.html beside it; under /floor/ the bare page with the floor runtime.
    Every file gzipped when the browser accepts it; `served` records each path's gzip size."""

    floor: ClassVar[Path]
    gzipped: ClassVar[dict[str, bytes]] = {}
    served: ClassVar[list[tuple[str, int]]] = []

    def translate_path(self, path: str) -> str:
        path = path.split("?")[0]
        if path in ("/bare.html", "/floor/bare.html"):
            return str(ROOT / "bench" / "bare.html")
        if path.startswith("/floor/pyodide/"):
            return str(self.floor / path.removeprefix("/floor/pyodide/"))
        return super().translate_path(path)

    def send_head(self):
        file = Path(self.translate_path(self.path))
        conditional = "If-Modified-Since" in self.headers  # the offline cache revalidating: a 304
        if conditional or "gzip" not in self.headers.get("Accept-Encoding", "") or not file.is_file():
            return super().send_head()
        body = self.gzipped.get(str(file))
        if body is None:
            body = self.gzipped[str(file)] = gzip.compress(file.read_bytes(), 6)
        if self.command == "GET":  # the page's HEAD checks transfer no body
            self.served.append((self.path.split("?")[0], len(body)))
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(file.stat().st_mtime)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args) -> None:
        pass


def serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    Handler.floor = floor_runtime()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/", server


@contextlib.contextmanager
def busy_core(busy: bool):
    """With busy, a CPU-bound process keeps one core busy until the block ends."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        yield
    finally:
        if spinner:
            spinner.kill()
            spinner.wait()


# Pages are opened with bypass_csp: Playwright's wait_for_function evaluates its predicate
# with eval, which the page's Content-Security-Policy forbids.
def launch(playwright):
    chromium = os.environ.get("RNNADD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return playwright.chromium.launch(
        executable_path=chromium,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-precise-memory-info",
            "--js-flags=--expose-gc",
        ],
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


# -- 1. start-up ------------------------------------------------------------------


# Chromium's network emulation for the slow-network rows: 10 Mbit/s each way, 40 ms latency.
SLOW_NETWORK = {"offline": False, "latency": 40, "downloadThroughput": 10e6 / 8, "uploadThroughput": 10e6 / 8}
PAGES = {"app": "?press=0", "bare": "floor/bare.html"}


def visit(browser, base: str, kind: str, network: dict | None = None) -> dict:
    """A first visit (a fresh context: empty caches) and a reload: ready times, and the bytes the first transferred."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.add_init_script(LONG_TASKS_JS)
    if network:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)
    row = {}
    for visit in ("cold", "primed"):
        Handler.served.clear()
        if visit == "cold":
            page.goto(base + PAGES[kind])
        else:
            page.reload()
        if kind == "app":
            page.wait_for_function("window.rnnDemo && window.rnnDemo.timings().firstLossDrawn", timeout=300_000)
            timings = page.evaluate("window.rnnDemo.timings()")
            row[visit] = {"ready": timings["ready"], "first_loss": timings["firstLossDrawn"]}
        else:
            page.wait_for_function("window.bareReady", timeout=300_000)
            row[visit] = {"ready": page.evaluate("window.bareReady")}
        if visit == "cold":
            page.wait_for_timeout(2000)  # the offline cache fills meanwhile: part of a first visit
            row["transfer_bytes"] = sum(size for _, size in Handler.served)
    context.close()
    return row


def startup(browser, base: str, runs: int) -> dict:
    """Each kind `runs` times, app and bare alternating; medians. Then cold, on the slow network."""
    rows = {kind: [] for kind in PAGES}
    for _ in range(runs):
        for kind in PAGES:
            rows[kind].append(visit(browser, base, kind))
    slow = {kind: [visit(browser, base, kind, SLOW_NETWORK) for _ in range(max(1, runs // 2))] for kind in PAGES}

    def med(sample: dict, visit: str, key: str) -> float:
        return median([row[visit][key] for row in sample])

    return {
        "cold_ms": {
            "app_ready": med(rows["app"], "cold", "ready"),
            "app_first_loss": med(rows["app"], "cold", "first_loss"),
            "bare_ready": med(rows["bare"], "cold", "ready"),
        },
        "primed_ms": {
            "app_ready": med(rows["app"], "primed", "ready"),
            "app_first_loss": med(rows["app"], "primed", "first_loss"),
            "bare_ready": med(rows["bare"], "primed", "ready"),
        },
        "slow_cold_ms": {
            "app_ready": med(slow["app"], "cold", "ready"),
            "bare_ready": med(slow["bare"], "cold", "ready"),
        },
        "transfer_mb": {kind: median([row["transfer_bytes"] for row in rows[kind]]) / 1e6 for kind in PAGES},
        "runs": runs,
    }


# -- 2. raw throughput, and 4. time to solve ------------------------------------


def open_bare(browser, base: str):
    page = browser.new_page(bypass_csp=True)
    page.goto(base + "bare.html")
    page.wait_for_function("window.bareReady", timeout=120_000)
    page.evaluate("async () => { await window.bench.loadPackage('rnnadd', { messageCallback: () => {} }); }")
    return page


def run_py(page, setup: str, expression: str):
    return page.evaluate(
        "([setup, expression]) => { window.bench.runPython(setup); "
        "const r = window.bench.runPython(expression); "
        "return r && r.toJs ? r.toJs({ dict_converter: Object.fromEntries }) : r; }",
        [setup, expression],
    )


def side_by_side(source: str, warm_up: str, calls: list[str]) -> dict[str, list]:
    """Each call of `source`'s functions in CPython and, in turn, in a bare page's Pyodide, on a
    fresh build: {"cpython": [...], "pyodide": [...]}. `warm_up` runs first in the page, so that
    the wasm engine has compiled the code fully before anything is timed."""
    subprocess.run([sys.executable, ROOT / "build.py", "--out", ROOT / "dist"], check=True)
    namespace: dict = {}
    exec(source, namespace)
    results: dict[str, list] = {"cpython": [], "pyodide": []}
    base, server = serve(ROOT / "dist")
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        page = open_bare(chromium, base)
        run_py(page, source, warm_up)
        for call in calls:
            results["cpython"].append(eval(call, namespace))
            results["pyodide"].append(run_py(page, source, call))
        chromium.close()
    server.shutdown()
    return results


def throughput(page, rounds: int, seconds: float) -> dict:
    run_py(page, MEASURE_PY, "steps_per_second(3.0)")  # let the wasm engine tier up
    run_py(page, MEASURE_PY, "plain_steps_per_second(1.0)")
    rates = {"browser": [], "cpython": [], "browser_plain": [], "cpython_plain": []}
    for _ in range(rounds):
        rates["cpython"].append(measure.steps_per_second(seconds))
        rates["browser"].append(run_py(page, MEASURE_PY, f"steps_per_second({seconds})"))
        rates["cpython_plain"].append(measure.plain_steps_per_second(seconds))
        rates["browser_plain"].append(run_py(page, MEASURE_PY, f"plain_steps_per_second({seconds})"))
    rate = {name: median(values) for name, values in rates.items()}
    return {
        "browser_steps_per_s": rate["browser"],
        "cpython_steps_per_s": rate["cpython"],
        "ratio": rate["browser"] / rate["cpython"],
        "browser_plain_steps_per_s": rate["browser_plain"],
        "cpython_plain_steps_per_s": rate["cpython_plain"],
        "browser_to_plain": rate["browser"] / rate["browser_plain"],
        "cpython_to_plain": rate["cpython"] / rate["cpython_plain"],
    }


def time_to_solve(page, rounds: int) -> dict:
    """Each seed's training time to solved (checks not timed), the median of `rounds` runs."""

    def best_of(solve) -> list[dict]:
        runs = [[solve(seed) for seed in range(5)] for _ in range(rounds)]
        return [{**by_seed[0], "ms": median([run["ms"] for run in by_seed])} for by_seed in zip(*runs, strict=True)]

    return {
        "browser": best_of(lambda seed: run_py(page, MEASURE_PY, f"time_to_solve({seed})")),
        "cpython": best_of(measure.time_to_solve),
    }


def train_to_solved(browser, base: str, rounds: int, seeds: int = 5) -> list[dict]:
    """Each seed `rounds` times in a fresh page, Train pressed the moment the page is ready ("at once")
    and a second later ("later"), alternating, each first in turn: single runs swing by half when busy."""
    rows = []
    for round_ in range(rounds):
        for seed in range(seeds):
            order = [("at once", 0), ("later", 1000)]
            for press, delay in order if (round_ + seed) % 2 == 0 else order[::-1]:
                page = browser.new_page(bypass_csp=True)
                page.add_init_script(LONG_TASKS_JS)
                page.goto(f"{base}?press={delay}#seed={seed}")
                page.wait_for_function("window.solved", timeout=120_000)
                rows.append({"seed": seed, "press": press, **page.evaluate("window.solved")})
                page.close()
    return rows


# -- 3. in-app throughput and frames, 5. memory ---------------------------------------


def keep_training(page) -> None:
    """Press Train whenever the page stops (it pauses itself once solved)."""
    if page.evaluate("window.rnnDemo.status().phase") in ("ready", "paused", "solved"):
        page.get_by_test_id("train-toggle").dispatch_event("click")  # a click would scroll to the button


def in_app(browser, base: str, bare, rounds: int, seconds: float, charts: bool = False) -> dict:
    """In-app steps/s, in rounds alternating with the raw figure in the bare page (app paused):
    with the page's top on screen, where Train is, or (`charts`) scrolled down to the charts, as
    a visitor watching them (the loss chart, the bit panel and the accuracy chart on screen)."""
    page = browser.new_page(bypass_csp=True)
    page.add_init_script(LONG_TASKS_JS)
    page.goto(base)
    page.wait_for_function("window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=120_000)
    if charts:
        page.evaluate("document.getElementById('loss-chart').scrollIntoView({block: 'start'})")
    keep_training(page)
    page.wait_for_function("window.rnnDemo.status().phase === 'solved'", timeout=60_000)
    # Pressed again once the run's milestones are found (its limits last), as a visitor reading
    # them would: pressed at once, the page tests them while training, which is not training.
    page.wait_for_function("window.rnnDemo.status().milestones.some((m) => m.name === 'limits')", timeout=60_000)
    keep_training(page)
    # The worker's wasm code tiers up more slowly than the bare page's, because the page's
    # own thread competes for the two cores meanwhile: measure once it has (~15 s seen).
    page.wait_for_timeout(15_000)
    page.evaluate("window.longestTask = 0")
    app_rates, raw_rates = [], []
    for _ in range(rounds):
        step0, t0 = page.evaluate("[window.rnnDemo.status().step, performance.now()]")
        page.wait_for_timeout(seconds * 1000)
        step1, t1 = page.evaluate("[window.rnnDemo.status().step, performance.now()]")
        app_rates.append((step1 - step0) * 1000 / (t1 - t0))
        intervals, longest = page.evaluate("[window.rnnDemo.frameIntervals(), window.longestTask]")
        page.get_by_test_id("train-toggle").click()  # pause, so the raw figure has the machine to itself
        page.wait_for_function("window.rnnDemo.status().pending === 0")
        raw_rates.append(run_py(bare, MEASURE_PY, f"steps_per_second({seconds})"))
        keep_training(page)
        page.wait_for_timeout(1000)
    page.close()
    intervals.sort()
    return {
        "steps_per_s": median(app_rates),
        "raw_steps_per_s": median(raw_rates),
        "ratio_to_raw": median(app_rates) / median(raw_rates),
        "frame_p50_ms": intervals[len(intervals) // 2],
        "frame_p95_ms": intervals[int(0.95 * (len(intervals) - 1))],
        "frame_max_ms": intervals[-1],
        "fps": 1000 * len(intervals) / sum(intervals),
        "longest_task_ms": longest,
    }


def memory(browser, base: str, checkpoints: list[int]) -> dict:
    page = browser.new_page(bypass_csp=True)
    page.goto(base)
    page.wait_for_function("window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=120_000)
    readings = {}
    for target in checkpoints:
        while page.evaluate("window.rnnDemo.status().step") < target:
            keep_training(page)
            page.wait_for_timeout(200)
        page.evaluate("gc()")
        readings[target] = page.evaluate("window.rnnDemo.memory()") | {
            "step": page.evaluate("window.rnnDemo.status().step")
        }
    page.close()
    first, last = readings[checkpoints[0]], readings[checkpoints[-1]]
    return {
        "readings": readings,
        "js_heap_growth_mb": (last["jsHeapBytes"] - first["jsHeapBytes"]) / 2**20,
        "wasm_growth_mb": (last["wasmBytes"] - first["wasmBytes"]) / 2**20,
    }


PARTS = ("startup", "throughput", "solve", "in_app", "memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "browser.json")
    parser.add_argument("--quick", action="store_true", help="fewer runs and 10,000 steps for memory: a smoke run")
    parser.add_argument("--busy", action="store_true", help="keep one core busy with a CPU-bound process throughout")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=PARTS, help="measure these parts only")
    parser.add_argument("--site", type=Path, help="measure this built site (default: build dist/ and measure it)")
    args = parser.parse_args()

    if not args.site:
        subprocess.run([sys.executable, ROOT / "build.py", "--out", ROOT / "dist"], check=True)
    base, server = serve(args.site or ROOT / "dist")
    results: dict = {"load": "busy: one core kept busy" if args.busy else "quiet"}
    rounds = 1 if args.quick else 3
    with sync_playwright() as playwright, busy_core(args.busy):
        browser = launch(playwright)
        if "startup" in args.only:
            results["startup"] = startup(browser, base, runs=2 if args.quick else 5)
        bare = open_bare(browser, base)
        if "throughput" in args.only:
            results["throughput"] = throughput(bare, rounds=2 if args.quick else 3, seconds=2.0 if args.quick else 4.0)
        if "solve" in args.only:
            run_py(bare, MEASURE_PY, "steps_per_second(3.0)")  # the raw figure is of compiled code
            results["solve"] = time_to_solve(bare, rounds)
            results["solve"]["page"] = train_to_solved(browser, base, rounds)
        if "in_app" in args.only:
            for key, charts in (("in_app", False), ("in_app_charts", True)):
                results[key] = in_app(
                    browser, base, bare, rounds=2 if args.quick else 3, seconds=3 if args.quick else 5, charts=charts
                )
        bare.close()
        if "memory" in args.only:
            results["memory"] = memory(browser, base, [1_000, 10_000 if args.quick else 100_000])
        browser.close()
    server.shutdown()
    report(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")


def startup_rows(s: dict) -> list[tuple]:
    cold, primed, slow = s["cold_ms"], s["primed_ms"], s["slow_cold_ms"]
    return [
        (
            "first visit: bytes transferred (gzip), app / bare",
            f"{s['transfer_mb']['app']:.2f} / {s['transfer_mb']['bare']:.2f} MB",
            "",
            "app <= 6.0 MB",
        ),
        (
            "start-up, cold: app ready / bare Pyodide+NumPy",
            f"{cold['app_ready']:.0f} / {cold['bare_ready']:.0f} ms",
            f"{cold['app_ready'] / cold['bare_ready']:.2f} x",
            "<= 0.85 x",
        ),
        ("start-up, cold: first loss point drawn", f"{cold['app_first_loss']:.0f} ms", "", ""),
        (
            "start-up, primed: app ready / bare",
            f"{primed['app_ready']:.0f} / {primed['bare_ready']:.0f} ms",
            f"{primed['app_ready'] / primed['bare_ready']:.2f} x",
            "<= 0.8 x",
        ),
        ("start-up, primed: first loss point drawn", f"{primed['app_first_loss']:.0f} ms", "", ""),
        (
            "start-up, cold, 10 Mbit/s 40 ms: app / bare",
            f"{slow['app_ready']:.0f} / {slow['bare_ready']:.0f} ms",
            f"{slow['app_ready'] / slow['bare_ready']:.2f} x",
            "",
        ),
    ]


def throughput_rows(t: dict) -> list[tuple]:
    return [
        (
            "raw steps/s: browser / CPython",
            f"{t['browser_steps_per_s']:,.0f} / {t['cpython_steps_per_s']:,.0f}",
            f"{t['ratio']:.2f}",
            ">= 0.45",
        ),
        (
            "rnnadd / careful plain NumPy RNN, browser",
            f"{t['browser_steps_per_s']:,.0f} / {t['browser_plain_steps_per_s']:,.0f}",
            f"{t['browser_to_plain']:.2f}",
            "",
        ),
        (
            "rnnadd / careful plain NumPy RNN, CPython",
            f"{t['cpython_steps_per_s']:,.0f} / {t['cpython_plain_steps_per_s']:,.0f}",
            f"{t['cpython_to_plain']:.2f}",
            "",
        ),
    ]


def in_app_rows(a: dict, where: str = "page top") -> list[tuple]:
    return [
        (
            f"in-app steps/s while drawing / raw, alternating ({where})",
            f"{a['steps_per_s']:,.0f} / {a['raw_steps_per_s']:,.0f}",
            f"{a['ratio_to_raw']:.2f}",
            ">= 0.7",
        ),
        (
            "frame interval p50 / p95 / max",
            f"{a['frame_p50_ms']:.1f} / {a['frame_p95_ms']:.1f} / {a['frame_max_ms']:.1f} ms",
            f"{a['fps']:.0f} fps",
            "p95 <= 20 ms",
        ),
        ("longest task while training", f"{a['longest_task_ms']:.0f} ms", "", ""),
    ]


def solve_rows(solve: dict) -> list[tuple]:
    rows = []
    for side in ("browser", "cpython"):
        steps = [x["steps"] for x in solve[side]]
        ms = [x["ms"] for x in solve[side]]
        rows.append((f"raw: to 100% exact-match, seeds 0-4, {side}", f"steps {steps}", f"max {max(ms):.0f} ms", ""))
    page = solve["page"]
    raw = {x["seed"]: x["ms"] for x in solve["browser"]}
    by_press = {press: [x for x in page if x["press"] == press] for press in ("at once", "later")}
    for press, runs in by_press.items():
        ratios = [x["ms"] / raw[x["seed"]] for x in runs]
        rows.append(
            (
                f"page: Train to solved, pressed {press}, 5 seeds x {len(runs) // 5}",
                f"median {median([x['ms'] for x in runs]):.0f} ms, steps {sorted({x['solvedAt'] for x in runs})}",
                f"{median(ratios):.2f} x raw",
                "<= 2 x raw",
            )
        )
    at_once, later = (median([x["ms"] for x in runs]) for runs in by_press.values())
    rows.append(
        (
            "page: Train to solved, at once / later",
            f"{at_once:.0f} / {later:.0f} ms",
            f"{at_once / later:.2f}",
            "<= 1.1",
        )
    )
    return rows


def memory_rows(m: dict) -> list[tuple]:
    steps = sorted(m["readings"])
    return [
        (
            f"memory growth, step {steps[0]:,} -> {steps[-1]:,}",
            f"JS heap {m['js_heap_growth_mb']:+.2f} MB, wasm {m['wasm_growth_mb']:+.2f} MB",
            "",
            "<= 10 MB",
        )
    ]


def report(r: dict) -> None:
    makers = {
        "startup": startup_rows,
        "throughput": throughput_rows,
        "solve": solve_rows,
        "in_app": in_app_rows,
        "in_app_charts": lambda a: in_app_rows(a, "charts in view"),
        "memory": memory_rows,
    }
    rows = [row for part, make in makers.items() if part in r for row in make(r[part])]
    width = max(len(row[0]) for row in rows)
    print(f"\nload: {r['load']}")
    print(f"{'measure':<{width}}  {'value':<44} {'ratio':<12} target")
    for name, value, ratio, target in rows:
        print(f"{name:<{width}}  {value:<44} {ratio:<12} {target}")


if __name__ == "__main__":
    main()
