"""TensorFlow Playground's input features, computed from the two coordinates."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

Feature = Callable[[Tensor], Tensor]  # [N, 2] -> [N]

FEATURES: dict[str, Feature] = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin x1": lambda X: torch.sin(X[:, 0]),
    "sin x2": lambda X: torch.sin(X[:, 1]),
}

# The same features as PyTorch source, for "Show the PyTorch code".
FEATURE_SOURCE: dict[str, str] = {
    "x1": "X[:, 0]",
    "x2": "X[:, 1]",
    "x1^2": "X[:, 0] ** 2",
    "x2^2": "X[:, 1] ** 2",
    "x1*x2": "X[:, 0] * X[:, 1]",
    "sin x1": "torch.sin(X[:, 0])",
    "sin x2": "torch.sin(X[:, 1])",
}

DEFAULT_FEATURES: tuple[str, ...] = ("x1", "x2")  # TF Playground's default


def expand_features(X: Tensor, names: tuple[str, ...]) -> Tensor:
    """Stack the chosen features of 2-D points into the network's input [N, len(names)]."""
    if not names:
        raise ValueError("Pick at least one input feature.")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"Unknown feature(s): {', '.join(unknown)}.")
    return torch.stack([FEATURES[name](X) for name in names], dim=1)
