"""Losses, regularization penalties and optimizers for the 2-D playground (classification or regression), by name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import torch
from torch import Tensor, nn


class BinaryCrossEntropy(nn.Module):
    """BCEWithLogitsLoss on one logit per point against 0/1 class labels."""

    def __init__(self) -> None:
        super().__init__()
        self.loss = nn.BCEWithLogitsLoss()

    def forward(self, logits: Tensor, y: Tensor) -> Tensor:
        return self.loss(logits.squeeze(1), y.float())


class ProbabilityMSE(nn.Module):
    """Mean squared error between predicted probabilities and one-hot labels (to compare with BCE/CE)."""

    def forward(self, logits: Tensor, y: Tensor) -> Tensor:
        if logits.shape[1] == 1:
            return nn.functional.mse_loss(torch.sigmoid(logits.squeeze(1)), y.float())
        one_hot = nn.functional.one_hot(y, logits.shape[1]).float()
        return nn.functional.mse_loss(torch.softmax(logits, dim=1), one_hot)


class SquaredError(nn.MSELoss):
    """nn.MSELoss on one output per point against its target value (regression): the output's column squeezed."""

    def forward(self, outputs: Tensor, y: Tensor) -> Tensor:
        return super().forward(outputs.squeeze(1), y)


LOSSES: dict[str, str] = {
    "auto": "the course's: BCEWithLogits for 2 classes, CrossEntropy for more",
    "mse": "MSE on probabilities (to compare)",
}


REGULARIZATIONS: tuple[str, ...] = ("none", "L1", "L2")
REGULARIZATION_RATES: tuple[float, ...] = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # TF's
LEARNING_RATES: tuple[float, ...] = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # TF's
OPTIMIZERS: tuple[str, ...] = ("SGD", "Adam")


def make_loss(name: str, n_classes: int, *, regression: bool = False) -> nn.Module:
    """The loss module for a loss name and class count; regression always fits with MSE."""
    if regression:
        return SquaredError()
    if name == "mse":
        return ProbabilityMSE()
    if name != "auto":
        raise ValueError(f"Unknown loss {name!r}; choose from {', '.join(LOSSES)}.")
    return BinaryCrossEntropy() if n_classes == 2 else nn.CrossEntropyLoss()


def loss_label(name: str, n_classes: int, *, regression: bool = False) -> str:
    """The loss's PyTorch name for this many classes, as the learner should read it (a selectbox's label)."""
    if regression:
        return "MSELoss"
    if name == "mse":
        return "MSE on probabilities"
    return "BCEWithLogitsLoss" if n_classes == 2 else "CrossEntropyLoss"


@dataclass
class Penalty:
    """An L1 or L2 weight penalty (biases are not penalised, as in TF Playground); mutable live."""

    kind: str = "none"  # one of REGULARIZATIONS
    rate: float = 0.0  # multiplier added to the data loss

    def __call__(self, model: nn.Module) -> Tensor | None:
        if self.kind == "none" or self.rate == 0.0:
            return None
        weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
        if self.kind == "L1":
            return self.rate * sum(w.abs().sum() for w in weights)
        if self.kind == "L2":
            return self.rate * sum((w * w).sum() for w in weights)
        raise ValueError(f"Unknown regularization {self.kind!r}; choose from {', '.join(REGULARIZATIONS)}.")


def make_optimizer(
    name: str, params: Iterable[nn.Parameter], lr: float, momentum: float = 0.0
) -> torch.optim.Optimizer:
    """SGD (with momentum) or Adam."""
    if name == "SGD":
        return torch.optim.SGD(params, lr=lr, momentum=momentum)
    if name == "Adam":
        return torch.optim.Adam(params, lr=lr)
    raise ValueError(f"Unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}.")


def set_learning_rate(optimizer: torch.optim.Optimizer, lr: float, momentum: float | None = None) -> None:
    """Change the learning rate (and SGD momentum) of a running optimizer without a reset."""
    for group in optimizer.param_groups:
        group["lr"] = lr
        if momentum is not None and "momentum" in group:
            group["momentum"] = momentum
