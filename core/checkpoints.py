"""Save and load a model's state_dict safely: weights only, into a copy, swapped in after a strict load.

Loading never unpickles arbitrary objects: `.pt` files go through
torch.load(weights_only=True), `.safetensors` through safetensors, and the
result must be a flat mapping of names to tensors that fits the model exactly.
"""

from __future__ import annotations

import copy
import io
import math
import pickle
import warnings
import zipfile
from dataclasses import dataclass

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors
from torch import Tensor, nn

from core.archive_limits import over_limits
from core.sizes import MB, megabytes

MAX_CHECKPOINT_BYTES = 5 * MB  # the playground's models are kilobytes; 5 MB is plenty
MAX_UNCOMPRESSED_BYTES = 50 * MB  # what a .pt archive may expand to when read (a zip bomb stops here)
MAX_PICKLE_BYTES = 256_000  # a state_dict's pickle is a few KB; a huge or deeply nested one is refused unread
MAX_ARCHIVE_ENTRIES = 2_000  # a .pt archive holds one entry per tensor plus a few
MAX_TENSORS = 1_000  # tensors in one state_dict
MAX_NAMES_SHOWN = 5  # names listed in one message before "and N more"
FORMATS: tuple[str, ...] = ("pt", "safetensors")
REFUSED_MORE_THAN_WEIGHTS = (
    "Refused: this file holds more than weights (Python objects that could run code when loaded), so it was "
    "not loaded and nothing in it ran. Save a state_dict instead: torch.save(model.state_dict(), path)."
)


class CheckpointError(ValueError):
    """A file that cannot be loaded into the model; the message says what was wrong and what to do."""


@dataclass(frozen=True)
class LoadedModel:
    """A validated copy of the model holding the file's weights, and what the file held."""

    model: nn.Module
    keys: list[tuple[str, tuple[int, ...], str]]  # (name, shape, dtype) per tensor in the file
    file_format: str


def to_bytes(model: nn.Module, file_format: str) -> bytes:
    """The model's state_dict as .pt (torch.save) or .safetensors bytes."""
    state = {name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()}
    if file_format == "pt":
        buffer = io.BytesIO()
        torch.save(state, buffer)
        return buffer.getvalue()
    if file_format == "safetensors":
        return save_safetensors(state)
    raise ValueError(f"Unknown format {file_format!r}; choose from {', '.join(FORMATS)}.")


def _format_of(filename: str) -> str:
    name = filename.lower()
    if name.endswith(".safetensors"):
        return "safetensors"
    if name.endswith((".pt", ".pth", ".bin")):
        return "pt"
    raise CheckpointError(f"{filename[:60]!r} is neither a .pt/.pth nor a .safetensors file.")


def _names(names: list[str], separator: str = ", ") -> str:
    """At most MAX_NAMES_SHOWN names, then how many more."""
    shown = separator.join(name[:80] for name in names[:MAX_NAMES_SHOWN])
    return shown + (f" and {len(names) - MAX_NAMES_SHOWN:,} more" if len(names) > MAX_NAMES_SHOWN else "")


DAMAGED = "This .pt file is damaged or incomplete (PyTorch could not read its zip archive). Download it again."


