"""Challenges in the real browser: a run meets one while it trains, and the done mark survives a reload."""

import pytest

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

XOR = "/classification?dataset=xor&features=x1,x2,x1*x2&hidden=none&lr=0.1"


def _panel_label(page) -> str:
    summary = page.locator("[data-testid='stExpander'] summary", has_text="Challenges:")
    return summary.first.inner_text() if summary.count() else ""


def test_a_met_challenge_is_marked_while_training_and_after_a_reload(page, app_url, screenshots):
    page.goto(app_url + XOR)
    wait_for_idle(page)
    page.evaluate("window.localStorage.removeItem('pytorch-playground/challenges')")
    page.reload()
    wait_for_idle(page)
    assert wait_until(lambda: "0 of 5 done" in _panel_label(page))
    page.locator("[data-testid='stExpander'] summary", has_text="Challenges:").first.click()
    page.locator("button").filter(has_text="Play").first.click()
    assert wait_until(lambda: "1 of 5 done" in _panel_label(page), timeout_s=90), _panel_label(page)
    page.screenshot(path=str(screenshots / "challenge-met.png"))
    page.locator("button").filter(has_text="Pause").first.click()
    wait_for_idle(page)
    stored = page.evaluate("window.localStorage.getItem('pytorch-playground/challenges')")
    assert stored == '["classification/xor"]'
    page.goto(app_url + "/classification")  # a new session: the default circle meets nothing
    wait_for_idle(page)
    assert wait_until(lambda: "1 of 5 done" in _panel_label(page)), _panel_label(page)
    assert page.locator("[data-testid='stException']").count() == 0
    page.goto(app_url + "/")  # the home page reads the browser's record too
    wait_for_idle(page)
    assert wait_until(lambda: page.get_by_text("1 of 5 challenges done").count() == 1)


def test_a_teachers_link_to_the_workflow_page_greys_out_locked_controls_and_hides_others(page, app_url, screenshots):
    page.goto(app_url + "/workflow?lr=0.1&optimizer=Adam&lock=lr,optimizer&hide=noise,split&challenge=workflow/sine")
    wait_for_idle(page)
    page.get_by_text("Your teacher set this challenge.").wait_for()  # the page's run has drawn it all
    locked = page.locator(".st-key-workflow-lr")
    assert wait_until(lambda: locked.evaluate("e => getComputedStyle(e).pointerEvents") == "none")
    assert float(locked.evaluate("e => getComputedStyle(e).opacity")) < 1
    assert wait_until(lambda: "0.1" in locked.inner_text())  # it shows the link's value
    assert not page.locator(".st-key-workflow-noise").is_visible()
    assert not page.get_by_text("Training split (%)").is_visible()
    assert page.get_by_text("Points along").is_visible()  # the rest works as ever
    page.screenshot(path=str(screenshots / "teacher-link-workflow.png"))
    page.reload()  # the address kept the focus
    wait_for_idle(page)
    page.get_by_text("Your teacher set this challenge.").wait_for()
    assert wait_until(lambda: locked.evaluate("e => getComputedStyle(e).pointerEvents") == "none")
    assert not page.locator(".st-key-workflow-noise").is_visible()
