"""One learner's flow on the classification page, in headless Chromium."""

import time

import pytest

from devtools.browser import metric_value, wait_for_idle

pytestmark = pytest.mark.e2e


def _epoch(page) -> int:
    return int(metric_value(page, "Epoch").replace(",", ""))


def _wait_until(condition, timeout_s=30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def test_home_page_shows_topics_and_device(page, app_url, screenshots):
    page.goto(app_url + "/")
    wait_for_idle(page)
    assert page.get_by_text("PyTorch Playground").first.is_visible()
    assert page.get_by_role("link", name="Classification playground").first.is_visible()
    assert metric_value(page, "Device") in {"CPU", "CUDA", "MPS"}
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)


def test_play_moves_the_epoch_counter_and_the_loss_falls_then_pause_stops(page, app_url, screenshots):
    page.goto(app_url + "/classification?dataset=gauss&lr=0.1")
    wait_for_idle(page)
    assert _epoch(page) == 0
    page.locator("button").filter(has_text="Play").first.click()
    assert _wait_until(lambda: _epoch(page) >= 3), "the epoch counter did not move"
    first_loss = float(metric_value(page, "Train loss"))
    first_epoch = _epoch(page)
    assert _wait_until(lambda: _epoch(page) >= first_epoch + 20), "training stalled"
    assert _wait_until(lambda: float(metric_value(page, "Train loss")) < first_loss)
    page.screenshot(path=str(screenshots / "classification-playing.png"), full_page=True)
    page.locator("button").filter(has_text="Pause").first.click()
    page.locator("button").filter(has_text="Play").first.wait_for(timeout=30000)
    stopped = _epoch(page)
    time.sleep(1.5)
    assert _epoch(page) == stopped
    assert "lr=0.1" in page.url and "dataset=gauss" in page.url  # the link reproduces the setup
