"""Not only Chromium: a smoke test in Firefox (Debian's firefox-esr over WebDriver BiDi, by
tests/firefox/smoke.mjs), since Playwright cannot drive a stock Firefox."""

import io
import json
import os
import shutil
import subprocess

import pytest
from conftest import ROOT
from rnnadd import cli


def test_firefox_boots_trains_to_solved_answers_and_loads_a_session(base_url, tmp_path):
    firefox = os.environ.get("RNNADD_FIREFOX") or shutil.which("firefox-esr")
    if not firefox:
        pytest.fail("Debian's firefox-esr is needed: python3 build.py test installs it")
    session = tmp_path / "session.json"
    assert cli.main(["train", "--seed", "4", "--save", str(session)], out=io.StringIO()) == 0
    run = subprocess.run(
        ["node", ROOT / "tests" / "firefox" / "smoke.mjs", base_url, session],
        env={**os.environ, "FIREFOX": firefox},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["errors"] == [] and seen["pageError"] is None
    assert seen["solvedAt"] == 51  # the step Chromium and the command line find for seed 0
    assert "50 + 3" in seen["answer"] and "= 53 right" in seen["answer"]
    assert seen["loaded"] == {"step": json.loads(session.read_text())["step"], "seed": 4}
