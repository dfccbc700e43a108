"""A classroom past one server: two replicas behind HAProxy, two learners, each pinned to their own replica."""

import os
import shutil

import pytest

from deploy.classroom import COOKIE, classroom
from devtools.browser import CHROMIUM_FLAGS, chromium_path, free_port, wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def _epoch(page) -> int:
    return int(page.locator("[data-testid='live-epoch']").first.inner_text().replace(",", ""))


@pytest.fixture(scope="module")
def balancer():
    if chromium_path() is None or shutil.which("haproxy") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium and haproxy for this test.")
        pytest.skip("chromium or haproxy is not installed (apt-get install -y chromium haproxy)")
    with classroom(replicas=2, workers=1, port=free_port(), bind="127.0.0.1") as served:
        yield served


def test_two_learners_land_on_different_replicas_and_both_train_live(balancer, screenshots):
    from playwright.sync_api import sync_playwright

    base, _ = balancer
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            pages = [browser.new_context(viewport={"width": 1440, "height": 900}).new_page() for _ in range(2)]
            for page in pages:
                page.goto(base + "/classification?dataset=gauss&lr=0.1")
                wait_for_idle(page)
            replicas = [next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE) for page in pages]
            assert sorted(replicas) == ["replica1", "replica2"]  # round-robin, then pinned by the cookie
            for page in pages:
                page.locator("button").filter(has_text="Play").first.click()
            for page in pages:  # the websocket and the frame stream both reach the session's own replica
                assert wait_until(lambda page=page: _epoch(page) >= 20, timeout_s=60), "no live frames"
            marks = [_epoch(page) for page in pages]
            for page, mark in zip(pages, marks, strict=True):
                assert wait_until(lambda page=page, mark=mark: _epoch(page) >= mark + 20, timeout_s=60)
            pages[0].screenshot(path=str(screenshots / "classroom-replica.png"))
            for page in pages:
                page.locator("button").filter(has_text="Pause").first.click()
                page.locator("button").filter(has_text="Play").first.wait_for(timeout=30000)
        finally:
            browser.close()