def _check_archive(data: bytes) -> None:
    """Refuse a .pt zip archive whose contents are too many, too big when expanded, or an outsized pickle."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise CheckpointError(DAMAGED) from error
    problem = over_limits(entries, len(data), MAX_ARCHIVE_ENTRIES, MAX_UNCOMPRESSED_BYTES)
    if problem:
        raise CheckpointError(problem + " The playground's models are kilobytes.")
    pickled = max((entry.file_size for entry in entries if entry.filename.endswith(".pkl")), default=0)
    if pickled > MAX_PICKLE_BYTES:
        raise CheckpointError(_outsized_pickle(pickled))


def _outsized_pickle(size: int) -> str:
    return (
        f"Refused: its pickle is {megabytes(size)} (a state_dict's is a few kilobytes, limit "
        f"{MAX_PICKLE_BYTES // 1000} KB), so it holds more than weights; it was not opened."
    )


def _torch_load(data: bytes) -> object:
    if data[:2] == b"PK":  # torch.save writes a zip archive
        _check_archive(data)
    elif data[:1] == b"\x80":  # a bare pickle (or PyTorch's pre-1.6 format): bounded, then the safe unpickler
        if len(data) > MAX_PICKLE_BYTES:
            raise CheckpointError(_outsized_pickle(len(data)))
    else:
        raise CheckpointError("This is not a PyTorch .pt file (it is not the zip archive torch.save writes).")
    try:
        with warnings.catch_warnings():  # e.g. "pickle protocol 4": the file is refused or loaded either way
            warnings.simplefilter("ignore", UserWarning)
            return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as error:  # a global, a class or an opcode the weights-only unpickler refuses
        raise CheckpointError(REFUSED_MORE_THAN_WEIGHTS) from error
    except (RuntimeError, zipfile.BadZipFile, EOFError, OSError, ValueError, IndexError, KeyError, TypeError) as error:
        raise CheckpointError(DAMAGED) from error
    except RecursionError as error:
        raise CheckpointError(REFUSED_MORE_THAN_WEIGHTS) from error


def _read_state(data: bytes, file_format: str) -> dict[str, Tensor]:
    if file_format == "safetensors":
        try:
            state: object = load_safetensors(data)
        except (SafetensorError, ValueError, OSError) as error:
            raise CheckpointError(
                f"This is not a complete .safetensors file ({str(error).splitlines()[0][:120]}). Download it again."
            ) from error
    else:
        state = _torch_load(data)
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, Tensor) for k, v in state.items()):
        raise CheckpointError(
            "This file holds something other than a state_dict (a mapping of names to tensors). "
            "Save one with torch.save(model.state_dict(), path)."
        )
    if len(state) > MAX_TENSORS:
        raise CheckpointError(f"Refused: the file holds {len(state):,} tensors; this model has a handful.")
    return state


def _mismatch(model: nn.Module, state: dict[str, Tensor]) -> str | None:
    expected = {name: tuple(t.shape) for name, t in model.state_dict().items()}
    found = {name: tuple(t.shape) for name, t in state.items()}
    missing = [name for name in expected if name not in found]
    unexpected = [name for name in found if name not in expected]
    shapes = [
        f"{name}: file {list(found[name])}, model {list(expected[name])}"
        for name in expected
        if name in found and found[name] != expected[name]
    ]
    if not (missing or unexpected or shapes):
        return None
    parts = []
    if missing:
        parts.append(f"missing {_names(missing)}")
    if unexpected:
        parts.append(f"unexpected {_names(unexpected)}")
    if shapes:
        parts.append(f"different shapes ({_names(shapes, '; ')})")
    return (
        "These weights belong to another architecture: "
        + "; ".join(parts)
        + ". Pick the same model settings the file was saved with, then load it again."
    )


def _converted(model: nn.Module, state: dict[str, Tensor]) -> dict[str, Tensor]:
    """The file's tensors in the model's dtypes; refuses non-real, non-numeric-for-floats and non-finite values."""
    expected = model.state_dict()
    converted = {}
    for name, tensor in state.items():
        target = expected[name]
        if tensor.is_complex():
            raise CheckpointError(f"Refused: {name[:60]} holds complex numbers; the model's weights are real.")
        if target.is_floating_point() and not tensor.is_floating_point():
            raise CheckpointError(
                f"Refused: {name[:60]} holds {str(tensor.dtype).removeprefix('torch.')} values where the model has "
                f"{str(target.dtype).removeprefix('torch.')} weights; this is not a saved state_dict of this model."
            )
        value = tensor.to(target.dtype)
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise CheckpointError(
                f"The weights contain NaN or infinite values ({name[:60]}"
                + (", after conversion to the model's dtype" if value.dtype != tensor.dtype else "")
                + "); they were not loaded."
            )
        converted[name] = value
    return converted


def load_into_copy(model: nn.Module, data: bytes, filename: str) -> LoadedModel:
    """Read a state_dict file and load it into a copy of `model` with strict=True.

    The original model is never touched: the caller swaps the copy in only if this returns.

    Raises:
        CheckpointError: empty, too big, damaged, unsafe, non-real, non-finite, or for another architecture.
    """
    if len(data) == 0:
        raise CheckpointError("The file is empty (0 bytes). Download the model again from the Save section.")
    if len(data) > MAX_CHECKPOINT_BYTES:
        raise CheckpointError(
            f"The file is {megabytes(len(data))}; this page loads state_dicts up to "
            f"{megabytes(MAX_CHECKPOINT_BYTES)} (its models are a few kilobytes)."
        )
    file_format = _format_of(filename)
    state = _read_state(data, file_format)
    problem = _mismatch(model, state)
    if problem:
        raise CheckpointError(problem)
    converted = _converted(model, state)
    fresh = copy.deepcopy(model)
    try:
        fresh.load_state_dict(converted, strict=True)
    except RuntimeError as error:
        raise CheckpointError(f"The weights did not fit: {str(error).splitlines()[0][:200]}") from error
    keys = [(name, tuple(t.shape), str(t.dtype).removeprefix("torch.")) for name, t in state.items()]
    return LoadedModel(fresh, keys, file_format)


def same_predictions(a: nn.Module, b: nn.Module, X: Tensor) -> tuple[bool, float]:
    """Whether two models predict the same on X, and the largest difference."""
    with torch.inference_mode():
        pa, pb = a(X), b(X)
    difference = float((pa - pb).abs().max()) if pa.numel() else 0.0
    return math.isclose(difference, 0.0, abs_tol=1e-7), difference
