"""What the classification page draws for a run: counters, boundary, neurons and curves."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.data.toy2d import PLANE_LIMIT
from core.introspect import decision_grid, neuron_maps
from playground.figures import boundary_figure, curves_figure, diverging_image, neuron_figure, probability_image
from playground.state import LiveRun

K = "classification/"
BOUNDARY_RESOLUTION = 100  # cells per side of the decision grid
NEURON_RESOLUTION = 40  # cells per side of each neuron's thumbnail


def _layer_strip(maps: np.ndarray, tile: int = 64, gap: int = 6, per_row: int = 4) -> np.ndarray:
    """One layer's neuron thumbnails as one image, at most `per_row` across (one PNG instead of many)."""
    count = maps.shape[0]
    columns, rows = min(count, per_row), -(-count // per_row)
    sheet = np.full((rows * tile + (rows - 1) * gap, columns * tile + (columns - 1) * gap, 3), 255, dtype=np.uint8)
    for i, values in enumerate(maps):
        pixels = diverging_image(values)
        scale = -(-tile // pixels.shape[0])
        big = np.kron(pixels, np.ones((scale, scale, 1), dtype=np.uint8))[:tile, :tile]
        top, left = (i // per_row) * (tile + gap), (i % per_row) * (tile + gap)
        sheet[top : top + tile, left : left + tile] = big
    return sheet


def _neuron_names(run: LiveRun) -> list[str]:
    config = run.experiment.config
    names = [f"input {name}" for name in config.features]
    for layer, units in enumerate(config.model.hidden, start=1):
        names += [f"layer {layer}, neuron {i + 1}" for i in range(units)]
    return names


def render_counters(run: LiveRun) -> None:
    """Epoch, losses and the measured speed, in one row."""
    last = run.history[-1] if run.history else None
    cols = st.columns(4)
    cols[0].metric("Epoch", f"{run.epoch:,}")
    cols[1].metric("Train loss", f"{last.train_loss:.3f}" if last else "–")
    cols[2].metric("Test loss", f"{last.test_loss:.3f}" if last and last.test_loss is not None else "–")
    cols[3].metric("Epochs / s", f"{run.meter.rate():.1f}" if run.running else "paused")


def render_classification(run: LiveRun) -> None:
    """Draw everything that moves while the classifier trains."""
    experiment = run.experiment
    config = experiment.config
    if run.message:
        st.warning(run.message)
    render_counters(run)
    neurons_col, output_col = st.columns([2, 3])
    model = experiment.trainer.model
    with output_col:
        st.markdown("#### Output")
        show_test = st.session_state.get(K + "show_test", False)
        discretize = st.session_state.get(K + "discretize", False)
        probs = decision_grid(model, config.features, BOUNDARY_RESOLUTION).numpy()
        train = (experiment.raw_train[0].numpy(), experiment.raw_train[1].numpy())
        test = (experiment.raw_test[0].numpy(), experiment.raw_test[1].numpy()) if show_test else None
        st.plotly_chart(
            boundary_figure(probability_image(probs, discretize), PLANE_LIMIT, train, test),
            key=K + "boundary",
            config={"displayModeBar": False},
        )
        toggles = st.columns(2)
        toggles[0].toggle("Show test data", key=K + "show_test")
        toggles[1].toggle("Discretize output", key=K + "discretize")
        history = run.history
        loss_col, acc_col = st.columns(2)
        loss_col.plotly_chart(
            curves_figure(
                {"train": [r.train_loss for r in history], "test": [r.test_loss for r in history]},
                y_title="Loss",
            ),
            key=K + "loss_chart",
            config={"displayModeBar": False},
        )
        acc_col.plotly_chart(
            curves_figure(
                {"train": [r.train_acc for r in history], "test": [r.test_acc for r in history]},
                y_title="Accuracy",
                y_range=[0, 1.02],
            ),
            key=K + "acc_chart",
            config={"displayModeBar": False},
        )
    with neurons_col:
        st.markdown("#### What each neuron sees")
        st.caption("Each square is one unit's output over the plane: blue positive, orange negative.")
        maps = neuron_maps(model, config.features, NEURON_RESOLUTION)
        titles = ["Inputs"] + [f"Hidden layer {i}" for i in range(1, len(maps))]
        for title, layer in zip(titles, maps, strict=True):
            st.image(_layer_strip(layer.numpy()), caption=f"{title} ({layer.shape[0]})")
        names = _neuron_names(run)
        flat = [m for layer in maps for m in layer.numpy()]
        choice = st.selectbox("Look closer at", range(len(names)), key=K + "neuron", format_func=lambda i: names[i])
        chosen = min(int(choice or 0), len(flat) - 1)
        st.plotly_chart(
            neuron_figure(flat[chosen], PLANE_LIMIT, names[chosen]),
            key=K + "neuron_chart",
            config={"displayModeBar": False},
        )
