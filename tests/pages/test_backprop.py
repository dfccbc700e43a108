"""The backprop page under AppTest: five buttons in order, the chain rule beside autograd, editing, rewind."""

import pytest
import torch

from playground.backprop_view import Parameter, picked_from_chart
from tests.helpers import plain
from tests.pages.conftest import ROOT, open_page

K = "backprop/"
STEPS = ("forward", "loss", "zero_grad", "backward", "step")


@pytest.fixture
def backprop():
    return open_page("pages/backprop.py")


def _stepper(at):
    return at.session_state[K + "stepper"]


def _press(at, step):
    at.button(key=K + "do/" + step).click().run()
    assert not at.exception, [e.message for e in at.exception]


def test_only_the_next_step_can_be_pressed_and_each_marks_its_line(backprop):
    at = backprop
    for index, step in enumerate(STEPS):
        assert [at.button(key=K + "do/" + s).disabled for s in STEPS] == [i != index for i in range(5)]
        _press(at, step)
        code = at.code[0].value
        marked = [line for line in code.splitlines() if "# ← ran last" in line]
        assert (
            len(marked) == 1
            and {
                "forward": "model(X_batch)",
                "loss": "loss_fn(",
                "zero_grad": "zero_grad()",
                "backward": "backward()",
                "step": "optimizer.step()",
            }[step]
            in marked[0]
        )
    assert _stepper(at).steps_done == 1


def test_after_backward_the_chain_rule_equals_autograd_and_after_step_the_update_is_written_out(backprop):
    at = backprop
    for step in STEPS[:4]:
        _press(at, step)
    texts = [plain(m.value) for m in at.markdown]
    assert any("They agree." in text for text in texts)
    chain = next(c.value for c in at.code if c.value.startswith("output layer"))
    assert "dL/dz = (σ(z) − y) / N" in chain and "1 − tanh(z)²" in chain
    grad = float(next(m.value for m in at.metric if m.label == ".grad"))
    stepper = _stepper(at)
    assert grad == pytest.approx(float(stepper.model[0].weight.grad[0, 0]), rel=1e-5)
    _press(at, "step")
    update = next(text for text in (plain(m.value) for m in at.markdown) if "The update:" in text)
    assert f"{stepper.lr:g} ×" in update
    assert f"{float(stepper.model[0].weight.detach()[0, 0]):.6g}" in update


def test_choosing_another_weight_or_a_bias_shows_its_own_chain(backprop):
    at = backprop
    for step in STEPS[:4]:
        _press(at, step)
    labels = at.selectbox(key=K + "chosen").options
    assert "bias of output" in labels and "weight layer 2 unit 2 → output" in labels
    at.selectbox(key=K + "chosen").set_value("bias of output").run()
    assert any("They agree." in plain(m.value) for m in at.markdown)
    assert any("dL/db" in c.value for c in at.code)


def test_a_click_on_the_network_picks_the_weight_or_bias():
    class Event:
        class selection:  # noqa: N801  (the shape of Streamlit's plotly event)
            points = [{"customdata": [1, 0, 2]}]

    assert picked_from_chart(Event) == Parameter(1, 0, 2)
    Event.selection.points = [{"customdata": [0, 1, -1]}]
    assert picked_from_chart(Event) == Parameter(0, 1, None)
    Event.selection.points = [{"customdata": [-1, 0, -1]}]  # an input unit has no bias
    assert picked_from_chart(Event) is None


def test_setting_a_weight_by_hand_changes_the_loss_at_once(backprop):
    at = backprop
    before = float(next(m.value for m in at.metric if m.label == "Training-set loss now"))
    at.number_input(key=K + "edit").set_value(3.0).run()
    assert float(_stepper(at).model[0].weight.detach()[0, 0]) == 3.0
    after = float(next(m.value for m in at.metric if m.label == "Training-set loss now"))
    assert after != before
    assert any(f"{before:.6g} → {after:.6g}" in c.value for c in at.caption)


