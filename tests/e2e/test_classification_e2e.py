"""One learner's flow on the classification page, in headless Chromium."""

import time

import pytest

from devtools.browser import metric_value, wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def _live(page, testid: str) -> str:
    return page.locator(f"[data-testid='{testid}']").first.inner_text()


def _epoch(page) -> int:
    return int(_live(page, "live-epoch").replace(",", ""))


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
    assert wait_until(lambda: _epoch(page) == 0 and page.evaluate("window.__playgroundBoundaryDraws || 0") > 0)
    page.locator("button").filter(has_text="Play").first.click()
    assert wait_until(lambda: _epoch(page) >= 3), "the epoch counter did not move"
    first_loss = float(_live(page, "live-train-loss"))
    first_epoch, first_draws = _epoch(page), page.evaluate("window.__playgroundBoundaryDraws")
    assert wait_until(lambda: _epoch(page) >= first_epoch + 50), "training stalled"
    assert wait_until(lambda: float(_live(page, "live-train-loss")) < first_loss)
    assert wait_until(lambda: page.evaluate("window.__playgroundBoundaryDraws") > first_draws + 3)  # redraws
    assert page.locator(".pg-layers img").count() == 3  # inputs and two hidden layers
    page.screenshot(path=str(screenshots / "classification-playing.png"), full_page=True)
    page.locator("button").filter(has_text="Pause").first.click()
    page.locator("button").filter(has_text="Play").first.wait_for(timeout=30000)
    assert wait_until(lambda: _live(page, "live-eps") == "paused")  # the last frame has arrived
    stopped = _epoch(page)
    time.sleep(1.0)  # nothing may happen in this second, however fast the machine
    assert _epoch(page) == stopped
    assert "lr=0.1" in page.url and "dataset=gauss" in page.url  # the link reproduces the setup


def test_learning_rate_ten_shows_a_message_and_the_play_button_returns(page, app_url):
    query = "dataset=spiral&features=x1,x2,x1%5E2,x2%5E2,x1*x2&hidden=8,8&activation=linear&lr=10"
    page.goto(app_url + "/classification?" + query)
    wait_for_idle(page)
    page.locator("button").filter(has_text="Pause").or_(page.locator("button").filter(has_text="Play")).first.wait_for()

    def told() -> bool:
        return "Lower the learning rate" in _live(page, "live-message") or (
            page.get_by_text("Lower the learning rate").count() > 0
        )

    def started() -> bool:
        return told() or page.locator("button").filter(has_text="Pause").count() > 0

    page.locator("button").filter(has_text="Play").first.click()
    if not wait_until(started, timeout_s=20):  # neither Pause nor the message: the click was lost while settling
        page.locator("button").filter(has_text="Play").first.click()
    assert wait_until(told, timeout_s=60), (_live(page, "live-epoch"), _live(page, "live-eps"))
    page.locator("button").filter(has_text="Play").first.wait_for(timeout=30000)
