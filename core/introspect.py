"""Look inside a trained model: decision grids and hidden-neuron maps. Tensors in, tensors out."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core.data.toy2d import PLANE_LIMIT
from core.features import expand_features
from core.metrics import probabilities
from core.models import eval_mode, hidden_activation_indices


@dataclass(frozen=True)
class PlaneGrid:
    """A square grid over the plane; row 0 is the top (largest x2), as an image is drawn."""

    points: Tensor  # [resolution * resolution, 2] (x1, x2) per cell, row-major
    resolution: int
    limit: float


def plane_grid(resolution: int = 100, limit: float = PLANE_LIMIT) -> PlaneGrid:
    """Cell centres of a resolution x resolution grid over [-limit, limit]^2."""
    step = 2 * limit / resolution
    centres = torch.linspace(-limit + step / 2, limit - step / 2, resolution)
    x2, x1 = torch.meshgrid(centres.flip(0), centres, indexing="ij")
    return PlaneGrid(torch.stack([x1.reshape(-1), x2.reshape(-1)], dim=1), resolution, limit)


@functools.lru_cache(maxsize=64)
def grid_features(features: tuple[str, ...], resolution: int, limit: float = PLANE_LIMIT) -> Tensor:
    """The network's inputs at every grid cell (cached and read-only: the same for every learner)."""
    return expand_features(plane_grid(resolution, limit).points, features)


@torch.inference_mode()
def decision_grid(
    model: nn.Module, features: tuple[str, ...], resolution: int = 100, limit: float = PLANE_LIMIT
) -> Tensor:
    """Class probabilities over the plane, [resolution, resolution, n_classes] (row 0 = top).

    Args:
        model: a classifier taking the expanded features.
        features: the input feature names the model was trained on.
        resolution: cells per side.
        limit: the plane spans [-limit, limit] on both axes.
    """
    device = next(model.parameters()).device
    with eval_mode(model):
        logits = model(grid_features(features, resolution, limit).to(device))
    probs = probabilities(logits).float().cpu()
    return probs.reshape(resolution, resolution, -1)


@torch.inference_mode()
def output_grid(
    model: nn.Module, features: tuple[str, ...], resolution: int = 100, limit: float = PLANE_LIMIT
) -> Tensor:
    """A regression model's one output over the plane, [resolution, resolution] (row 0 = top): its surface."""
    device = next(model.parameters()).device
    with eval_mode(model):
        outputs = model(grid_features(features, resolution, limit).to(device))
    return outputs[:, 0].float().cpu().reshape(resolution, resolution)


@torch.inference_mode()
def neuron_maps(
    model: nn.Sequential, features: tuple[str, ...], resolution: int = 40, limit: float = PLANE_LIMIT
) -> list[Tensor]:
    """Every unit's output over the plane, layer by layer.

    Returns:
        A list whose first entry is the input features [n_features, res, res],
        followed by one [units, res, res] tensor per hidden layer (after its activation).
    """
    grid = plane_grid(resolution, limit)
    device = next(model.parameters()).device
    x = expand_features(grid.points, features).to(device)
    maps = [x.T.reshape(-1, resolution, resolution).float().cpu()]
    wanted = set(hidden_activation_indices(model))
    with eval_mode(model):
        for index, module in enumerate(model):
            x = module(x)
            if index in wanted:
                maps.append(x.T.reshape(-1, resolution, resolution).float().cpu())
    return maps
