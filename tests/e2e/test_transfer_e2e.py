"""Transfer learning in a real browser: ImageNet names the cat, a part is unfrozen, both runs train side by side."""

import pytest

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def _epoch(page, index: int) -> int:
    return int(page.locator("[data-testid='live-epoch']").nth(index).inner_text().replace(",", ""))


def test_imagenet_names_the_cat_then_pretrained_and_scratch_train_side_by_side(page, app_url, screenshots):
    page.goto(app_url + "/transfer")
    wait_for_idle(page, 120000)
    page.get_by_text("Pred: Egyptian cat | Prob: 0.").first.wait_for(timeout=30000)
    page.get_by_role("button", name="stage 7").click()
    wait_for_idle(page, 120000)
    page.get_by_text("Everything up to stage 6 is frozen").first.wait_for(timeout=30000)
    page.locator("button").filter(has_text="Play").first.click()
    assert wait_until(lambda: _epoch(page, 0) >= 20, timeout_s=120), "the pretrained run did not reach its 20 epochs"
    page.get_by_text("Stopped after 20 epochs").first.wait_for(timeout=30000)
    assert wait_until(lambda: _epoch(page, 1) >= 1, timeout_s=120), "the scratch run did not train"
    page.locator("button").filter(has_text="Pause").first.click()  # the scratch run still trains: Pause shows
    page.locator("button").filter(has_text="Play").first.wait_for(timeout=30000)
    page.screenshot(path=str(screenshots / "transfer.png"), full_page=True)
