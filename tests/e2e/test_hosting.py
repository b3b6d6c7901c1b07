"""What people who host and share the page rely on: the embedded view in another site's frame,
downloads of what is on screen, and the keyboard."""

import functools
import http.server
import struct
import threading

from conftest import QuietHandler, settle, status
from playwright.sync_api import expect
from test_page import by_id, losses, pixels


def test_the_embedded_view_fits_a_640_by_420_frame_on_another_site(page, base_url, tmp_path):
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>A course</title><p>Watch it learn:</p>"
        f'<iframe src="{base_url}#seed=2&view=embed" width="640" height="420"></iframe>'
    )
    host = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=host.serve_forever, daemon=True).start()
    page.goto(f"http://localhost:{host.server_port}/")  # another origin than the page's 127.0.0.1
    frame = page.frames[1]
    frame.wait_for_function("window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=90_000)
    for shown in ("train-toggle", "loss-chart", "bit-view", "full-page"):
        expect(frame.get_by_test_id(shown)).to_be_visible()
    for hidden in ("hyperparameters", "reset-button", "hidden-view", "state-space", "timeline-slider"):
        expect(frame.get_by_test_id(hidden)).to_be_hidden()
    blank = pixels(frame, "loss-chart")
    frame.get_by_test_id("train-toggle").click()
    frame.wait_for_function("window.rnnDemo.status().phase === 'solved'", timeout=60_000)
    settle(frame)
    frame.wait_for_timeout(100)
    assert pixels(frame, "loss-chart")["checksum"] != blank["checksum"]
    solved = status(frame)["step"]
    expect(frame.get_by_test_id("bit-summary")).to_have_text(f"now (step {solved}): 8 of 8 problems right")
    size = frame.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size[0] <= 640 and size[1] <= 420, size  # no scrollbars
    link = frame.get_by_test_id("full-page")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("href") == base_url + frame.evaluate("location.hash").replace("&view=embed", "")
    assert "seed=2&" not in link.get_attribute("href") and link.get_attribute("href").endswith("seed=2")
    host.shutdown()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_charts_download_as_png_at_the_screens_density_and_the_loss_as_csv(browser, base_url, tmp_path):
    context = browser.new_context(device_scale_factor=2, bypass_csp=True, service_workers="block")
    page = context.new_page()
    page.goto(base_url)
    page.wait_for_function("window.rnnDemo && window.rnnDemo.status().phase === 'ready'", timeout=90_000)
    by_id(page, "train-toggle").click()
    page.wait_for_function("window.rnnDemo.status().phase === 'solved'", timeout=60_000)
    settle(page)
    for chart in ("loss-chart", "accuracy-chart"):
        with page.expect_download() as download:
            by_id(page, f"png-{chart}").click()
        path = tmp_path / f"{chart}.png"
        download.value.save_as(path)
        css = page.evaluate(f"[...['clientWidth', 'clientHeight'].map(k => document.getElementById('{chart}')[k])]")
        assert png_size(path.read_bytes()) == (2 * css[0], 2 * css[1])
    with page.expect_download() as download:
        by_id(page, "loss-csv").click()
    path = tmp_path / "loss.csv"
    download.value.save_as(path)
    rows = path.read_text().splitlines()
    assert rows[0] == "step,loss" and len(rows) == 1 + status(page)["step"]
    assert [float(row.split(",")[1]) for row in rows[1:]] == losses(page)
    context.close()


def test_space_trains_and_pauses_dot_steps_and_r_resets(app):
    app.locator("body").press(".")
    app.wait_for_function("window.rnnDemo.status().step === 1")
    app.locator("body").press(" ")
    app.wait_for_function("window.rnnDemo.status().phase === 'training' || window.rnnDemo.status().phase === 'solved'")
    app.locator("body").press(" ")
    app.wait_for_function("window.rnnDemo.status().phase !== 'training'")
    by_id(app, "field-seed").fill("7")
    app.evaluate("document.activeElement.blur()")
    app.keyboard.press("r")
    app.wait_for_function("window.rnnDemo.status().config.seed === 7 && window.rnnDemo.status().step === 0")
    by_id(app, "field-seed").press("r")  # typed into a field, a key is just a key
    app.keyboard.press("Tab")  # the focus shows where it is
    style = "getComputedStyle(document.activeElement)"
    outline = app.evaluate(f"[{style}.outlineStyle, {style}.outlineWidth]")
    assert outline[0] == "solid" and float(outline[1].removesuffix("px")) >= 2
    assert status(app)["config"]["seed"] == 7
    expect(by_id(app, "shortcuts")).to_contain_text("Space train or pause")
