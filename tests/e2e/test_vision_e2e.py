"""Train TinyVGG a few steps and open the layer views, in the real browser."""

import pytest

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def test_train_a_few_steps_then_look_inside(page, app_url, screenshots):
    page.goto(app_url + "/vision")
    wait_for_idle(page)
    page.get_by_role("tab", name="3. Train").click()
    page.locator("button").filter(has_text="Step").first.click()
    wait_for_idle(page)
    page.locator("button").filter(has_text="Play").first.click()
    epoch = page.locator("[data-testid='live-epoch']").first
    assert wait_until(lambda: int(epoch.inner_text().replace(",", "") or 0) >= 3, timeout_s=90)
    assert page.locator(".pg-layers img").count() == 1  # the live sheet of test images and guesses
    page.locator("button").filter(has_text="Pause").first.click()
    page.locator("button").filter(has_text="Play").first.wait_for(timeout=30000)
    page.screenshot(path=str(screenshots / "vision-trained.png"), full_page=True)

    page.get_by_role("tab", name="4. Inside the network").click()
    page.get_by_text("Feature maps after every layer").first.wait_for(timeout=30000)
    assert page.get_by_text("block 2 · pool").first.is_visible() and page.get_by_text("[10, 7, 7]").first.is_visible()
    assert page.get_by_text("the conv layer computed").first.is_visible()
    page.screenshot(path=str(screenshots / "vision-inside.png"), full_page=True)
