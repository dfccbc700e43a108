"""The workflow page under AppTest: train, save, load (good and bad files), and the code."""

import io
import os

import pytest
import torch

from core.checkpoints import to_bytes
from core.regression import RegressionConfig, RegressionModelConfig, build_regression, weight_and_bias
from tests.helpers import live_view_data, open_code, plain, wait_until
from tests.pages.conftest import open_page

K = "workflow/"


@pytest.fixture
def workflow():
    return open_page("pages/workflow.py")


def _run(at):
    return at.session_state[K + "run"]


def test_course_defaults_and_the_live_view(workflow):
    at = workflow
    run = _run(at)
    w, b = weight_and_bias(run.trainer.model)
    assert round(w, 4) == 0.3367 and round(b, 4) == 0.1288
    data = live_view_data(at)
    assert data["view"] == "regression" and data["landscape"] and data["truth_params"] == [0.7, 0.3]
    assert len(data["points"]["train"]) == 40 and len(data["points"]["test"]) == 10
    pictures = run.frame.pictures
    assert pictures["counters"][0]["value"].startswith("0.3367") and pictures["landscape"]["uri"]
    open_code(at, "workflow")
    assert "class LinearRegressionModel(nn.Module):" in at.code[0].value


def test_play_at_30_per_second_then_pause(workflow):
    at = workflow
    at.button(key=K + "play").click().run()
    run = _run(at)
    assert run.speed == 30.0
    assert wait_until(lambda: run.epoch >= 10)
    at.button(key=K + "pause").click().run()
    assert run.history[-1].train_loss < run.history[0].train_loss
    assert len(run.experiment.path) == run.epoch + 1


def test_switching_optimizer_keeps_the_old_path_to_compare(workflow):
    at = workflow
    for _ in range(5):
        at.button(key=K + "step").click().run()
    at.selectbox(key=K + "optimizer").set_value("Adam").run()
    ghosts = live_view_data(at)["ghosts"]
    assert len(ghosts) == 1 and ghosts[0]["label"] == "SGD lr 0.01" and len(ghosts[0]["path"]) >= 2
    assert _run(at).epoch == 0
    at.button(key=K + "forget_ghosts").click().run()
    assert live_view_data(at)["ghosts"] == []


def test_mlp_for_a_curve_has_no_landscape(workflow):
    at = workflow
    at.selectbox(key=K + "target").set_value("sine").run()
    assert any("cannot follow this curve" in plain(i.value) for i in at.info)
    at.selectbox(key=K + "model").set_value("mlp").run()
    assert not live_view_data(at)["landscape"]
    at.button(key=K + "step").click().run()
    assert not at.exception and _run(at).epoch == 1


def test_save_gives_pt_and_safetensors_with_keys(workflow):
    at = workflow
    rows = at.dataframe[0].value
    assert list(rows["key"]) == ["weights", "bias"] and list(rows["shape"]) == ["[1]", "[1]"]
    labels = [b.label for b in at.get("download_button")]
    assert "model.pt" in labels and "model.safetensors" in labels


@pytest.mark.parametrize("file_format", ["pt", "safetensors"])
def test_load_a_saved_model_compare_predictions_and_swap_it_in(workflow, file_format):
    at = workflow
    trained = build_regression(RegressionConfig())
    for _ in range(50):
        trained.trainer.run_epoch()
    data = to_bytes(trained.trainer.model, file_format)
    at.file_uploader(key=K + "upload").upload(f"model.{file_format}", data).run()
    assert any("Loaded 2 tensors" in s.value for s in at.success)
    assert any("predicts differently" in m.value for m in at.markdown)  # the page's model is untrained
    epoch = _run(at).epoch
    at.button(key=K + "swap").click().run()
    assert torch.equal(_run(at).trainer.model.weights, trained.trainer.model.weights)
    # The rerun that follows the click already shows the result, and the run keeps its counters.
    assert any("predictions equal your trained model's" in m.value for m in at.markdown)
    assert not any("predicts differently" in m.value for m in at.markdown)
    assert at.button(key=K + "swap").disabled and _run(at).epoch == epoch


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _pickle_bomb(marker) -> bytes:
    buffer = io.BytesIO()
    torch.save({"weights": Evil(marker)}, buffer)
    return buffer.getvalue()


def _other_architecture() -> bytes:
    mlp = build_regression(RegressionConfig(model=RegressionModelConfig("mlp"))).trainer.model
    return to_bytes(mlp, "pt")


