"""Upload a small zip of class folders, preview augmentations, start the with/without experiment: a real browser."""

import io
import zipfile

import pytest
from PIL import Image

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def _zip(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, colour in (("apples", (200, 30, 30)), ("limes", (40, 180, 40))):
            for i in range(6):
                png = io.BytesIO()
                Image.new("RGB", (48, 36), tuple(c + 5 * i for c in colour)).save(png, format="PNG")
                archive.writestr(f"fruit/{name}/{i}.png", png.getvalue())
        archive.writestr("__MACOSX/fruit/._0.png", b"junk")
    path = tmp_path / "fruit.zip"
    path.write_bytes(buffer.getvalue())
    return path


def _epoch(page, index: int) -> int:
    return int(page.locator("[data-testid='live-epoch']").nth(index).inner_text().replace(",", ""))


def test_upload_a_zip_preview_augmentations_and_run_the_experiment(page, app_url, screenshots, tmp_path):
    page.goto(app_url + "/custom_data")
    wait_for_idle(page)
    page.get_by_test_id("stRadioGroup").get_by_text("your zip").click()
    wait_for_idle(page)
    page.locator("input[type='file']").set_input_files(str(_zip(tmp_path)))
    page.get_by_text("1 junk file(s)").first.wait_for(timeout=30000)
    wait_for_idle(page)
    samples = page.locator("[data-testid='stMarkdownContainer']")
    samples.filter(has_text="apples (5 training images)").first.wait_for(timeout=30000)  # visible, not just there
    samples.filter(has_text="limes (5 training images)").first.wait_for(timeout=30000)
    assert page.get_by_text("[10, 3, 64, 64]").first.is_visible()  # 5 of each class train: one batch of 10
    page.screenshot(path=str(screenshots / "custom-data.png"), full_page=True)

    page.goto(app_url + "/augmentation")
    wait_for_idle(page)
    page.get_by_text("Random resized crop: top").first.wait_for(timeout=30000)
    page.screenshot(path=str(screenshots / "augmentation.png"))

    page.get_by_role("tab", name="The experiment: with and without augmentation").click()
    page.locator("button").filter(has_text="Play").first.click()
    assert wait_until(lambda: _epoch(page, 0) >= 2 and _epoch(page, 1) >= 2, timeout_s=90), "the runs did not train"
    page.locator("button").filter(has_text="Pause").first.click()
    # Pause waits for busy workers to send the runs home (at most TAKE_TIMEOUT_S, 20 s, each, asked at once)
    page.locator("button").filter(has_text="Play").first.wait_for(timeout=60000)
    page.screenshot(path=str(screenshots / "augmentation-experiment.png"))
