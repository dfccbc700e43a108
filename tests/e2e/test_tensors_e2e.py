"""Build a tensor and run one operation in the real browser."""

import pytest

from devtools.browser import wait_for_idle

pytestmark = pytest.mark.e2e


def test_build_a_tensor_then_matmul_it(page, app_url, screenshots):
    page.goto(app_url + "/tensors")
    wait_for_idle(page)
    values = page.get_by_role("textbox", name="Values (a nested list)")
    values.fill("[[1, 2], [3, 4], [5, 6]]")
    values.press("Control+Enter")
    page.get_by_text("a = torch.tensor([[1, 2], [3, 4], [5, 6]]").first.wait_for(timeout=30000)
    wait_for_idle(page)
    shape = page.locator("td", has_text="shape").first.locator("xpath=following-sibling::td[1]//code")
    assert shape.inner_text() == "[3, 2]"
    page.screenshot(path=str(screenshots / "tensors-build.png"), full_page=True)

    page.get_by_role("tab", name="Operate").click()
    page.get_by_role("combobox", name="Operation").first.click()
    page.get_by_role("option", name="Matrix multiply: a @ b").click()
    wait_for_idle(page)
    shape = page.get_by_role("textbox", name="Shape").first
    shape.fill("2, 4")
    shape.press("Enter")
    page.get_by_text("Result shape: [3, 4]").first.wait_for(timeout=30000)
    assert page.get_by_text("c = a @ b").first.is_visible()
    page.screenshot(path=str(screenshots / "tensors-matmul.png"), full_page=True)
