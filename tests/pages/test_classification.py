"""The classification page under AppTest: one run() per training tick."""

from tests.pages.conftest import open_page

K = "classification/"


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _run(at):
    return at.session_state[K + "run"]


def test_page_loads_with_tf_playground_defaults(classification):
    at = classification
    assert _metric(at, "Epoch") == "0"
    assert at.selectbox(key=K + "dataset").value == "circle"
    assert at.select_slider(key=K + "lr").value == 0.03
    assert at.selectbox(key=K + "activation").value == "tanh"
    assert at.slider(key=K + "layers").value == 2
    assert [at.number_input(key=f"{K}neurons/{i}").value for i in range(2)] == [4, 2]
    assert any("Show the PyTorch code" in e.label for e in at.expander)
    assert "nn.Tanh()" in at.code[0].value


def test_play_ticks_move_the_loss_and_pause_stops(classification):
    at = classification
    at.button(key=K + "play").click().run()
    assert _run(at).running
    losses = []
    for _ in range(4):
        at.run()
        losses.append(_run(at).history[-1].train_loss)
    epochs = int(_metric(at, "Epoch").replace(",", ""))
    assert epochs >= 4 and losses[-1] < losses[0]
    assert _metric(at, "Train loss") != "–"
    at.button(key=K + "pause").click().run()
    assert not _run(at).running
    before = _run(at).epoch
    at.run()
    assert _run(at).epoch == before


def test_step_trains_one_epoch_and_reset_starts_again(classification):
    at = classification
    at.button(key=K + "step").click().run()
    assert _metric(at, "Epoch") == "1"
    at.button(key=K + "reset").click().run()
    assert _metric(at, "Epoch") == "0" and _run(at).history == []


def test_learning_rate_change_applies_without_reset(classification):
    at = classification
    at.button(key=K + "step").click().run()
    model = _run(at).trainer.model
    at.select_slider(key=K + "lr").set_value(0.3).run()
    run = _run(at)
    assert run.trainer.model is model and run.epoch == 1
    assert run.trainer.optimizer.param_groups[0]["lr"] == 0.3
    at.selectbox(key=K + "reg").set_value("L2").run()
    at.select_slider(key=K + "reg_rate").set_value(0.01).run()
    assert _run(at).experiment.penalty.kind == "L2" and _run(at).experiment.penalty.rate == 0.01
    assert _run(at).trainer.model is model


def test_controls_change_what_is_computed(classification):
    at = classification
    at.selectbox(key=K + "dataset").set_value("blobs").run()
    at.slider(key=K + "classes").set_value(5).run()
    run = _run(at)
    assert run.experiment.n_classes == 5
    assert run.trainer.model[-1].out_features == 5
    at.checkbox(key=K + "feature/x1^2").check().run()
    at.slider(key=K + "layers").set_value(3).run()
    at.number_input(key=K + "neurons/2").set_value(6).run()
    at.selectbox(key=K + "activation").set_value("relu").run()
    model = _run(at).trainer.model
    assert model[0].in_features == 3
    assert [m.out_features for m in model if hasattr(m, "out_features")] == [4, 2, 6, 5]
    assert type(model[1]).__name__ == "ReLU"
    assert "nn.CrossEntropyLoss()" in at.code[0].value
    assert at.query_params["dataset"] == ["blobs"] or at.query_params["dataset"] == "blobs"


def test_zero_hidden_layers_and_full_batch_work(classification):
    at = classification
    at.slider(key=K + "layers").set_value(0).run()
    at.select_slider(key=K + "batch").set_value(0).run()
    at.button(key=K + "step").click().run()
    assert not at.exception and _metric(at, "Epoch") == "1"
    assert len(_run(at).trainer.model) == 1


def test_learning_rate_ten_stops_with_a_message_and_keeps_history():
    at = open_page(
        "app_pages/classification.py",
        query={
            "dataset": "spiral",
            "features": "x1,x2,x1^2,x2^2,x1*x2",
            "hidden": "8,8",
            "activation": "linear",
            "lr": "0.001",
        },
    )
    at.button(key=K + "play").click().run()
    at.run()
    history = list(_run(at).history)
    assert history
    at.select_slider(key=K + "lr").set_value(10.0).run()
    for _ in range(5):
        if not _run(at).running:
            break
        at.run()
    run = _run(at)
    assert not run.running
    assert any("Lower the learning rate" in w.value for w in at.warning)
    assert run.history[: len(history)] == history
    assert not at.exception


def test_link_settings_are_applied_and_garbage_gets_a_notice():
    at = open_page(
        "app_pages/classification.py", query={"dataset": "xor", "hidden": "3,3,3", "lr": "banana", "noise": "20"}
    )
    assert at.selectbox(key=K + "dataset").value == "xor"
    assert at.slider(key=K + "layers").value == 3
    assert at.slider(key=K + "noise").value == 20
    assert at.select_slider(key=K + "lr").value == 0.03
    assert any("Ignored lr='banana'" in i.value for i in at.info)


def test_settings_survive_a_trip_to_home(classification):
    at = classification
    at.selectbox(key=K + "dataset").set_value("spiral").run()
    at.button(key=K + "step").click().run()
    at.switch_page("app_pages/home.py").run()
    at.switch_page("app_pages/classification.py").run()
    assert at.selectbox(key=K + "dataset").value == "spiral"
    assert _metric(at, "Epoch") == "1"
