"""Classification metrics computed from logits."""

from __future__ import annotations

import torch
from torch import Tensor


def predict_classes(logits: Tensor) -> Tensor:
    """Class indices: logit > 0 for one output (sigmoid > 0.5), argmax otherwise."""
    if logits.shape[1] == 1:
        return (logits.squeeze(1) > 0).long()
    return logits.argmax(dim=1)


def probabilities(logits: Tensor) -> Tensor:
    """Per-class probabilities [N, C]; a single logit becomes [1 - p, p]."""
    if logits.shape[1] == 1:
        p = torch.sigmoid(logits)
        return torch.cat([1 - p, p], dim=1)
    return torch.softmax(logits, dim=1)


def accuracy(logits: Tensor, y: Tensor) -> float:
    """Share of points whose predicted class equals the label, 0..1."""
    if len(y) == 0:
        return float("nan")
    return (predict_classes(logits) == y).float().mean().item()
