"""Train, save and load the model again, in the real browser."""

import pytest

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def _epoch(page) -> int:
    return int(page.locator("[data-testid='live-epoch']").first.inner_text().replace(",", ""))


def test_train_save_then_load_gives_the_same_predictions(page, app_url, screenshots, tmp_path):
    page.goto(app_url + "/workflow")
    wait_for_idle(page)
    page.locator("button").filter(has_text="Play").first.click()
    assert wait_until(lambda: _epoch(page) >= 40, timeout_s=60)
    page.locator("button").filter(has_text="Pause").first.click()
    page.locator("button").filter(has_text="Play").first.wait_for(timeout=30000)
    wait_for_idle(page)
    assert page.locator("[data-testid='live-landscape']").is_visible()
    page.screenshot(path=str(screenshots / "workflow-trained.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="model.safetensors").click()
    saved = tmp_path / "model.safetensors"
    download.value.save_as(saved)
    assert saved.stat().st_size > 0

    page.locator("input[type='file']").set_input_files(str(saved))
    page.get_by_text("Loaded 2 tensors from a .safetensors file").first.wait_for(timeout=30000)
    wait_for_idle(page)
    equal = page.get_by_text("The loaded model's predictions equal your trained model's.")
    assert equal.count() == 1, page.locator("[data-testid='stMarkdownContainer']").all_inner_texts()[-6:]
    page.screenshot(path=str(screenshots / "workflow-loaded.png"), full_page=True)

    page.locator("button").filter(has_text="Step").first.click()  # one more epoch: the weights differ from the file
    page.get_by_text("predicts differently").first.wait_for(timeout=30000)
    stepped = _epoch(page)
    page.get_by_role("button", name="Use the loaded weights").click()
    page.get_by_text("The loaded model's predictions equal your trained model's.").first.wait_for(timeout=30000)
    wait_for_idle(page)
    assert page.get_by_text("predicts differently").count() == 0
    assert wait_until(lambda: _epoch(page) == stepped)  # the counters keep the run's epoch and losses
    assert page.locator("[data-testid='live-train-loss']").first.inner_text() != "–"

    bad = tmp_path / "broken.pt"
    bad.write_bytes(saved.read_bytes()[:40])
    page.locator("input[type='file']").set_input_files(str(bad))
    page.get_by_text("This is not a PyTorch .pt file").first.wait_for(timeout=30000)
