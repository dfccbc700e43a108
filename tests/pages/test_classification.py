"""The classification page under AppTest (the live view's frames are tested in tests/playground and e2e)."""

import math

import pytest
import torch

from playground.live.scheduler import SCHEDULER
from tests.helpers import live_view_data, open_code, plain, wait_until
from tests.pages.conftest import ROOT, open_page

K = "classification/"


def _run(at):
    return at.session_state[K + "run"]


def test_page_loads_with_tf_playground_defaults(classification):
    at = classification
    assert _run(at).epoch == 0
    assert at.selectbox(key=K + "dataset").value == "circle"
    assert at.select_slider(key=K + "lr").value == 0.03
    assert at.selectbox(key=K + "activation").value == "tanh"
    assert at.slider(key=K + "layers").value == 2
    assert [at.number_input(key=f"{K}neurons/{i}").value for i in range(2)] == [4, 2]
    assert any("Show the PyTorch code" in e.label for e in at.expander)
    assert not at.code  # the code view is closed: drawn when opened
    open_code(at, "classification")
    assert "nn.Tanh()" in at.code[0].value
    assert "Download as a going-modular project (.zip)" in [button.label for button in at.download_button]
    data = live_view_data(at)
    assert data["stream"].endswith(_run(at).token) and not data["running"]
    assert len(data["points"]["train"]) == 250 and len(data["points"]["test"]) == 250
    assert data["n_classes"] == 2


def test_play_trains_in_the_background_the_loss_falls_and_pause_stops(classification):
    at = classification
    at.button(key=K + "play").click().run()
    run = _run(at)
    assert run.running and live_view_data(at)["running"]
    assert wait_until(lambda: run.epoch >= 30)
    assert run.history[-1].train_loss < run.history[0].train_loss
    at.run()
    at.button(key=K + "pause").click().run()
    assert not run.running
    stopped = run.epoch  # the Pause callback returned: no slice trains any more
    assert wait_until(lambda: not SCHEDULER.is_training(run))
    assert run.epoch == stopped
    assert at.button(key=K + "play").label == "Play"  # the button says Play again


def test_step_trains_one_epoch_and_reset_starts_again(classification):
    at = classification
    at.button(key=K + "step").click().run()
    assert _run(at).epoch == 1
    token = _run(at).token
    at.button(key=K + "reset").click().run()
    assert _run(at).epoch == 0 and _run(at).history == [] and _run(at).token != token


def test_learning_rate_change_applies_to_the_running_model(classification):
    at = classification
    at.button(key=K + "play").click().run()
    run = _run(at)
    model = run.trainer.model
    assert wait_until(lambda: run.epoch >= 2)
    at.select_slider(key=K + "lr").set_value(0.3).run()
    assert _run(at) is run and run.trainer.model is model and run.running
    assert run.trainer.optimizer.param_groups[0]["lr"] == 0.3
    assert at.query_params["lr"] == "0.3"  # the link follows
    at.selectbox(key=K + "reg").set_value("L2").run()
    at.select_slider(key=K + "reg_rate").set_value(0.01).run()
    assert run.experiment.penalty.kind == "L2" and run.experiment.penalty.rate == 0.01
    assert _run(at).trainer.model is model
    at.button(key=K + "pause").click().run()


def test_the_open_code_view_shows_the_live_settings(classification):
    at = open_code(classification, "classification")
    assert "lr=0.03" in at.code[0].value
    at.select_slider(key=K + "lr").set_value(0.3).run()
    at.select_slider(key=K + "batch").set_value(30).run()
    assert "lr=0.3" in at.code[0].value and "BATCH_SIZE = 30" in at.code[0].value
    assert _run(at).trainer.batch_size == 30 and at.session_state[K + "settings"].train.batch_size == 30


def test_controls_change_what_is_computed(classification):
    at = classification
    at.selectbox(key=K + "dataset").set_value("blobs").run()
    at.slider(key=K + "classes").set_value(5).run()
    run = _run(at)
    assert run.experiment.n_classes == 5 and live_view_data(at)["n_classes"] == 5
    assert run.trainer.model[-1].out_features == 5
    at.checkbox(key=K + "feature/x1^2").check().run()
    at.slider(key=K + "layers").set_value(3).run()
    at.number_input(key=K + "neurons/2").set_value(6).run()
    at.selectbox(key=K + "activation").set_value("relu").run()
    model = _run(at).trainer.model
    assert model[0].in_features == 3
    assert [m.out_features for m in model if hasattr(m, "out_features")] == [4, 2, 6, 5]
    assert type(model[1]).__name__ == "ReLU"
    open_code(at, "classification")
    assert "nn.CrossEntropyLoss()" in at.code[0].value
    assert at.query_params["dataset"] in (["blobs"], "blobs")
    titles = [layer["title"] for layer in _run(at).frame.pictures["neurons"]]
    assert titles == ["Inputs (3)", "Hidden layer 1 (4)", "Hidden layer 2 (2)", "Hidden layer 3 (6)"]


def test_view_toggles_reach_the_live_view(classification):
    at = classification
    at.toggle(key=K + "show_test").set_value(True).run()
    at.toggle(key=K + "discretize").set_value(True).run()
    data = live_view_data(at)
    assert data["show_test"] and data["discretize"]


def test_zero_hidden_layers_and_full_batch_work(classification):
    at = classification
    at.slider(key=K + "layers").set_value(0).run()
    at.select_slider(key=K + "batch").set_value(0).run()
    at.button(key=K + "step").click().run()
    assert not at.exception and _run(at).epoch == 1
    assert len(_run(at).trainer.model) == 1


