"""Your own points in the real browser: clicks on the plane add points, a click on a point removes it."""

import re

import pytest

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def _count(page) -> int:
    text = page.get_by_text(re.compile(r"^\d+ points\. Click on the plane")).first.inner_text()
    return int(text.split()[0])


def test_click_to_add_points_and_to_remove_one(page, app_url, screenshots):
    page.goto(app_url + "/classification?dataset=own")
    wait_for_idle(page)
    assert _count(page) == 8  # the example set
    plot = page.locator("[data-testid='stPlotlyChart']").first.locator(".nsewdrag").first
    box = plot.bounding_box()
    assert box is not None

    def click(fx: float, fy: float) -> None:  # plotly picks the point it hovers: hover, then click, there
        where = {"x": fx * box["width"], "y": fy * box["height"]}
        plot.hover(position=where)
        plot.click(position=where)

    spots = [(0.30, 0.50), (0.70, 0.50), (0.50, 0.30)]  # empty places on the plane (the example sits near corners)
    for number, (fx, fy) in enumerate(spots, start=1):
        click(fx, fy)
        assert wait_until(lambda n=number: _count(page) == 8 + n, timeout_s=30)
        wait_for_idle(page)
    page.screenshot(path=str(screenshots / "own-points-added.png"))
    fx, fy = spots[0]
    click(fx, fy)  # on the first new point
    assert wait_until(lambda: _count(page) == 10, timeout_s=30)
    wait_for_idle(page)
    page.locator("button").filter(has_text="Step").first.click()  # the edited points train
    wait_for_idle(page)
    assert page.locator("[data-testid='stException']").count() == 0
