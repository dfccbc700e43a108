"""Links to every other page under AppTest: a link's settings fill the widgets, bad values get a notice, a
teacher's focus locks or hides controls and sets a challenge, and the link maker's link opens the same page."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from playground.augment_experiment_view import LINKED as AUGMENTATION
from playground.page_link import LinkedControl
from playground.regression_widgets import LINKED as WORKFLOW
from playground.vision_widgets import LINKED as VISION
from tests.helpers import plain
from tests.pages.conftest import open_page


def _transfer_controls():
    from playground.transfer_view import linked_controls

    return linked_controls(42)


PAGES = {  # page file -> (its name for links and challenges, its linked controls)
    "workflow": ("workflow", lambda: WORKFLOW),
    "vision": ("vision", lambda: VISION),
    "transfer": ("transfer", _transfer_controls),
    "augmentation": ("augmentation", lambda: AUGMENTATION),
}
ALSO = {"model": "mlp"}  # the workflow's layers, neurons and activation are drawn for an MLP only


def _other_value(control: LinkedControl, now: object) -> str:
    """A valid value for `control` other than `now`, as the address writes it."""
    if control.bounds is not None:
        low, high = control.bounds
        return control.text(type(now)(high) if now != high else type(now)(low))
    return next(text for text in control.choices if control.read(text) != now and control.read(text) != [now])


@pytest.mark.parametrize("page", list(PAGES))
def test_every_linked_control_is_set_by_a_link_and_kept_in_the_address(page):
    name, controls = PAGES[page]
    controls = controls()
    default = open_page(f"pages/{page}.py", ALSO if page == "workflow" else None)
    link = dict(ALSO) if page == "workflow" else {}
    expected = {}
    for control in controls:
        text = link.get(control.name) or _other_value(control, default.session_state[control.key])
        link[control.name] = text
        expected[control.key] = control.read(text)
    at = open_page(f"pages/{page}.py", link)
    assert not at.exception, [e.message for e in at.exception]
    assert not [i.value for i in at.info if "Ignored" in i.value]
    for control in controls:
        assert at.session_state[control.key] == expected[control.key], control.name
    address = dict(at.query_params)
    assert all(address[control.name] == control.text(expected[control.key]) for control in controls)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_bad_value_gets_one_line_and_the_default_stays(page):
    name, controls = PAGES[page]
    control = controls()[0]
    default = open_page(f"pages/{page}.py").session_state[control.key]
    at = open_page(f"pages/{page}.py", {control.name: "<script>x</script>"})
    notices = [plain(i.value) for i in at.info if "Ignored" in i.value]
    assert len(notices) == 1 and notices[0].startswith(f"Ignored {control.name}='<script>x</script>' from the link")
    assert at.session_state[control.key] == default and not at.exception


def _styles(at) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def test_a_teachers_link_locks_and_hides_by_the_widgets_keys_and_sets_the_challenge():
    at = open_page(
        "pages/workflow.py", {"lr": "0.1", "lock": "lr,optimizer", "hide": "noise", "challenge": "workflow/sine"}
    )
    styles = _styles(at)
    assert ".st-key-workflow-lr { pointer-events: none; opacity: 0.55; }" in styles
    assert ".st-key-workflow-optimizer { pointer-events: none; opacity: 0.55; }" in styles
    assert ".st-key-workflow-noise { display: none; }" in styles
    assert at.session_state["workflow/run"].experiment.config.train.learning_rate == 0.1
    panel = next(e for e in at.expander if e.label.startswith("Challenges:"))
    assert panel.proto.expanded
    texts = [m.value for m in at.markdown]
    assert "Fit the sine curve" in texts[texts.index(":material/school: **Your teacher set this challenge.**") + 1]
    assert any(
        c.value == ":material/school: Your teacher's link set up this page; locked: Optimizer, Learning rate; "
        "hidden: Noise; a challenge set (first in the Challenges panel)."
        for c in at.caption
    )
    at.button(key="workflow/step").click().run()  # reruns keep it, and the address keeps it for a reload
    assert ".st-key-workflow-noise { display: none; }" in _styles(at)
    assert dict(at.query_params)["lock"] == "optimizer,lr" and dict(at.query_params)["hide"] == "noise"


def test_the_link_maker_on_another_page_writes_a_link_that_opens_the_same_page():
    at = open_page("pages/vision.py", {"hidden": "4", "optimizer": "SGD", "lr": "0.03"})
    at.session_state["teacher/vision/open"] = True
    at.run()
    at.multiselect(key="teacher/vision/lock").set_value(["hidden"]).run()
    at.multiselect(key="teacher/vision/hide").set_value(["kernel", "stride"]).run()
    at.selectbox(key="teacher/vision/challenge").set_value("vision/sgd").run()
    link = at.code[-1].value
    params = dict(parse_qsl(urlsplit(link).query))
    assert params["lock"] == "hidden" and params["hide"] == "kernel,stride" and params["challenge"] == "vision/sgd"
    opened = open_page("pages/vision.py", params)
    assert opened.session_state["vision/run"].experiment.config == at.session_state["vision/run"].experiment.config
    assert ".st-key-vision-hidden { pointer-events: none; opacity: 0.55; }" in _styles(opened)


@pytest.mark.parametrize(
    ("page", "challenge", "title"),
    [
        ("tensors", "tensors/labels", "Fix the float class labels"),
        ("backprop", "backprop/predict", "Predict the update"),
        ("evaluation", "evaluation/mix-up", "Find the mix-up"),
    ],
)
def test_a_page_without_settings_takes_a_teachers_challenge(page, challenge, title):
    at = open_page(f"pages/{page}.py", {"challenge": challenge})
    panel = next(e for e in at.expander if e.label.startswith("Challenges:"))
    assert panel.proto.expanded
    texts = [m.value for m in at.markdown]
    assert title in texts[texts.index(":material/school: **Your teacher set this challenge.**") + 1]
    bad = open_page(f"pages/{page}.py", {"challenge": "tensors/nope"})
    assert "Ignored challenge='tensors/nope' from the link: no such challenge here." in [
        plain(i.value) for i in bad.info
    ]
