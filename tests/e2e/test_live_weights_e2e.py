"""Live weights in the real browser: the classification view draws every weight, updates them while training,
and a click on one opens an editor that changes the model (and its loss) at once."""

import pytest

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def _widths(page) -> list[str]:
    return page.locator("[data-testid='live-weights'] line").evaluate_all(
        "lines => lines.map(l => l.getAttribute('stroke-width'))"
    )


def test_weights_move_while_training_and_a_clicked_one_can_be_set(page, app_url, screenshots):
    page.goto(app_url + "/classification?dataset=xor&hidden=3")
    wait_for_idle(page)
    edges = page.locator("[data-testid='live-weights'] line")
    assert wait_until(lambda: edges.count() == 2 * 3 + 3 * 1, timeout_s=30)  # x1, x2 -> 3 units -> 1 output
    title = edges.first.locator("title").text_content()
    assert title.startswith("x1 → layer 1 unit 1: w = ")
    before = _widths(page)
    page.locator("button").filter(has_text="Play").first.click()
    assert wait_until(lambda: _widths(page) != before, timeout_s=60)  # the edges follow the training
    page.locator("button").filter(has_text="Pause").first.click()
    page.locator("button").filter(has_text="Play").first.wait_for(timeout=30000)
    wait_for_idle(page)
    edges.first.click()
    editor = page.get_by_role("spinbutton", name="Set the weight x1 → layer 1 unit 1")
    editor.wait_for(timeout=30000)
    editor.fill("3.5")
    editor.press("Enter")
    page.get_by_text("Training loss", exact=False).filter(has_text="→").first.wait_for(timeout=30000)
    assert wait_until(lambda: "w = 3.5" in edges.first.locator("title").text_content(), timeout_s=30)
    page.screenshot(path=str(screenshots / "classification-weight-set.png"))
