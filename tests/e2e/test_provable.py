"""The proof in the page: "Train to be provable", the proof line, and a link that reproduces it."""

import json
import os
import subprocess
import sys

from conftest import ROOT, open_app, settle, status, wait_for_phase

SHOTS = os.environ.get("RNNADD_SHOTS")  # a folder to keep screenshots in, to look at


def cli(*args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "rnnadd", *args], cwd=ROOT / "py", check=True, capture_output=True, text=True
    ).stdout


def wait_for_proof(page) -> str:
    page.wait_for_function("document.getElementById('machine-proof').textContent.length > 0", timeout=60_000)
    return page.get_by_test_id("machine-proof").inner_text()


def test_train_to_be_provable_proves_it_with_the_clis_certificate_and_a_link_reproduces_it(app, base_url, tmp_path):
    """Noisy training is chaotic: the browser's and CPython's rounding part after about 100 steps,
    so each finds its own proof; for the same weights both find the same certificate."""
    page = app
    page.get_by_test_id("provable-button").click()
    stopped = wait_for_phase(page, "solved", "error", timeout=120_000)
    assert stopped["phase"] == "solved", stopped.get("error")
    assert stopped["config"]["hidden_noise"] == 0.3 and stopped["config"]["until"] == "proven"
    step = stopped["step"]
    assert stopped["provenAt"] == step and step % 250 == 0 and step < 10_000
    assert f"proven at step {step}" in page.get_by_test_id("status").inner_text()
    proof = wait_for_proof(page)
    certificate = page.evaluate("window.rnnDemo.explanation().proof")
    assert certificate["proven"] and certificate["failure"] is None
    assert proof.startswith("Proven: the network itself writes every bit right on every input of every length.")
    assert f"{certificate['boxes']} boxes of hidden states" in proof and f"{certificate['rounds']} rounds" in proof
    assert "proof right" in page.get_by_test_id("machine-proof").get_attribute("class")
    if SHOTS:
        page.get_by_test_id("machine-view").scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/proof-proven.png", full_page=False)

    with page.expect_download() as download:
        page.get_by_test_id("save-button").click()
    saved = tmp_path / "provable.json"
    saved.write_bytes(download.value.path().read_bytes())
    assert json.loads(cli("explain", "--weights", str(saved), "--json"))["proof"] == certificate

    link = page.evaluate("location.hash")
    assert "hidden_noise=0.3" in link and "until=proven" in link
    page.goto("about:blank")  # a new visit of the link, not a change of hash
    open_app(page, base_url, link)
    page.get_by_test_id("train-toggle").click()
    assert wait_for_phase(page, "solved", "error", timeout=120_000)["step"] == step
    assert wait_for_proof(page) == proof


def test_seeds_1_to_4_trained_to_be_provable_are_proven_with_the_clis_certificate(app, base_url, tmp_path):
    page = app
    for seed in range(1, 5):
        open_app(page, base_url, f"#hidden_noise=0.3&until=proven&seed={seed}")
        page.get_by_test_id("train-toggle").click()
        stopped = wait_for_phase(page, "solved", "error", timeout=120_000)
        assert stopped["provenAt"] == stopped["step"], (seed, stopped)
        assert wait_for_proof(page).startswith("Proven:")
        certificate = page.evaluate("window.rnnDemo.explanation().proof")
        with page.expect_download() as download:
            page.get_by_test_id("save-button").click()
        saved = tmp_path / f"seed{seed}.json"
        saved.write_bytes(download.value.path().read_bytes())
        assert json.loads(cli("explain", "--weights", str(saved), "--json"))["proof"] == certificate, seed


def test_a_default_network_shows_how_far_its_proof_reaches_beside_the_chain_test(app):
    page = app
    page.get_by_test_id("train-toggle").click()
    wait_for_phase(page, "solved", timeout=60_000)
    settle(page)
    proof = wait_for_proof(page)
    explanation = page.evaluate("window.rnnDemo.explanation()")
    bound, chains = explanation["proof"]["bounded"], explanation["chains"]
    assert proof.startswith("Not proven for every length: the boxes do not close (a box of carry-")
    assert f"Proven for every sum of up to {bound} bits: all {4**bound:,} inputs of {bound} steps." in proof
    assert bound >= 1 and chains["failing"] is not None and bound <= chains["failing"]["run"] + 1
    assert f"first wrong sum has a chain of {chains['failing']['run']} carries" in proof
    assert "solved at step 51" in page.get_by_test_id("status").inner_text()
    if SHOTS:
        page.get_by_test_id("machine-view").scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/proof-bounded.png", full_page=False)


def test_a_gated_cell_says_plainly_that_it_has_no_proof(app, base_url):
    page = app
    open_app(page, base_url, "#cell=gru&seed=0")
    page.get_by_test_id("step-button").click()
    assert wait_for_proof(page) == "No proof: no proof for gated cells: their gates multiply the states."
    assert status(page)["config"]["cell"] == "gru"
