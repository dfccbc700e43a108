"""What the backprop page draws: its stepper (a copy of the playground's model), the network, the boundary.

The network diagram draws every weight as an edge (blue positive, orange negative, width by size) and every
unit as a node coloured by its activation for the selected point; a click on an edge's midpoint or a node
picks that weight or bias.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import plotly.graph_objects as go
import torch

from core.backprop import BackpropStepper
from core.classification import ClassificationConfig, build_experiment, structure_key
from core.introspect import decision_grid, output_grid
from core.parameters import Parameter, linear_layers, parameter_name, parameter_tensor
from playground.evaluation_figures import plane_figure, value_plane_figure
from playground.figures import diverging_image, probability_image
from playground.live.run import LiveRun

POSITIVE, NEGATIVE = "#1f77b4", "#f28e2b"  # TF Playground's colours: blue positive, orange negative
BOUNDARY_RESOLUTION = 80


def value_of(stepper: BackpropStepper, parameter: Parameter) -> float:
    """The parameter's value now."""
    tensor = parameter_tensor(stepper.model, parameter)
    assert tensor is not None, parameter
    return float(tensor.detach()[parameter.index])


def new_stepper(config: ClassificationConfig, run: LiveRun | None) -> tuple[BackpropStepper, np.ndarray]:
    """A stepper on the playground's data and settings, starting from its model's weights when it has one.

    Returns the stepper and the training points' (x1, x2), in the order its batches index them.
    """
    experiment = build_experiment(config)
    model = experiment.trainer.model
    if run is not None and structure_key(run.experiment.config) == structure_key(config):
        with run.lock:
            model.load_state_dict({k: v.detach().to("cpu").clone() for k, v in run.trainer.model.state_dict().items()})
    X, y = experiment.trainer.X_train.to("cpu"), experiment.trainer.y_train.to("cpu")
    loss_fn = copy.deepcopy(experiment.trainer.loss_fn)
    stepper = BackpropStepper(
        model, loss_fn, X, y, config.train.learning_rate, config.train.batch_size or len(X), config.seed
    )
    return stepper, experiment.raw_train[0].numpy()


