"""The challenges panel under AppTest: progress on the learner's run, hints one at a time, done marks, forget."""

from playground.challenges_ui import DONE, remember
from tests.pages.conftest import ROOT, open_page

K = "challenges/"
XOR = {"dataset": "xor", "features": "x1,x2,x1*x2", "hidden": "none", "lr": "0.1"}


def _panel(at, page):
    return next(e for e in at.expander if e.label.startswith("Challenges:"))


def test_the_classification_panel_lists_its_challenges_with_progress_on_this_run():
    at = open_page("pages/classification.py")
    assert _panel(at, "classification").label == "Challenges: 0 of 5 done"
    captions = [c.value for c in at.caption]
    assert any("Not yet. This run: Pick the Spiral" in c for c in captions)
    assert any("This run: Use one hidden layer of at most 3 neurons." in c for c in captions)  # TF's [4, 2]


def test_hints_come_one_at_a_time_and_then_the_button_goes():
    at = open_page("pages/classification.py")
    key = K + "hint/classification/xor"
    at.button(key=key).click().run()
    hints = [c.value for c in at.caption if c.value.startswith("Hint:")]
    assert hints == ["Hint: Without hidden layers the boundary is a straight line in the inputs you give it."]
    assert at.button(key=key).label == "Another hint"
    at.button(key=key).click().run()
    at.button(key=key).click().run()
    assert len([c for c in at.caption if c.value.startswith("Hint:")]) == 3
    assert not [b for b in at.button if b.key == key]  # all hints shown


def test_a_run_that_meets_a_challenge_marks_it_done_and_forget_clears_it():
    at = open_page("pages/classification.py", query=XOR)
    for _ in range(40):
        at.button(key="classification/step").click().run()
        if "classification/xor" in at.session_state[DONE]:
            break
    assert "classification/xor" in at.session_state[DONE]
    assert _panel(at, "classification").label == "Challenges: 1 of 5 done"
    assert any("Done. This run: best test accuracy" in c.value for c in at.caption)
    at.switch_page(str(ROOT / "pages" / "home.py")).run()  # a done mark outlives the run and the page
    at.switch_page(str(ROOT / "pages" / "classification.py")).run()
    assert _panel(at, "classification").label == "Challenges: 1 of 5 done"
    at.selectbox(key="classification/dataset").set_value("circle").run()  # a new run: it meets nothing yet
    assert "classification/xor" in at.session_state[DONE]
    at.button(key=K + "forget/classification").click().run()
    assert at.session_state[DONE] == set() and _panel(at, "classification").label == "Challenges: 0 of 5 done"


def test_the_workflow_panel_checks_the_course_run():
    at = open_page("pages/workflow.py")
    assert _panel(at, "workflow").label == "Challenges: 0 of 3 done"
    at.button(key="workflow/step").click().run()
    assert any("This run: now weight" in c.value for c in at.caption)


def test_the_browser_list_is_filtered_to_known_challenges_and_bounded():
    known = {"workflow/fast"}
    assert remember(known, ["classification/xor", "nonsense", 7, None]) == {"workflow/fast", "classification/xor"}
    assert remember(set(), ["x"] * 10_000 + ["classification/xor"]) == set()  # past the bound: ignored


def test_the_vision_panel_checks_the_digits_run():
    at = open_page("pages/vision.py")
    assert _panel(at, "vision").label == "Challenges: 0 of 3 done"
    assert any("This run: 10 channels: at most 4." in c.value for c in at.caption)
