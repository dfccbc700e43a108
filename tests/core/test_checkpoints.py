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
    with pytest.raises(CheckpointError, match="Refused: this file holds more than weights"):
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


def _zip_with(data: bytes, replace: dict[str, bytes] | None = None, compress: bool = False) -> bytes:
    """A torch.save archive rewritten: some entries replaced, optionally deflated (torch.save stores)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            name = info.filename
            new = next((value for suffix, value in (replace or {}).items() if name.endswith(suffix)), None)
            archive.writestr(name, new if new is not None else source.read(info))
    return out.getvalue()


def _saved(state) -> bytes:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def test_a_small_file_that_expands_to_gigabytes_is_refused_before_loading():
    bomb = _zip_with(_saved({"weights": torch.zeros(13_500_000), "bias": torch.zeros(1)}), compress=True)
    assert len(bomb) < MAX_CHECKPOINT_BYTES  # it passes the upload limit: the expanded size must be checked
    with pytest.raises(CheckpointError, match=r"would expand to 54\.0 MB when read \(limit 50 MB\)"):
        load_into_copy(LinearRegressionModel(), bomb, "model.pt")


def test_an_outsized_or_deeply_nested_pickle_is_refused_unread():
    nested = b"\x80\x02}X\x01\x00\x00\x00n" + b"]" * 400_000 + b"a" * 399_999 + b"s."
    bomb = _zip_with(_saved({}), {"data.pkl": nested}, compress=True)
    with pytest.raises(CheckpointError, match=r"its pickle is 0\.8 MB .* so it holds more than weights"):
        load_into_copy(LinearRegressionModel(), bomb, "model.pt")
    with pytest.raises(CheckpointError, match=r"its pickle is 0\.8 MB"):
        load_into_copy(LinearRegressionModel(), nested, "model.pt")  # the same as a bare pickle


@pytest.mark.parametrize(
    "payload",
    [
        b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94\x8c\x02id\x94\x85\x94R\x94.",
        b"\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.",
    ],
    ids=["bare-pickle-stack-global", "bare-pickle-global"],
)
def test_a_bare_pickle_payload_is_refused_as_more_than_weights(payload):
    with pytest.raises(CheckpointError, match="Refused: this file holds more than weights"):
        load_into_copy(LinearRegressionModel(), payload, "model.pt")


def test_an_unsupported_opcode_inside_the_archive_is_refused_as_more_than_weights():
    weird = _zip_with(_saved({"weights": torch.zeros(1)}), {"data.pkl": b"\x80\x02}\x8b."})  # opcode 0x8b: none
    with pytest.raises(CheckpointError, match="Refused: this file holds more than weights"):
        load_into_copy(LinearRegressionModel(), weird, "model.pt")


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (torch.tensor([1 + 2j]), "weights holds complex numbers"),
        (torch.tensor([3], dtype=torch.int64), "weights holds int64 values where the model has float32 weights"),
        (torch.tensor([True]), "weights holds bool values"),
        (torch.tensor([1e300], dtype=torch.float64), r"NaN or infinite values \(weights, after conversion"),
    ],
    ids=["complex", "int64", "bool", "float64-overflow"],
)
@pytest.mark.parametrize("file_format", ["pt", "safetensors"])
def test_tensors_that_are_not_real_finite_weights_are_refused(weights, message, file_format):
    model = LinearRegressionModel()
    state = {"weights": weights, "bias": torch.zeros(1)}
    if file_format == "pt":
        data = _saved(state)
    else:
        from safetensors.torch import save

        data = save(state)
    with pytest.raises(CheckpointError, match=message):
        load_into_copy(model, data, f"model.{file_format}")


def test_float64_weights_that_fit_are_converted_and_loaded():
    state = {"weights": torch.tensor([0.25], dtype=torch.float64), "bias": torch.tensor([0.5], dtype=torch.float64)}
    loaded = load_into_copy(LinearRegressionModel(), _saved(state), "model.pt")
    assert loaded.model.weights.dtype == torch.float32 and loaded.model.weights.detach().item() == 0.25


def test_many_extra_keys_give_a_short_message():
    state = {"weights": torch.zeros(1), "bias": torch.zeros(1)} | {f"extra.{i}": torch.zeros(1) for i in range(900)}
    with pytest.raises(CheckpointError) as error:
        load_into_copy(LinearRegressionModel(), _saved(state), "model.pt")
    assert "unexpected extra.0, extra.1, extra.2, extra.3, extra.4 and 895 more" in str(error.value)
    assert len(str(error.value)) < 400
    many = {f"k{i}": torch.zeros(1) for i in range(1_500)}
    with pytest.raises(CheckpointError, match="holds 1,500 tensors"):
        load_into_copy(LinearRegressionModel(), _saved(many), "model.pt")