def test_learning_rate_ten_stops_with_a_message_and_keeps_history():
    at = open_page(
        "pages/classification.py",
        query={
            "dataset": "spiral",
            "features": "x1,x2,x1^2,x2^2,x1*x2",
            "hidden": "8,8",
            "activation": "linear",
            "lr": "0.001",
        },
    )
    for _ in range(3):
        at.button(key=K + "step").click().run()
    history = list(_run(at).history)
    at.select_slider(key=K + "lr").set_value(10.0).run()
    at.button(key=K + "play").click().run()
    run = _run(at)
    assert wait_until(lambda: not run.running)
    at.run()
    assert any("Lower the learning rate" in w.value for w in at.warning)
    assert run.history[: len(history)] == history
    assert at.button(key=K + "play").label == "Play" and not at.exception


def test_link_settings_are_applied_and_garbage_gets_a_notice():
    at = open_page(
        "pages/classification.py", query={"dataset": "xor", "hidden": "3,3,3", "lr": "banana", "noise": "20"}
    )
    assert at.selectbox(key=K + "dataset").value == "xor"
    assert at.slider(key=K + "layers").value == 3
    assert at.slider(key=K + "noise").value == 20
    assert at.select_slider(key=K + "lr").value == 0.03
    assert any("Ignored lr='banana'" in plain(i.value) for i in at.info)


def test_settings_and_model_survive_a_trip_to_home(classification):
    at = classification
    at.selectbox(key=K + "dataset").set_value("spiral").run()
    at.button(key=K + "step").click().run()
    at.switch_page(str(ROOT / "pages/home.py")).run()
    at.switch_page(str(ROOT / "pages/classification.py")).run()
    assert at.selectbox(key=K + "dataset").value == "spiral"
    assert _run(at).epoch == 1


def test_closer_look_draws_the_chosen_neuron(classification):
    at = classification
    assert K + "neuron" not in [box.key for box in at.selectbox]  # closed: nothing drawn, no cost per click
    at.session_state[K + "closer"] = True  # the learner opens the expander
    at.run()
    names = at.selectbox(key=K + "neuron").options
    assert names[0] == "input x1" and names[-1] == "layer 2, neuron 2"
    at.selectbox(key=K + "neuron").set_value(3).run()
    assert not at.exception


def test_picking_the_course_circles_brings_its_noise(classification):
    at = classification
    at.selectbox(key=K + "dataset").set_value("circles").run()
    assert at.slider(key=K + "noise").value == 3
    assert len(_run(at).experiment.raw_train[0]) + len(_run(at).experiment.raw_test[0]) == 1000


def test_the_run_is_keyed_by_the_resolved_device(classification):
    at = classification
    token = _run(at).token
    assert _run(at).key[1] == "cpu"
    at.sidebar.selectbox(key="app/device").set_value("cpu").run()  # auto resolved to cpu already: keep the run
    assert _run(at).token == token and _run(at).trainer.X_train.device.type == "cpu"


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_a_finite_but_unstable_loss_at_learning_rate_ten_stops_with_one_message(activation):
    at = open_page("pages/classification.py", query={"activation": activation, "lr": "10"})
    at.button(key=K + "play").click().run()
    run = _run(at)
    assert wait_until(lambda: not run.running, timeout_s=60), "a learning rate of 10 trained on silently"
    at.run()
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "Training is unstable" in warnings[0] and "try 1" in warnings[0]
    assert live_view_data(at)["shown_message"] == warnings[0]  # the live view does not repeat it
    assert all(math.isfinite(r.train_loss) for r in run.history)


def test_a_full_server_refuses_play_with_one_line_and_the_page_keeps_working(classification, monkeypatch):
    from playground.live.pool import POOL

    at = classification
    monkeypatch.setattr(POOL, "max_runs", 0)  # as if the class had filled the server
    at.button(key=K + "play").click().run()
    assert not at.exception and not _run(at).running
    refusals = [w.value for w in at.warning if "as many models as it may" in w.value]
    assert len(refusals) == 1 and "\n" not in refusals[0]
    monkeypatch.setattr(POOL, "max_runs", 10)  # a place is free again
    at.button(key=K + "play").click().run()
    assert _run(at).running and not [w for w in at.warning if "as many models" in w.value]
    at.button(key=K + "pause").click().run()


def test_reset_is_the_same_start_bit_for_bit_and_new_start_draws_other_weights(classification):
    at = classification
    start = {k: v.clone() for k, v in _run(at).trainer.model.state_dict().items()}
    at.button(key=K + "step").click().run()
    at.button(key=K + "reset").click().run()
    assert all(torch.equal(start[k], v) for k, v in _run(at).trainer.model.state_dict().items())
    at.button(key=K + "new_start").click().run()
    fresh = {k: v.clone() for k, v in _run(at).trainer.model.state_dict().items()}
    assert not all(torch.equal(start[k], fresh[k]) for k in start)
    assert at.query_params["start"] == "1" and _run(at).epoch == 0
    at.button(key=K + "step").click().run()
    at.button(key=K + "reset").click().run()
    assert all(torch.equal(fresh[k], v) for k, v in _run(at).trainer.model.state_dict().items())
    open_code(at, "classification")
    assert "torch.manual_seed(SEED + 1)" in at.code[0].value
