"""Draw a digit on the real canvas with the mouse and see the shipped model read it: a real browser."""

import pytest

from devtools.browser import wait_for_idle

pytestmark = pytest.mark.e2e

SEVEN = [(70, 50), (210, 50), (110, 240)]  # a stroke on the 280 x 280 canvas
ONE = [(150, 40), (140, 240)]


def draw(page, points, steps_per_segment: int = 15) -> None:
    """One stroke through `points` (canvas pixels), pressed all the way like a learner's mouse."""
    box = page.locator("canvas").last.bounding_box()
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + points[0][0], y0 + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x0 + x, y0 + y, steps=steps_per_segment)
    page.mouse.up()


def prediction(page) -> str:
    found = page.get_by_text("Pred:")
    return found.first.inner_text() if found.count() else ""


def test_draw_a_digit_with_the_mouse_and_see_the_prediction(page, app_url, screenshots):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app_url + "/classify")
    wait_for_idle(page)
    page.get_by_text("Draw something first").first.wait_for(timeout=30000)
    draw(page, SEVEN)
    page.get_by_text("Pred: 7").first.wait_for(timeout=30000)
    wait_for_idle(page)
    page.get_by_text("cropped to the ink").first.wait_for(timeout=30000)
    page.screenshot(path=str(screenshots / "classify.png"))

    page.get_by_role("button", name="Reset canvas & history").click()  # the canvas toolbar's bin
    page.get_by_text("Draw something first").first.wait_for(timeout=30000)
    draw(page, ONE)
    page.get_by_text("Pred: 1").first.wait_for(timeout=30000)
