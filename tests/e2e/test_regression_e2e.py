"""TF Playground's regression problem in the real browser: the surface is drawn in the values' colours as the
model learns, there is no accuracy, and a click on the plane adds a point of the chosen value."""

import re

import pytest

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

# The mean colour of the drawn surface around plane point (x, y): the canvas maps the plane as drawBoundary does.
SAMPLE = """(canvas, [x, y]) => {
  const ratio = window.devicePixelRatio || 1;
  const margin = 34 * ratio, pad = 8 * ratio;
  const size = Math.min(canvas.width - pad, canvas.height - pad) - margin;
  const cx = Math.round(margin + ((x + 6) / 12) * size), cy = Math.round(pad + ((6 - y) / 12) * size);
  const data = canvas.getContext("2d").getImageData(cx - 6, cy - 6, 13, 13).data;
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += data[i + c];
  return sum.map((v) => v / (data.length / 4));
}"""


def _live(page, testid: str) -> str:
    return page.locator(f"[data-testid='{testid}']").first.inner_text()


def _epoch(page) -> int:
    return int(_live(page, "live-epoch").replace(",", ""))


def _colour_at(page, x: float, y: float) -> list[float]:
    return page.locator(".pg-boundary").first.evaluate(SAMPLE, [x, y])  # the live view sits in a shadow root


def _blue(rgb) -> bool:  # TF Playground's +1: #0877bd
    return rgb[2] > rgb[0] + 40


def _orange(rgb) -> bool:  # its -1: #f59322
    return rgb[0] > rgb[2] + 40


def test_the_surface_takes_the_values_colours_as_the_plane_is_learned(page, app_url, screenshots):
    page.goto(app_url + "/classification?problem=regression&dataset=plane&lr=0.1")
    wait_for_idle(page)
    assert wait_until(lambda: page.evaluate("window.__playgroundBoundaryDraws || 0") > 0)
    assert not page.locator(".pg-acc").first.is_visible()  # regression has no accuracy
    assert "+1: the value" in page.locator(".pg-legend").first.inner_text()
    page.locator("button").filter(has_text="Play").first.click()
    assert wait_until(lambda: _epoch(page) >= 3), "the epoch counter did not move"
    first_loss = float(_live(page, "live-train-loss"))
    assert wait_until(lambda: float(_live(page, "live-train-loss")) < min(0.01, first_loss / 5), timeout_s=120)
    # (x1 + x2) / 10: +0.8 at the top right (blue), -0.8 at the bottom left (orange), 0 on the diagonal (white).
    assert wait_until(lambda: _blue(_colour_at(page, 4.5, 4.5)) and _orange(_colour_at(page, -4.5, -4.5)))
    page.screenshot(path=str(screenshots / "regression-plane.png"))
    page.locator("button").filter(has_text="Pause").first.click()
    wait_for_idle(page)
    assert page.locator("[data-testid='stException']").count() == 0


def _count(page) -> int:
    text = page.get_by_text(re.compile(r"^\d+ points\. Click on the plane")).first.inner_text()
    return int(text.split()[0])


def test_a_click_adds_a_point_of_the_chosen_value(page, app_url, screenshots):
    page.goto(app_url + "/classification?problem=regression&dataset=own")
    wait_for_idle(page)
    assert wait_until(lambda: page.get_by_text(re.compile(r"^\d+ points\. Click on the plane")).count() > 0)
    assert _count(page) == 8  # the example set
    slider = page.locator("[data-testid='stSlider']", has_text="A click adds the value")
    assert wait_until(lambda: slider.count() == 1 and slider.first.is_visible())
    plot = page.locator("[data-testid='stPlotlyChart']").first.locator(".nsewdrag").first
    box = plot.bounding_box()
    assert box is not None
    where = {"x": 0.30 * box["width"], "y": 0.50 * box["height"]}  # an empty place
    plot.hover(position=where)
    plot.click(position=where)
    assert wait_until(lambda: _count(page) == 9, timeout_s=30)
    wait_for_idle(page)
    page.screenshot(path=str(screenshots / "regression-own-values.png"))
    page.locator("button").filter(has_text="Step").first.click()  # the edited points train
    wait_for_idle(page)
    assert wait_until(lambda: _epoch(page) == 1)
    assert page.locator("[data-testid='stException']").count() == 0
