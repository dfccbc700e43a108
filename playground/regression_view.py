"""What the workflow page draws: predictions over the points, the loss landscape and the optimizer's path."""

from __future__ import annotations

from typing import Any

import torch

from core.challenges import Attempt
from core.models import eval_mode
from core.regression import TARGETS, RegressionExperiment, loss_landscape, weight_and_bias
from playground.figures import landscape_image, png_data_uri
from playground.live.run import LiveRun

CURVE_POINTS = 120  # x positions where the model's current curve is drawn
MAX_PATH_POINTS = 400  # path points sent to the browser per frame


def _thin(points: list, limit: int) -> list:
    if len(points) <= limit:
        return points
    stride = -(-len(points) // limit)
    return [*points[::stride], points[-1]]


def _landscape(experiment: RegressionExperiment) -> dict[str, Any] | None:
    """The loss landscape picture, recomputed only when the path leaves it or the loss changes."""
    if not experiment.path:
        return None
    cached = experiment.view_cache.get("landscape")
    w, b = experiment.path[-1]
    loss = experiment.config.train.loss
    if cached is not None:
        picture, (w_low, w_high), (b_low, b_high), cached_loss = cached
        if cached_loss == loss and w_low <= w <= w_high and b_low <= b <= b_high:
            return picture
    truth = (experiment.config.data.weight, experiment.config.data.bias)
    X, y = experiment.train
    grid = loss_landscape(X, y, loss, [*experiment.path[:1], truth, experiment.path[-1]])
    picture = {
        "uri": png_data_uri(landscape_image(grid.losses.numpy())),
        "w": list(grid.weights),
        "b": list(grid.biases),
    }
    experiment.view_cache["landscape"] = (picture, grid.weights, grid.biases, loss)
    return picture


def readable(value: float) -> str:
    """Four decimals for everyday weights; three significant digits for huge or tiny ones (1.23e+17, not 18 digits)."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    return f"{value:.4f}" if 1e-3 <= abs(value) < 1e4 or value == 0 else f"{value:.3g}"


def regression_pictures(run: LiveRun) -> dict[str, Any]:
    """The frame's pictures: the model's curve, its test predictions, (w, b) counters, path and landscape."""
    experiment: RegressionExperiment = run.experiment
    model = run.trainer.model
    device = next(model.parameters()).device
    xs = torch.linspace(0, 1, CURVE_POINTS).unsqueeze(1)
    X_test = experiment.test[0]
    with eval_mode(model), torch.inference_mode():
        curve = model(xs.to(device)).cpu().squeeze(1)
        test_predictions = model(X_test.to(device)).cpu().squeeze(1)
    pictures: dict[str, Any] = {
        "curve": [[round(float(x), 4), round(float(y), 4)] for x, y in zip(xs.squeeze(1), curve, strict=True)],
        "test_predictions": [
            [round(float(x), 4), round(float(y), 4)] for x, y in zip(X_test.squeeze(1), test_predictions, strict=True)
        ],
        "counters": [],
    }
    params = weight_and_bias(model)
    if params is not None:
        data = experiment.config.data
        pictures["counters"] = [
            {"label": "weight", "value": f"{readable(params[0])} (true {data.weight:g})"},
            {"label": "bias", "value": f"{readable(params[1])} (true {data.bias:g})"},
        ]
        pictures["path"] = [[round(w, 5), round(b, 5)] for w, b in _thin(list(experiment.path), MAX_PATH_POINTS)]
        pictures["landscape"] = _landscape(experiment)
    return pictures


def workflow_attempt(run: LiveRun) -> Attempt:
    """The run as the challenges see it: settings, epochs, where it blew up, and the (w, b) path it has walked.

    While a worker trains it, the path comes with the frames (the one the landscape draws).
    """
    experiment: RegressionExperiment = run.experiment
    path = experiment.path
    if run.host is not None and run.frame.pictures.get("path"):
        path = [tuple(point) for point in run.frame.pictures["path"]]
    return Attempt(experiment.config, list(run.history), list(run.stops), path=list(path))


def regression_view_data(run: LiveRun, ghosts: list[dict[str, Any]]) -> dict[str, Any]:
    """The points, the true function, axis ranges and earlier paths the live view draws under the frames."""
    experiment: RegressionExperiment = run.experiment
    data = experiment.config.data
    (X_train, y_train), (X_test, y_test) = experiment.train, experiment.test
    xs = torch.linspace(0, 1, 200).unsqueeze(1)
    truth = TARGETS[data.target](xs, data.weight, data.bias).squeeze(1)
    ys = torch.cat([y_train, y_test, truth.unsqueeze(1)]).squeeze(1)
    low, high = float(ys.min()), float(ys.max())
    pad = max(0.15 * (high - low), 0.1)

    def pairs(X: torch.Tensor, y: torch.Tensor) -> list[list[float]]:
        return [[round(float(a), 4), round(float(b), 4)] for a, b in zip(X.squeeze(1), y.squeeze(1), strict=True)]

    return {
        "view": "regression",
        "points": {"train": pairs(X_train, y_train), "test": pairs(X_test, y_test)},
        "truth": [[round(float(x), 4), round(float(y), 4)] for x, y in zip(xs.squeeze(1), truth, strict=True)],
        "x_range": [0.0, 1.0],
        "y_range": [round(low - pad, 4), round(high + pad, 4)],
        "truth_params": [data.weight, data.bias],
        "landscape": weight_and_bias(run.trainer.model) is not None,
        "ghosts": ghosts,
    }
