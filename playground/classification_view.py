"""What the classification page draws: the live view's pictures and data, and a closer look at one neuron."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st
import torch

from core.challenges import Attempt
from core.classification import OWN
from core.data.toy2d import PLANE_LIMIT
from core.introspect import decision_grid, neuron_maps, output_grid
from core.parameters import linear_layers, unit_columns
from playground.figures import (
    CLASS_COLORS,
    TINT_BASE,
    TINT_GAIN,
    class_confidence_image,
    neuron_figure,
    png_data_uri,
    signed_tiles,
    tile_sheet,
    value_index_image,
)
from playground.live.run import LiveRun
from playground.run_report_ui import ReportSource, report_button

K = "classification/"
BOUNDARY_RESOLUTION = 100  # cells per side of the decision grid
NEURON_RESOLUTION = 40  # cells per side of each neuron's thumbnail


def layer_sheet(maps: np.ndarray, per_row: int = 4) -> np.ndarray:
    """One layer's neuron maps as one framed image, at most `per_row` across, each scaled to its own range.

    Tiles keep the maps' resolution; the browser scales the picture up smoothly. A neuron that
    outputs 0 everywhere (a dead ReLU) is grey.
    """
    tiles, dead = signed_tiles(maps)
    return tile_sheet(tiles, dead, per_row)


def neuron_names(run: LiveRun) -> list[str]:
    """'input x1', ..., 'layer 1, neuron 1', ... in the order neuron_maps returns them."""
    config = run.experiment.config
    names = [f"input {name}" for name in config.features]
    for layer, units in enumerate(config.model.hidden, start=1):
        names += [f"layer {layer}, neuron {i + 1}" for i in range(units)]
    return names


NEURON_INTERVAL_S = 0.1  # neuron sheets refresh at most 10 times a second (the boundary at every frame)


def _neuron_sheets(run: LiveRun) -> list[dict[str, Any]]:
    config = run.experiment.config
    maps = neuron_maps(run.trainer.model, config.features, NEURON_RESOLUTION)
    titles = ["Inputs"] + [f"Hidden layer {i}" for i in range(1, len(maps))]
    return [
        {"title": f"{title} ({layer.shape[0]})", "png": png_data_uri(sheet), "width": sheet.shape[1]}
        for title, layer in zip(titles, maps, strict=True)
        for sheet in [layer_sheet(layer.numpy())]
    ]


def weight_picture(model: torch.nn.Module) -> list[dict[str, list]]:
    """Every Linear layer's weights [out][in] and biases, to 4 significant digits: the live view draws them as edges."""
    return [
        {
            "w": [[float(f"{v:.4g}") for v in row] for row in layer.weight.detach().cpu().tolist()],
            "b": [float(f"{v:.4g}") for v in layer.bias.detach().cpu().tolist()],
        }
        for layer in linear_layers(model)
    ]


def output_picture(run: LiveRun) -> np.ndarray:
    """The output over the plane as compact pixels: class and confidence, or (regression) the value's colour step."""
    experiment = run.experiment
    model, features = run.trainer.model, experiment.config.features
    if experiment.regression:
        return value_index_image(output_grid(model, features, BOUNDARY_RESOLUTION).numpy())
    return class_confidence_image(decision_grid(model, features, BOUNDARY_RESOLUTION).numpy())


def classification_pictures(run: LiveRun) -> dict[str, Any]:
    """The frame's pictures: the output (boundary or surface), one sheet of neuron maps per layer, the weights."""
    cache = run.experiment.view_cache
    now = time.monotonic()
    if not run.running or now - cache.get("neurons_at", 0.0) >= NEURON_INTERVAL_S or "neurons" not in cache:
        cache["neurons"], cache["neurons_at"] = _neuron_sheets(run), now  # unchanged sheets are not re-sent
    return {
        "boundary": png_data_uri(output_picture(run)),
        "neurons": cache["neurons"],
        "weights": weight_picture(run.trainer.model),
    }


def live_view_data(run: LiveRun, show_test: bool, discretize: bool) -> dict[str, Any]:
    """The points, colours and options the live view draws under the frames."""
    experiment = run.experiment

    target = (lambda v: round(float(v), 3)) if experiment.regression else int  # a value, or a class

    def rows(points: tuple) -> list[list[float]]:
        X, y = points
        pairs = zip(X.tolist(), y.tolist(), strict=True)
        return [[round(float(a), 3), round(float(b), 3), target(c)] for (a, b), c in pairs]

    if "points" not in experiment.view_cache:  # a run's points never change: convert them once, not every rerun
        experiment.view_cache["points"] = {"train": rows(experiment.raw_train), "test": rows(experiment.raw_test)}
    return {
        "points": experiment.view_cache["points"],
        "n_classes": experiment.n_classes,
        "colors": list(CLASS_COLORS),
        "tint": [TINT_BASE, TINT_GAIN],
        "limit": PLANE_LIMIT,
        "ticks": [-6, -4, -2, 0, 2, 4, 6],
        "show_test": show_test,
        "discretize": discretize,
        "view": "classification",
        "surface": experiment.regression,  # values on orange (-1) .. white .. blue (+1), not classes
        "units": unit_columns(experiment.config.features, run.trainer.model),
    }


def classification_attempt(run: LiveRun) -> Attempt:
    """The run as the challenges see it: its settings now, the epochs the charts draw, where it blew up."""
    return Attempt(run.experiment.config, list(run.history), list(run.stops))


def classification_report(run: LiveRun, settings: dict[str, str], code: Callable[[int], str]) -> None:
    """The run report button for the classification page's run."""
    config = run.experiment.config
    own = ("Your own points do not travel in a link: it opens the example set.",) if config.data.dataset == OWN else ()
    title = f"Classification playground: {config.data.dataset}" + (" (regression)" if config.data.regression else "")
    report_button(ReportSource("classification", run, title, settings, code, lambda: classification_attempt(run), own))


@st.fragment
def closer_look(run: LiveRun) -> None:
    """One neuron's output, large and hoverable (drawn from the model as it is now)."""
    names = neuron_names(run)
    choice = st.selectbox("Look closer at", range(len(names)), key=K + "neuron", format_func=lambda i: names[i])
    with run.lock:
        maps = neuron_maps(run.trainer.model, run.experiment.config.features, NEURON_RESOLUTION)
    flat = [m for layer in maps for m in layer.numpy()]
    chosen = min(int(choice or 0), len(flat) - 1)
    st.plotly_chart(
        neuron_figure(flat[chosen], PLANE_LIMIT, f"{names[chosen]} at epoch {run.epoch}"),
        key=K + "neuron_chart",
        config={"displayModeBar": False},
    )
    st.button("Refresh", key=K + "neuron_refresh", help="Redraw from the model as it is now")
