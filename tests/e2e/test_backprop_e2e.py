"""Backprop step by step in the real browser: the five buttons in order, the chain rule, a weight set by hand."""

import re

import pytest

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

BUTTONS = ("1. Forward pass", "2. Loss", "3. Zero the gradients", "4. Backward pass", "5. Step")
LINES = ("model(X_batch)", "loss_fn(logits", "optimizer.zero_grad()", "loss.backward()", "optimizer.step()")


def _marked(page) -> list[str]:
    code = page.locator("[data-testid='stCode']").first.inner_text()
    return [line for line in code.splitlines() if "ran last" in line]


def test_step_through_the_five_buttons_and_see_autograd_agree(page, app_url, screenshots):
    page.goto(app_url + "/backprop")
    wait_for_idle(page)
    for index, label in enumerate(BUTTONS):
        button = page.get_by_role("button", name=label)
        assert button.is_enabled()
        for other in BUTTONS[index + 1 :]:
            assert page.get_by_role("button", name=other).is_disabled()
        button.click()
        assert wait_until(lambda i=index: any(LINES[i] in line for line in _marked(page)), timeout_s=30)
        wait_for_idle(page)
        assert len(_marked(page)) == 1
        if label == "4. Backward pass":
            page.get_by_text("They agree.").first.wait_for(timeout=30000)
            page.screenshot(path=str(screenshots / "backprop-backward.png"))
    page.get_by_text("The update:", exact=True).first.wait_for(
        timeout=30000
    )  # not the challenge's "Predict the update:"
    assert "0 optimizer steps" not in page.get_by_text("since the start").first.inner_text()
    loss = page.get_by_text("Training-set loss now").first
    assert loss.is_visible()
    editor = page.get_by_role("spinbutton", name="Set it by hand")
    editor.fill("2.5")
    editor.press("Enter")
    page.get_by_text(re.compile(r"^Training-set loss \S+ → ")).first.wait_for(timeout=30000)  # the editor's caption
    page.screenshot(path=str(screenshots / "backprop-edited.png"))