def _zip_bomb() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    torch.save({"weights": torch.zeros(13_500_000), "bias": torch.zeros(1)}, buffer)
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
    return out.getvalue()


def test_an_upload_is_read_once_not_on_every_click(workflow, monkeypatch):
    from playground import checkpoint_ui

    calls = []
    real = checkpoint_ui.load_into_copy
    monkeypatch.setattr(checkpoint_ui, "load_into_copy", lambda *args: calls.append(1) or real(*args))
    at = workflow
    at.file_uploader(key=K + "upload").upload("model.pt", to_bytes(_run(at).trainer.model, "pt")).run()
    at.run()
    at.select_slider(key=K + "lr").set_value(0.1).run()
    assert len(calls) == 1
    at.button(key=K + "step").click().run()  # new weights: the comparison is redone, the file is not reread
    assert any("predicts differently" in m.value for m in at.markdown) and len(calls) == 1


def _nan_weights() -> bytes:
    model = build_regression(RegressionConfig()).trainer.model
    with torch.no_grad():
        model.bias.fill_(float("nan"))
    return to_bytes(model, "safetensors")


@pytest.mark.parametrize(
    "name,make,message",
    [
        ("evil.pt", "bomb", "Refused: this file holds more than weights"),
        ("mlp.pt", "other", "another architecture"),
        ("half.pt", "truncated", "damaged or incomplete"),
        ("empty.pt", "empty", "empty (0 bytes)"),
        ("notes.pt", "text", "not a PyTorch .pt file"),
        ("nan.safetensors", "nan", "NaN or infinite"),
        ("huge.pt", "huge", "up to 5 MB"),
        ("zipbomb.pt", "zipbomb", "would expand to"),
        ("model.exe", "text", "'model.exe' was refused: only .pt, .pth, .safetensors"),
    ],
)
def test_bad_files_leave_the_model_untouched(workflow, tmp_path, name, make, message):
    at = workflow
    at.button(key=K + "step").click().run()
    before = {k: v.clone() for k, v in _run(at).trainer.model.state_dict().items()}
    marker = tmp_path / "pwned"
    good = to_bytes(_run(at).trainer.model, "pt")
    content = {
        "bomb": lambda: _pickle_bomb(marker),
        "other": _other_architecture,
        "truncated": lambda: good[: len(good) // 2],
        "empty": lambda: b"",
        "text": lambda: b"hello, these are not weights",
        "nan": _nan_weights,
        "huge": lambda: b"PK" + b"\0" * (6 * 1024 * 1024),
        "zipbomb": _zip_bomb,
    }[make]()
    at.file_uploader(key=K + "upload").upload(name, content).run()
    assert any(message in plain(e.value) for e in at.error), [plain(e.value) for e in at.error]
    assert name.endswith(".exe") or any("current model is unchanged" in c.value for c in at.caption)
    after = _run(at).trainer.model.state_dict()
    assert all(torch.equal(after[k], v) for k, v in before.items())
    assert not marker.exists() and not at.exception
    at.button(key=K + "step").click().run()  # the session keeps working
    assert _run(at).epoch == 2


def test_learning_rate_ten_stops_with_a_message():
    at = open_page("pages/workflow.py")
    at.selectbox(key=K + "loss").set_value("MSE").run()
    at.select_slider(key=K + "lr").set_value(10.0).run()
    at.segmented_control(key=K + "speed").set_value("max").run()
    at.button(key=K + "play").click().run()
    run = _run(at)
    assert wait_until(lambda: not run.running)
    at.run()
    assert any("Lower the learning rate" in w.value for w in at.warning)
    assert all(torch.isfinite(p).all() for p in run.trainer.model.parameters())


def test_the_suggested_setup_for_a_curve_actually_fits_it(workflow):
    at = workflow
    at.selectbox(key=K + "target").set_value("sine").run()
    assert any("cannot follow this curve" in plain(i.value) for i in at.info)
    at.button(key=K + "suggest_mlp").click().run()
    run = _run(at)
    assert run.experiment.config.model.kind == "mlp" and run.experiment.config.train.optimizer == "Adam"
    assert not any("cannot follow this curve" in plain(i.value) for i in at.info)
    records = [run.trainer.run_epoch() for _ in range(150)]
    assert records[-1].train_loss < 0.05 * records[0].train_loss  # not a flat line: the curve is followed
