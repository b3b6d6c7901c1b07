"""Figures of pace that the tests leave out, since a busy machine moves them: how long Play takes to
replay a run in the page, and how far apart the CLI's progress lines come while one long step runs.

    .venv/bin/python bench/pacing.py [--rounds 3]

Play: seed 0 trained to solved in a fresh page, then Play pressed; the seconds until it stops at the
solved step and the positions the views showed meanwhile (polled every 50 ms). Aim: about 3 s.
CLI: `rnnadd train` at hidden 1024, 64 bits, batch 2048 (one step takes seconds); the seconds between
its first and third progress lines, all written before the first step ends. Aim: about 2 s.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench")]

import browser  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


def play(chromium, base: str) -> dict:
    page = chromium.new_page(bypass_csp=True)
    page.goto(f"{base}#seed=0")
    page.wait_for_function("window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=120_000)
    page.click("[data-testid=train-toggle]")
    page.wait_for_function("window.rnnDemo.status().phase === 'solved' && window.rnnDemo.status().pending === 0")
    page.click("[data-testid=play-button]")
    started = time.monotonic()
    page.wait_for_function("window.rnnDemo.timeline().playing")
    seen = set()
    while page.evaluate("window.rnnDemo.timeline().playing"):
        seen.add(page.evaluate("window.rnnDemo.timeline().at"))
        page.wait_for_timeout(50)
    row = {"seconds": time.monotonic() - started, "positions": len(seen)}
    page.close()
    return row


def progress_interval() -> float:
    args = ["train", "--hidden", "1024", "--bits", "64", "--batch-size", "2048"]
    process = subprocess.Popen(
        [sys.executable, "-m", "rnnadd", *args], cwd=ROOT / "py", stdout=subprocess.PIPE, text=True
    )
    try:
        process.stdout.readline()
        times = []
        for _ in range(3):
            process.stdout.readline()
            times.append(time.monotonic())
    finally:
        process.kill()
        process.communicate()
    return times[-1] - times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    subprocess.run([sys.executable, ROOT / "build.py", "--out", ROOT / "dist"], check=True)
    base, server = browser.serve(ROOT / "dist")
    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        plays = [play(chromium, base) for _ in range(args.rounds)]
        chromium.close()
    server.shutdown()
    gaps = [progress_interval() for _ in range(args.rounds)]
    seconds = statistics.median(row["seconds"] for row in plays)
    positions = statistics.median(row["positions"] for row in plays)
    print(f"Play to solved: median {seconds:.1f} s, {positions:.0f} positions shown (aim: about 3 s)")
    print(f"CLI progress, first to third line during one step: median {statistics.median(gaps):.1f} s (aim: about 2 s)")


if __name__ == "__main__":
    main()
