"""Backprop step by step: the chain rule written out equals autograd for every parameter, the step is w − lr·grad."""

import copy

import pytest
import torch
from torch import nn

from core.backprop import STEPS, BackpropStepper, linear_layers, loop_source
from core.data.toy2d import DATASETS
from core.models import MLPConfig, build_mlp
from core.objectives import make_loss


def _stepper(hidden=(3, 2), activation="tanh", n_classes=2, loss="auto", batch=10, seed=3):
    """n_classes 0: regression on TF Playground's multi gaussian (MSE on one output)."""
    info = DATASETS["multi_gauss" if n_classes == 0 else "gauss" if n_classes == 2 else "blobs"]
    X, y = info.generate(60, 0.1, seed=seed, n_classes=n_classes)
    out = 1 if n_classes in (0, 2) else n_classes
    model = build_mlp(2, MLPConfig(hidden, activation), out, seed=seed)
    loss_fn = make_loss(loss, n_classes, regression=n_classes == 0)
    return BackpropStepper(model, loss_fn, X, y, lr=0.1, batch_size=batch, seed=seed)


def _through_backward(stepper):
    for _ in range(4):
        stepper.advance()
    assert stepper.next_step == "step"


def _every_parameter(stepper):
    for layer_index, layer in enumerate(linear_layers(stepper.model)):
        for unit in range(layer.out_features):
            yield layer_index, unit, None
            for source in range(layer.in_features):
                yield layer_index, unit, source


@pytest.mark.parametrize(
    ("hidden", "activation", "n_classes", "loss"),
    [
        ((3, 2), "tanh", 2, "auto"),
        ((4,), "relu", 3, "auto"),
        ((3, 3), "sigmoid", 2, "mse"),
        ((2, 3), "leaky relu", 3, "mse"),
        ((3,), "gelu", 2, "auto"),
        ((), "linear", 2, "auto"),
        ((3, 2), "tanh", 0, "auto"),
        ((4,), "relu", 0, "auto"),
    ],
)
def test_the_chain_rule_equals_autograd_for_every_weight_and_bias(hidden, activation, n_classes, loss):
    stepper = _stepper(hidden, activation, n_classes, loss)
    _through_backward(stepper)
    for layer, unit, source in _every_parameter(stepper):
        rule = stepper.chain_rule(layer, unit, source)
        assert rule.total == pytest.approx(rule.autograd, abs=1e-6), rule.name
        assert sum(rule.per_point) == pytest.approx(rule.total, abs=1e-6)
        assert rule.point_lines and rule.formula


def test_the_chain_rule_written_out_names_its_numbers():
    stepper = _stepper()
    _through_backward(stepper)
    rule = stepper.chain_rule(0, 1, 0, point=2)
    assert rule.name == "layer 1, w[1, 0] (input 0 → unit 1)"
    assert rule.formula[0] == "output layer: dL/dz = (σ(z) − y) / N"
    assert any("1 − tanh(z)²" in line for line in rule.formula)
    last = rule.point_lines[-1]
    assert last.startswith("dL/dw for point 2 = dL/dz_1 · a_0 = ")
    assert f"{rule.per_point[2]:.6g}" in last


def test_the_chain_rule_needs_a_backward_pass_of_this_batch():
    stepper = _stepper()
    stepper.advance()  # forward only
    with pytest.raises(RuntimeError, match="backward pass"):
        stepper.chain_rule(0, 0, 0)


def test_the_five_steps_show_what_each_changed():
    stepper = _stepper()
    assert [stepper.advance() for _ in range(2)] == ["forward", "loss"]
    shown = stepper.shown
    assert [z.shape for z in shown.z] == [(10, 3), (10, 2), (10, 1)]
    assert torch.equal(shown.a[1], torch.tanh(shown.z[0]))
    assert shown.loss == pytest.approx(float(stepper.loss_fn(shown.logits, stepper.y[stepper.batch])))
    stepper.advance()  # zero_grad: the course's default clears them to None
    assert all(grad is None for grad in stepper.shown.grads.values())
    stepper.advance()  # backward
    for name, parameter in stepper.named_parameters():
        assert torch.equal(stepper.shown.grads[name], parameter.grad)
    assert stepper.advance() == "step"
    for name, _ in stepper.named_parameters():
        expected = stepper.shown.before[name].add(stepper.shown.grads[name], alpha=-0.1)  # w − lr · grad
        assert torch.equal(stepper.shown.after[name], expected)
    assert stepper.next_step == "forward" and stepper.steps_done == 1


def test_the_loop_source_has_one_line_per_step():
    source = loop_source(10, 0.03)
    assert "lr=0.03" in source and "batch_size=10" in source
    assert [line.strip() for line in source.splitlines()[2:]] == [
        "logits = model(X_batch)",
        "loss = loss_fn(logits, y_batch)",
        "optimizer.zero_grad()",
        "loss.backward()",
        "optimizer.step()",
    ]
    assert len(STEPS) == 5