def network_figure(stepper: BackpropStepper, names: list[list[str]], chosen: Parameter | None, point: int) -> go.Figure:
    """Units as nodes (coloured by activation for batch point `point` after a forward pass), weights as edges."""
    layers = linear_layers(stepper.model)
    sizes = [layers[0].in_features] + [layer.out_features for layer in layers]
    top = max(sizes)

    def position(column: int, row: int) -> tuple[float, float]:
        return float(column), (sizes[column] - 1) / 2 - row + (top - 1) / 2

    fig = go.Figure()
    weights = [layer.weight.detach() for layer in layers]
    largest = max(float(w.abs().max()) for w in weights) or 1.0
    grads = stepper.shown.grads
    edges = sum(w.numel() for w in weights)
    widest = 7.0 if edges <= 40 else 3.0  # many edges: thinner, so the diagram stays readable
    mids_x, mids_y, mids_text, mids_data = [], [], [], []
    for index, weight in enumerate(weights):
        grad_name = parameter_name(stepper.model, Parameter(index, 0, 0))
        grad = grads.get(grad_name)
        for unit in range(weight.shape[0]):
            for source in range(weight.shape[1]):
                value = float(weight[unit, source])
                (x0, y0), (x1, y1) = position(index, source), position(index + 1, unit)
                picked = chosen == Parameter(index, unit, source)
                fig.add_trace(
                    go.Scatter(
                        x=[x0, x1],
                        y=[y0, y1],
                        mode="lines",
                        line={
                            "color": POSITIVE if value >= 0 else NEGATIVE,
                            "width": (0.8 + widest * abs(value) / largest) + (3 if picked else 0),
                            "dash": "solid" if not picked else "dot",
                        },
                        hoverinfo="skip",
                        showlegend=False,
                    )
                )
                text = f"{names[index][source]} → {names[index + 1][unit]}<br>w = {value:.4f}"
                if grad is not None:
                    text += f"<br>.grad = {float(grad[unit, source]):.4g}"
                mids_x.append((x0 + x1) / 2)
                mids_y.append((y0 + y1) / 2)
                mids_text.append(text)
                mids_data.append([index, unit, source])
    fig.add_trace(
        go.Scatter(
            x=mids_x,
            y=mids_y,
            mode="markers",
            marker={"size": 9, "color": "rgba(90,90,90,0.35)", "line": {"width": 0}},
            hovertext=mids_text,
            hoverinfo="text",
            customdata=mids_data,
            showlegend=False,
            name="weights",
        )
    )
    node_x, node_y, node_color, node_text, node_data = [], [], [], [], []
    activations = stepper.shown.a
    for column, count in enumerate(sizes):
        for row in range(count):
            x, y = position(column, row)
            node_x.append(x)
            node_y.append(y)
            text = names[column][row]
            value = None
            if activations and point is None:
                value = float(activations[column][:, row].mean())
                text += f"<br>batch mean of a = {value:.4f}"
                if column > 0:
                    text += f"  (of z = {float(stepper.shown.z[column - 1][:, row].mean()):.4f})"
            elif activations and point < activations[column].shape[0]:
                value = float(activations[column][point, row])
                text += f"<br>a = {value:.4f}"
                if column > 0:
                    text += f"  (z = {float(stepper.shown.z[column - 1][point, row]):.4f})"
            if column > 0:
                bias = float(layers[column - 1].bias.detach()[row])
                text += f"<br>bias = {bias:.4f}"
            node_color.append(value if value is not None else 0.0)
            node_text.append(text)
            node_data.append([column - 1, row, -1])  # a node picks its bias (-1: no source)
    fig.add_trace(
        go.Scatter(
            x=node_x,
            y=node_y,
            mode="markers+text",
            marker={
                "size": 34 if top <= 4 else 26,
                "color": node_color,
                "colorscale": [[0, "#f9c08f"], [0.5, "#ffffff"], [1, "#9cc7e6"]],  # light: the value stays legible
                "cmid": 0,
                "line": {"width": 1.5, "color": "#555"},
            },
            text=[f"{v:.2f}" if activations else "" for v in node_color],
            textfont={"size": 10, "color": "#111"},
            hovertext=node_text,
            hoverinfo="text",
            customdata=node_data,
            showlegend=False,
            name="units",
        )
    )
    headers = ["inputs"] + [f"layer {i + 1}" for i in range(len(layers) - 1)] + ["output"]
    for column, header in enumerate(headers):
        fig.add_annotation(x=column, y=top - 0.35, text=header, showarrow=False, font={"size": 12})
    fig.update_layout(
        height=max(260, 70 * top + 60),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False, "range": [-0.4, len(sizes) - 0.6]},
        yaxis={"visible": False, "range": [-0.6, top - 0.1]},
        plot_bgcolor="white",
        clickmode="event+select",
        dragmode=False,
    )
    return fig


def boundary_figure(stepper: BackpropStepper, config: ClassificationConfig, raw_points: np.ndarray) -> go.Figure:
    """The model's class regions (or predicted values) over the plane with the training points; the batch outlined."""
    labels = stepper.y
    batch = stepper.batch
    if config.data.regression:
        surface = diverging_image(output_grid(stepper.model, config.features, BOUNDARY_RESOLUTION).numpy(), 1.0)
        caption = [f"point {n} of the batch (value {float(labels[i]):.3g})" for n, i in enumerate(batch.tolist())]
        fig = value_plane_figure(torch.from_numpy(raw_points), labels, batch, caption, surface, "this batch")
        fig.update_layout(height=330)
        return fig
    probs = decision_grid(stepper.model, config.features, BOUNDARY_RESOLUTION).numpy()
    caption = [f"point {n} of the batch (class {int(labels[i])})" for n, i in enumerate(batch.tolist())]
    classes = tuple(f"class {c}" for c in range(int(labels.max()) + 1))
    fig = plane_figure(
        torch.from_numpy(raw_points), labels, batch, caption, classes, probability_image(probs), "this batch"
    )
    fig.update_layout(height=330)
    return fig


def picked_from_chart(event: Any) -> Parameter | None:
    """The weight (edge midpoint) or bias (node) a click on the network picked, if any."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        data = point.get("customdata") if isinstance(point, dict) else None
        if data and len(data) == 3 and data[0] >= 0:
            return Parameter(int(data[0]), int(data[1]), None if int(data[2]) < 0 else int(data[2]))
    return None
