"""Saving and loading state_dicts: round trips, and every bad file refused with the model untouched."""

import io
import os

import pytest
import torch
from torch import nn

from core.checkpoints import MAX_CHECKPOINT_BYTES, CheckpointError, load_into_copy, same_predictions, to_bytes
from core.regression import LinearRegressionModel, RegressionConfig, RegressionModelConfig, build_regression


def _trained(kind="parameters"):
    experiment = build_regression(RegressionConfig(model=RegressionModelConfig(kind)))
    for _ in range(20):
        experiment.trainer.run_epoch()
    return experiment.trainer.model, experiment.test[0]


@pytest.mark.parametrize("file_format", ["pt", "safetensors"])
@pytest.mark.parametrize("kind", ["parameters", "linear", "mlp"])
def test_round_trip_gives_equal_predictions(file_format, kind):
    model, X = _trained(kind)
    data = to_bytes(model, file_format)
    fresh = build_regression(RegressionConfig(model=RegressionModelConfig(kind), seed=7)).trainer.model
    loaded = load_into_copy(fresh, data, f"model.{file_format}")
    assert loaded.model is not fresh
    assert same_predictions(loaded.model, model, X) == (True, 0.0)
    assert not same_predictions(fresh, model, X)[0]  # the fresh model itself was not changed
    assert sorted(k for k, _, _ in loaded.keys) == sorted(model.state_dict())


class Evil:
    """Unpickling this would run a shell command."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_that_would_run_code_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    buffer = io.BytesIO()
    torch.save({"weights": torch.zeros(1), "bias": Evil(marker)}, buffer)
    model = LinearRegressionModel()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(CheckpointError, match="Refused: this .pt file contains more than weights"):
        load_into_copy(model, buffer.getvalue(), "model.pt")
    assert not marker.exists()
    assert all(torch.equal(model.state_dict()[k], v) for k, v in before.items())


def test_another_architecture_is_explained_key_by_key():
    mlp, _ = _trained("mlp")
    with pytest.raises(CheckpointError, match="another architecture: missing weights, bias; unexpected 0.weight"):
        load_into_copy(LinearRegressionModel(), to_bytes(mlp, "pt"), "model.pt")
    wide = nn.Linear(3, 1)
    with pytest.raises(CheckpointError, match=r"different shapes \(weight: file \[1, 3\], model \[1, 1\]"):
        load_into_copy(nn.Linear(1, 1), to_bytes(wide, "safetensors"), "model.safetensors")


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "model.pt", "empty"),
        (b"this is not a model", "model.pt", "not a PyTorch .pt file"),
        (b"PK\x03\x04 truncated zip", "model.pt", "damaged or incomplete"),
        (b"\x10\x00\x00\x00\x00\x00\x00\x00{}", "model.safetensors", "not a complete .safetensors file"),
        (b"x" * (MAX_CHECKPOINT_BYTES + 1), "model.pt", "loads state_dicts up to 5 MB"),
        (b"abc", "model.txt", "neither a .pt/.pth nor a .safetensors"),
    ],
    ids=["zero-byte", "not-a-pickle", "truncated-zip", "bad-safetensors", "too-big", "wrong-extension"],
)
def test_bad_files_get_one_clear_line(data, name, message):
    with pytest.raises(CheckpointError, match=message):
        load_into_copy(LinearRegressionModel(), data, name)


def test_a_safetensors_file_named_pt_is_not_mistaken_for_a_pickle_attack():
    data = to_bytes(LinearRegressionModel(), "safetensors")
    with pytest.raises(CheckpointError, match="not a PyTorch .pt file"):
        load_into_copy(LinearRegressionModel(), data, "model.pt")


def test_a_truncated_real_file_is_refused():
    data = to_bytes(LinearRegressionModel(), "pt")
    with pytest.raises(CheckpointError, match="damaged or incomplete"):
        load_into_copy(LinearRegressionModel(), data[: len(data) // 2], "model.pt")
    data = to_bytes(LinearRegressionModel(), "safetensors")
    with pytest.raises(CheckpointError, match="not a complete"):
        load_into_copy(LinearRegressionModel(), data[:-5], "model.safetensors")


def test_nan_weights_are_refused():
    model = LinearRegressionModel()
    with torch.no_grad():
        model.weights.fill_(float("nan"))
    with pytest.raises(CheckpointError, match=r"NaN or infinite values \(weights\)"):
        load_into_copy(LinearRegressionModel(), to_bytes(model, "safetensors"), "model.safetensors")


def test_something_other_than_a_state_dict_is_refused():
    buffer = io.BytesIO()
    torch.save([torch.zeros(1)], buffer)
    with pytest.raises(CheckpointError, match="something other than a state_dict"):
        load_into_copy(LinearRegressionModel(), buffer.getvalue(), "model.pt")
