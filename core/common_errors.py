"""The three errors every PyTorch learner meets, reproduced live with PyTorch's real messages and the fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core.tensors import first_line


@dataclass(frozen=True)
class ErrorDemo:
    """One common error: the code that fails, PyTorch's message, and the one-line fix that works."""

    title: str
    broken_code: str
    message: str  # PyTorch's own message, captured just now
    fix_code: str
    fixed_result: str  # what the fixed line produced
    explanation: str


def _capture(action: Callable[[], object]) -> str:
    try:
        action()
    except (RuntimeError, TypeError, ValueError) as error:
        return f"{type(error).__name__}: {first_line(error)}"
    return "(no error was raised)"


def shape_mismatch() -> ErrorDemo:
    """matmul with inner sizes that do not match."""
    a, b = torch.rand(2, 3), torch.rand(2, 3)
    fixed = a @ b.T
    return ErrorDemo(
        "Shape mismatch in matrix multiplication",
        "a = torch.rand(2, 3)\nb = torch.rand(2, 3)\nc = a @ b",
        _capture(lambda: a @ b),
        "# [2, 3] @ [3, 2]: the inner sizes now match\nc = a @ b.T",
        f"c.shape = {list(fixed.shape)}",
        "For a @ b the columns of a must equal the rows of b. Transpose one of them (b.T) or reshape it.",
    )


def dtype_mismatch() -> list[ErrorDemo]:
    """Float targets for cross-entropy, and an integer tensor into a float layer."""
    logits = torch.randn(4, 3)
    targets = torch.tensor([0.0, 2.0, 1.0, 2.0])
    layer = nn.Linear(3, 2)
    x = torch.tensor([[1, 2, 3]])
    loss = nn.functional.cross_entropy(logits, targets.long())
    out = layer(x.float())
    return [
        ErrorDemo(
            "Dtype mismatch: float class labels in a classification loss",
            "logits = torch.randn(4, 3)\ntargets = torch.tensor([0., 2., 1., 2.])  # floats\n"
            "loss = nn.CrossEntropyLoss()(logits, targets)",
            _capture(lambda: nn.CrossEntropyLoss()(logits, targets)),
            "# class indices are int64 (Long)\nloss = nn.CrossEntropyLoss()(logits, targets.long())",
            f"loss = {loss.item():.4f}",
            "CrossEntropyLoss wants class indices as int64 (Long). BCEWithLogitsLoss is the opposite: it wants "
            "float targets, so there you write targets.float().",
        ),
        ErrorDemo(
            "Dtype mismatch: an integer tensor into a float layer",
            "layer = nn.Linear(3, 2)  # float32 weights\nx = torch.tensor([[1, 2, 3]])  # int64\nout = layer(x)",
            _capture(lambda: layer(x)),
            "# or build x with dtype=torch.float32\nout = layer(x.float())",
            f"output shape {list(out.shape)}, dtype {str(out.dtype).removeprefix('torch.')}",
            "torch.tensor([[1, 2, 3]]) is int64 because you typed whole numbers; a layer's weights are float32. "
            "Both sides of a matrix multiply need the same dtype.",
        ),
    ]


def device_mismatch(other_device: str | None = None) -> ErrorDemo:
    """A model on one device fed a tensor on another.

    Args:
        other_device: "cuda" or "mps" when this machine has one; None uses PyTorch's meta device,
            which has shapes but no data, so the mistake can be shown on a CPU-only machine.
    """
    device = other_device or "meta"
    model = nn.Linear(3, 2).to(device)
    x = torch.randn(1, 3)
    message = _capture(lambda: model(x))
    fixed = model(x.to(device))
    where = (
        f"This machine has {device.upper()}, so this is the real mistake."
        if other_device
        else "This machine has no GPU, so the model sits on PyTorch's meta device (shapes, no data) to show the "
        "same mistake. On a GPU the message reads: Expected all tensors to be on the same device, but found at "
        "least two devices, cuda:0 and cpu!"
    )
    return ErrorDemo(
        "Device mismatch: the model and the data live on different devices",
        f'model = nn.Linear(3, 2).to("{device}")\nx = torch.randn(1, 3)  # on the CPU\nout = model(x)',
        message,
        "# move the data to where the model lives\nout = model(x.to(next(model.parameters()).device))",
        f"output on {fixed.device}, shape {list(fixed.shape)}",
        "Every tensor in one operation must be on the same device. " + where,
    )


def random_pair(seed: int | None, shape: tuple[int, ...] = (2, 3)) -> tuple[Tensor, Tensor, str]:
    """Two torch.rand draws: different without a seed, equal when the seed is reset before each.

    Uses local generators, so other learners' random numbers are untouched.
    """
    if seed is None:
        first, second = torch.rand(shape), torch.rand(shape)
        code = f"a = torch.rand{shape}\nb = torch.rand{shape}\na == b  # almost surely all False"
        return first, second, code
    first = torch.rand(shape, generator=torch.Generator().manual_seed(seed))
    second = torch.rand(shape, generator=torch.Generator().manual_seed(seed))
    code = (
        f"torch.manual_seed({seed})\na = torch.rand{shape}\ntorch.manual_seed({seed})  # reset before each draw\n"
        f"b = torch.rand{shape}\na == b  # all True"
    )
    return first, second, code