def test_same_start_restores_the_weights_bit_for_bit_and_new_start_draws_others(backprop):
    at = backprop
    start = {k: v.clone() for k, v in _stepper(at).model.state_dict().items()}
    at.button(key=K + "do/ten").click().run()
    assert _stepper(at).steps_done == 10
    at.button(key=K + "same").click().run()
    now = _stepper(at).model.state_dict()
    assert all(torch.equal(start[k], now[k]) for k in start) and _stepper(at).steps_done == 0
    at.button(key=K + "new").click().run()
    assert not all(torch.equal(start[k], v) for k, v in _stepper(at).model.state_dict().items())


def test_it_steps_through_the_playgrounds_own_model_and_settings():
    at = open_page("pages/classification.py")
    at.selectbox(key="classification/dataset").set_value("xor").run()
    at.button(key="classification/step").click().run()
    run = at.session_state["classification/run"]
    at.switch_page(str(ROOT / "pages" / "backprop.py")).run()
    assert not at.exception
    stepper = _stepper(at)
    for name, value in run.trainer.model.state_dict().items():
        assert torch.equal(stepper.model.state_dict()[name], value)
    assert stepper.model is not run.trainer.model  # a copy: stepping here leaves the playground's model alone
    at.button(key=K + "do/all").click().run()
    assert stepper.steps_done == 1 and run.epoch == 1


def test_the_nodes_show_one_point_or_the_batch_mean(backprop):
    at = backprop
    _press(at, "forward")
    at.number_input(key=K + "point").set_value(3).run()
    figure = at.get("plotly_chart")[0].proto.spec
    stepper = _stepper(at)
    assert f"a = {float(stepper.shown.a[1][3, 0]):.4f}" in figure
    at.toggle(key=K + "mean").set_value(True).run()
    figure = at.get("plotly_chart")[0].proto.spec
    assert f"batch mean of a = {float(stepper.shown.a[1][:, 0].mean()):.4f}" in figure


def _panel(at):
    return next(e for e in at.expander if e.label.startswith("Challenges:"))


def test_a_prediction_typed_before_the_step_is_checked_when_it_runs_and_meets_its_challenge(backprop):
    at = backprop
    assert _panel(at).label == "Challenges: 0 of 4 done"
    for step in STEPS[:4]:
        _press(at, step)
    value = float(next(m.value for m in at.metric if m.label == "Value now"))  # as the learner reads them
    grad = float(next(m.value for m in at.metric if m.label == ".grad"))
    guess = next(n for n in at.number_input if n.key.startswith(K + "guess/"))
    assert guess.label == "Predict its value after optimizer.step()" and guess.value is None
    guess.set_value(round(value - _stepper(at).lr * grad, 8)).run()
    _press(at, "step")
    assert any(s.value.startswith("You predicted") and "right" in s.value for s in at.success)
    assert _panel(at).label == "Challenges: 1 of 4 done"
    assert "backprop/predict" in at.session_state["challenges/done"]


def test_a_wrong_prediction_says_how_and_leaves_the_challenge_open(backprop):
    at = backprop
    for step in STEPS[:4]:
        _press(at, step)
    value = float(next(m.value for m in at.metric if m.label == "Value now"))
    next(n for n in at.number_input if n.key.startswith(K + "guess/")).set_value(value).run()
    _press(at, "step")
    assert any("nearer the old value" in i.value for i in at.info)
    assert _panel(at).label == "Challenges: 0 of 4 done"


def test_a_learning_rate_of_ten_on_the_playground_overshoots_here():
    at = open_page("pages/classification.py", query={"lr": "10"})
    at.switch_page(str(ROOT / "pages" / "backprop.py")).run()
    assert not at.exception
    at.button(key=K + "do/all").click().run()
    assert "backprop/overshoot" in at.session_state["challenges/done"]
    assert any(c.value.startswith("Done. Now: the worst step changed the loss") for c in at.caption)