def test_an_edited_weight_changes_the_loss_by_the_expected_amount():
    stepper = _stepper()
    before = stepper.current_loss()
    weight = stepper.model[0].weight
    reference = copy.deepcopy(stepper.model)
    with torch.no_grad():
        reference[0].weight[1, 0] = 0.75
    stepper.set_parameter("0.weight", (1, 0), 0.75)
    with torch.no_grad():
        expected = float(stepper.loss_fn(reference(stepper.X), stepper.y))
    assert float(weight.detach()[1, 0]) == 0.75 and stepper.current_loss() == expected != before
    # and a small change moves the loss by about gradient × change (the full-batch gradient, from autograd)
    stepper.model.zero_grad()
    stepper.loss_fn(stepper.model(stepper.X), stepper.y).backward()
    slope = float(weight.grad[1, 0])
    start = stepper.current_loss()
    stepper.set_parameter("0.weight", (1, 0), 0.75 + 1e-3)
    assert stepper.current_loss() - start == pytest.approx(slope * 1e-3, rel=0.05, abs=1e-7)


def test_rewind_restores_bitwise_identical_weights_and_a_new_start_differs():
    stepper = _stepper()
    start = {name: p.detach().clone() for name, p in stepper.named_parameters()}
    for _ in range(10):
        stepper.advance()
    assert not all(torch.equal(start[name], p) for name, p in stepper.named_parameters())
    stepper.rewind(same_start=True)
    assert all(torch.equal(start[name], p) for name, p in stepper.named_parameters())
    assert stepper.next_step == "forward" and stepper.steps_done == 0
    stepper.rewind(same_start=False, seed=11)
    fresh = {name: p.detach().clone() for name, p in stepper.named_parameters()}
    assert not all(torch.equal(start[name], fresh[name]) for name in start)
    for _ in range(5):
        stepper.advance()
    stepper.rewind(same_start=True)  # "same start" is now the new start
    assert all(torch.equal(fresh[name], p) for name, p in stepper.named_parameters())


def test_the_stepper_trains_the_model_like_the_course_loop():
    stepper = _stepper(batch=60)
    first = stepper.current_loss()
    for _ in range(5 * 50):
        stepper.advance()
    assert stepper.current_loss() < first
    assert isinstance(stepper.optimizer, torch.optim.SGD) and isinstance(stepper.model, nn.Sequential)


def test_a_regression_step_names_its_output_and_target_value():
    stepper = _stepper(n_classes=0)
    _through_backward(stepper)
    rule = stepper.chain_rule(0, 0, 0)
    assert rule.formula[0] == "output layer: dL/dŷ = 2(ŷ − y) / N"
    assert "(output " in rule.point_lines[0] and ", target value " in rule.point_lines[0]


def test_the_stepper_keeps_the_loss_after_each_step_every_hand_edit_and_settled_predictions():
    stepper = _stepper()
    assert stepper.losses == [pytest.approx(stepper.current_loss())]
    _through_backward(stepper)
    weight = stepper.model[0].weight[1, 0].item()
    grad = float(stepper.model[0].weight.grad[1, 0])
    edit = stepper.set_parameter("0.weight", (1, 0), weight - 0.5 * grad)
    assert (edit.old, edit.grad, edit.loss_after) == (weight, grad, stepper.current_loss())
    assert stepper.edits == [edit]
    moved = stepper.model[0].weight[1, 0].item()
    stepper.predict("0.weight", (1, 0), moved - stepper.lr * grad)
    stepper.advance()  # optimizer.step()
    assert stepper.losses[1] == pytest.approx(stepper.current_loss()) and len(stepper.losses) == 2
    (prediction,) = stepper.predictions
    assert (prediction.step, prediction.old) == (1, moved)
    assert prediction.actual == stepper.model[0].weight[1, 0].item()
    assert prediction.predicted == pytest.approx(prediction.actual, abs=1e-7)
    stepper.rewind(same_start=True)
    assert (len(stepper.losses), stepper.edits, stepper.predictions) == (1, [], [])


def test_a_prediction_for_a_step_that_ten_batches_skipped_past_is_dropped():
    stepper = _stepper()
    stepper.predict("0.bias", (0,), 0.0)  # for step 1
    for _ in range(10):  # two whole batches: step 1 settles it, step 2 does not add another
        stepper.advance()
    assert [p.step for p in stepper.predictions] == [1]
    stepper.predict("0.bias", (0,), 0.0)  # for step 3 ...
    stepper.rewind(same_start=True)  # ... which never comes
    for _ in range(5):
        stepper.advance()
    assert stepper.predictions == []
