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
import zipfile
from dataclasses import dataclass

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors
from torch import Tensor, nn

MAX_CHECKPOINT_BYTES = 5 * 1024 * 1024  # the playground's models are kilobytes; 5 MB is plenty
FORMATS: tuple[str, ...] = ("pt", "safetensors")


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


def _format_of(filename: str, data: bytes) -> str:
    name = filename.lower()
    if name.endswith(".safetensors"):
        return "safetensors"
    if name.endswith((".pt", ".pth", ".bin")):
        return "pt"
    raise CheckpointError(f"{filename!r} is neither a .pt/.pth nor a .safetensors file.")


def _unreadable(data: bytes) -> str:
    if data[:2] == b"PK":  # torch.save writes a zip archive
        return (
            "This .pt file is damaged or incomplete (PyTorch could not read its zip archive). "
            "Download it again from the Save section."
        )
    return "This is not a PyTorch .pt file (it is not the zip archive torch.save writes)."


def _read_state(data: bytes, file_format: str) -> dict[str, Tensor]:
    if file_format == "safetensors":
        try:
            return load_safetensors(data)
        except (SafetensorError, ValueError, OSError) as error:
            raise CheckpointError(
                f"This is not a complete .safetensors file ({str(error).splitlines()[0][:120]}). "
                "Download it again from the Save section."
            ) from error
    try:
        state = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as error:
        text = str(error)
        if "GLOBAL" in text or "Unsupported global" in text:  # the pickle names a function or class to call
            raise CheckpointError(
                "Refused: this .pt file contains more than weights (a pickled object that could run code when "
                "loaded). It was not loaded and nothing in it ran. Save a state_dict instead: "
                "torch.save(model.state_dict(), path)."
            ) from error
        raise CheckpointError(_unreadable(data)) from error
    except (RuntimeError, zipfile.BadZipFile, EOFError, OSError, ValueError, IndexError, KeyError, TypeError) as error:
        raise CheckpointError(_unreadable(data)) from error
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, Tensor) for k, v in state.items()):
        raise CheckpointError(
            "This file holds something other than a state_dict (a mapping of names to tensors). "
            "Save one with torch.save(model.state_dict(), path)."
        )
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
        parts.append(f"missing {', '.join(missing)}")
    if unexpected:
        parts.append(f"unexpected {', '.join(unexpected)}")
    if shapes:
        parts.append(f"different shapes ({'; '.join(shapes)})")
    return (
        "These weights belong to another architecture: "
        + "; ".join(parts)
        + ". Pick the same model settings the file was saved with, then load it again."
    )


def load_into_copy(model: nn.Module, data: bytes, filename: str) -> LoadedModel:
    """Read a state_dict file and load it into a copy of `model` with strict=True.

    The original model is never touched: the caller swaps the copy in only if this returns.

    Raises:
        CheckpointError: empty, too big, damaged, unsafe, non-finite, or for another architecture.
    """
    if len(data) == 0:
        raise CheckpointError("The file is empty (0 bytes). Download the model again from the Save section.")
    if len(data) > MAX_CHECKPOINT_BYTES:
        raise CheckpointError(
            f"The file is {len(data) / 1e6:.1f} MB; this page loads state_dicts up to "
            f"{MAX_CHECKPOINT_BYTES / 1e6:.0f} MB (its models are a few kilobytes)."
        )
    file_format = _format_of(filename, data)
    state = _read_state(data, file_format)
    problem = _mismatch(model, state)
    if problem:
        raise CheckpointError(problem)
    for name, tensor in state.items():
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise CheckpointError(f"The weights contain NaN or infinite values ({name}); they were not loaded.")
    fresh = copy.deepcopy(model)
    try:
        fresh.load_state_dict(state, strict=True)
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
