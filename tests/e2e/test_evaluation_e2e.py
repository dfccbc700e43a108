"""Train the quick model, open the confusion matrix and click a cell: a real browser."""

import pytest

from devtools.browser import metric_value, wait_for_idle

pytestmark = pytest.mark.e2e


def _cell_sentence(page) -> str:
    return page.locator("[data-testid='stMarkdownContainer']").filter(has_text="test examples of").first.inner_text()


def _click_cell(page, row: int, col: int, n: int) -> None:
    """Click the centre of a matrix cell: the plot area is split into n x n equal cells."""
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    plot = chart.locator(".nsewdrag").first  # plotly's plot area
    box = plot.bounding_box()
    x = box["x"] + (col + 0.5) * box["width"] / n
    y = box["y"] + (row + 0.5) * box["height"] / n
    page.mouse.click(x, y)


def test_train_a_quick_model_open_the_matrix_and_click_a_cell(page, app_url, screenshots):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app_url + "/evaluation")
    wait_for_idle(page)
    page.get_by_text("No model has been trained in this session yet").wait_for(timeout=30000)
    page.get_by_role("button", name="Train a quick model here").click()
    page.get_by_text("test examples in 10 classes").wait_for(timeout=120000)
    wait_for_idle(page)
    accuracy = float(metric_value(page, "Accuracy").rstrip("%"))
    assert 40 < accuracy < 100
    page.screenshot(path=str(screenshots / "evaluation.png"))

    before = _cell_sentence(page)
    _click_cell(page, 1, 1, 10)  # the second class on the diagonal: its right answers
    page.wait_for_function(
        "before => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]"
        ".some(e => e.innerText.includes('test examples of') && e.innerText !== before)",
        arg=before,
        timeout=30000,
    )
    wait_for_idle(page)
    sentence = _cell_sentence(page)
    assert "(right)" in sentence, sentence
    clicked = sentence.split(" test examples of ")[1].split(" predicted as ")[0]
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="True class").first
    shown = picker.text_content() + " ".join(i.input_value() for i in picker.locator("input").all())
    assert clicked in shown  # the picker follows the click
    page.screenshot(path=str(screenshots / "evaluation-cell.png"))

    _click_cell(page, 6, 0, 10)  # a mistake cell: true class 6, predicted class 0
    page.get_by_text("(wrong)").first.wait_for(timeout=30000)
    wait_for_idle(page)
    page.get_by_role("tab", name="Metrics explained").click()
    page.get_by_text("against every other class").first.wait_for(timeout=30000)
    page.screenshot(path=str(screenshots / "evaluation-metrics.png"))
