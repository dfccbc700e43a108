"""Plotly figures of the Evaluation page: the clickable confusion matrix, ROC / PR curves, the test plane (also
the backprop page's plane, with a regression's values)."""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go
from torch import Tensor

from core.data.toy2d import PLANE_LIMIT
from core.evaluation import BinaryCurves, ClassCounts
from playground.figures import CLASS_COLORS, DIVERGING_SCALE, png_data_uri

TEXT_LIMIT = 20  # up to this many classes every cell shows its number; beyond, hover tells
UNDEFINED_GREY = "#e6e6e6"  # a 0/0 cell
SELECTED = "#f59322"  # the selected cell's frame (the app's orange)


def matrix_size(n_classes: int) -> int:
    """Pixel height of the matrix: cells of 42 px for a few classes, 600 px at most."""
    return int(min(600, max(260, 110 + 42 * n_classes)))


def _cell_text(count: int, value: float, how: str) -> str:
    if math.isnan(value):
        return "0/0"
    return f"{count:d}" if how == "none" else f"{value:.2f}"


def matrix_figure(
    counts: Tensor, values: Tensor, classes: tuple[str, ...], how: str, selected: tuple[int, int] | None
) -> go.Figure:
    """The confusion matrix: rows are true classes, columns predicted; every cell is a clickable point.

    Plotly heatmaps send no selection events to Streamlit, so a scatter of (nearly transparent) square
    markers, one per cell, carries the clicks, the numbers and the hover text over the heatmap.
    """
    n = len(classes)
    names_given = classes
    classes = tuple(html.escape(name) for name in classes)  # names may come from a learner's upload
    grid = values.numpy().astype(float)
    finite = np.where(np.isnan(grid), np.nan, grid)
    top = np.nanmax(finite) if np.isfinite(finite).any() else 1.0
    rows, cols = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    count_list = counts.flatten().tolist()
    value_list = grid.ravel().tolist()
    shown = [_cell_text(c, v, how) for c, v in zip(count_list, value_list, strict=True)]
    dark = [not math.isnan(v) and v > 0.55 * top for v in value_list]
    hover = [
        f"true <b>{classes[r]}</b>, predicted <b>{classes[c]}</b><br>{count:,} examples"
        + ("" if how == "none" else f" ({'0/0' if math.isnan(v) else f'{v:.3f}'})")
        + "<br>click: see them"
        for r, c, count, v in zip(rows.tolist(), cols.tolist(), count_list, value_list, strict=True)
    ]
    size = matrix_size(n)
    cell_px = (size - 110) / n
    fig = go.Figure(
        go.Heatmap(
            z=np.where(np.isnan(grid), None, grid).tolist(),
            x=list(range(n)),
            y=list(range(n)),
            colorscale="Blues",
            zmin=0,
            zmax=top if top > 0 else 1,
            showscale=False,
            hoverinfo="skip",
            xgap=1 if n <= TEXT_LIMIT else 0,  # 100 classes: gaps would be all one sees
            ygap=1 if n <= TEXT_LIMIT else 0,
        )
    )
    undefined = np.isnan(grid)
    if undefined.any():  # 0/0 cells: a flat grey layer under nothing
        fig.add_trace(
            go.Heatmap(
                z=np.where(undefined, 1.0, None).tolist(),
                x=list(range(n)),
                y=list(range(n)),
                colorscale=[[0, UNDEFINED_GREY], [1, UNDEFINED_GREY]],
                showscale=False,
                hoverinfo="skip",
                xgap=1 if n <= TEXT_LIMIT else 0,
                ygap=1 if n <= TEXT_LIMIT else 0,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=cols,
            y=rows,
            mode="markers+text" if n <= TEXT_LIMIT else "markers",
            marker={"symbol": "square", "size": max(cell_px * 0.92, 4), "color": "rgba(0,0,0,0.01)"},
            text=shown,
            textfont={"color": ["white" if d else "#333" for d in dark], "size": 13 if n <= 10 else 10},
            hovertext=hover,
            hoverinfo="text",
            selected={"marker": {"opacity": 1}},
            unselected={"marker": {"opacity": 1}},
            showlegend=False,
        )
    )
    if selected is not None:
        r, c = selected
        fig.add_shape(type="rect", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5, y1=r + 0.5, line={"color": SELECTED, "width": 4})
    rows_shown = list(range(0, n, max(1, math.ceil(n / 12))))  # 100 classes: every 9th name, so none overlap
    cols_shown = rows_shown
    fig.update_xaxes(
        title="predicted class",
        tickvals=cols_shown,
        ticktext=[html.escape(names_given[i][:16]) for i in cols_shown],
        side="top",
        showgrid=False,
        zeroline=False,
        range=[-0.5, n - 0.5],
        constrain="domain",
    )
    fig.update_yaxes(
        title="true class",
        tickvals=rows_shown,
        ticktext=[html.escape(names_given[i][:16]) for i in rows_shown],
        range=[n - 0.5, -0.5],
        showgrid=False,
        zeroline=False,
        scaleanchor="x",  # square cells
        constrain="domain",
    )
    fig.update_layout(
        height=size,
        margin={"l": 10, "r": 60, "t": 10, "b": 10},  # room for the last rotated class name
        plot_bgcolor="white",
        clickmode="event+select",
        hovermode="closest",  # the cell under the pointer, not the first of its column
        dragmode=False,
        xaxis_tickangle=-40 if n > 4 else 0,
    )
    return fig


def _curve(x: Tensor, y: Tensor, hover: str, thresholds: Tensor | None = None) -> go.Scatter:
    return go.Scatter(
        x=x.tolist(),
        y=y.tolist(),
        mode="lines",
        line={"color": CLASS_COLORS[1], "width": 2},
        customdata=None if thresholds is None else thresholds.tolist(),
        hovertemplate=hover + "<extra></extra>",
    )


def curves_figure(curves: BinaryCurves, counts: ClassCounts, threshold: float) -> go.Figure:
    """ROC (left) and precision-recall (right) curves, each with the current threshold's point."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(f"ROC curve (AUC {curves.auroc:.3f})", f"Precision-recall (AP {curves.average_precision:.3f})"),
        horizontal_spacing=0.12,
    )
    roc_hover = "false positive rate %{x:.3f}<br>true positive rate %{y:.3f}<br>threshold %{customdata:.3f}"
    fig.add_trace(_curve(curves.fpr, curves.tpr, roc_hover, curves.roc_thresholds), row=1, col=1)
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"color": "#bbb", "dash": "dot"}, hoverinfo="skip"),
        row=1,
        col=1,
    )
    fig.add_trace(_curve(curves.recall, curves.precision, "recall %{x:.3f}<br>precision %{y:.3f}"), row=1, col=2)
    tp, fp, fn, tn = counts
    fpr = fp / (fp + tn) if fp + tn else 0.0
    tpr = tp / (tp + fn) if tp + fn else 0.0
    marker = {"color": SELECTED, "size": 13, "line": {"color": "white", "width": 2}}
    fig.add_trace(
        go.Scatter(x=[fpr], y=[tpr], mode="markers", marker=marker, hovertemplate=f"threshold {threshold:.2f}"),
        row=1,
        col=1,
    )
    if tp + fp:  # precision is 0/0 when nothing is predicted positive: no point to mark
        fig.add_trace(
            go.Scatter(
                x=[tpr], y=[tp / (tp + fp)], mode="markers", marker=marker, hovertemplate=f"threshold {threshold:.2f}"
            ),
            row=1,
            col=2,
        )
    fig.update_xaxes(range=[-0.02, 1.02], row=1, col=1, title="false positive rate")
    fig.update_yaxes(range=[-0.02, 1.02], row=1, col=1, title="true positive rate (recall)")
    fig.update_xaxes(range=[-0.02, 1.02], row=1, col=2, title="recall")
    fig.update_yaxes(range=[-0.02, 1.02], row=1, col=2, title="precision")
    fig.update_layout(height=340, showlegend=False, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def _plane(boundary: np.ndarray | None) -> go.Figure:
    """An empty plane [-6, 6]², square, with `boundary` (uint8 [H, W, 3], row 0 at the top) behind."""
    fig = go.Figure()
    if boundary is not None:
        fig.add_layout_image(
            source=png_data_uri(boundary),
            xref="x",
            yref="y",
            x=-PLANE_LIMIT,
            y=PLANE_LIMIT,
            sizex=2 * PLANE_LIMIT,
            sizey=2 * PLANE_LIMIT,
            sizing="stretch",
            layer="below",
        )
    fig.update_xaxes(range=[-PLANE_LIMIT, PLANE_LIMIT], zeroline=False, constrain="domain")
    fig.update_yaxes(range=[-PLANE_LIMIT, PLANE_LIMIT], zeroline=False, scaleanchor="x")
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"orientation": "h", "y": -0.08})
    return fig


def plane_figure(
    points: Tensor,
    labels: Tensor,
    highlight: Tensor,
    caption: list[str],
    classes: tuple[str, ...],
    boundary: np.ndarray | None = None,
    highlight_name: str = "shown",
) -> go.Figure:
    """The test points on the plane, faded, with the chosen ones large and outlined; the model's boundary behind."""
    xy = points.cpu().numpy()
    y = labels.numpy()
    fig = _plane(boundary)
    for c, name in enumerate(classes):
        mine = y == c
        fig.add_trace(
            go.Scatter(
                x=xy[mine, 0],
                y=xy[mine, 1],
                mode="markers",
                name=html.escape(name),
                marker={"color": CLASS_COLORS[c % len(CLASS_COLORS)], "size": 6, "opacity": 0.45},
                hoverinfo="skip",
            )
        )
    chosen = highlight.numpy()
    colours = {"color": [CLASS_COLORS[int(y[i]) % len(CLASS_COLORS)] for i in chosen]}
    return _highlighted(fig, xy[chosen], colours, caption, highlight_name)


def _highlighted(fig: go.Figure, xy: np.ndarray, colours: dict, caption: list[str], name: str) -> go.Figure:
    """`fig` with the points `xy` drawn large and outlined in black, `caption` on hover (none: as it was)."""
    if len(xy):
        fig.add_trace(
            go.Scatter(
                x=xy[:, 0],
                y=xy[:, 1],
                mode="markers",
                name=name,
                marker={**colours, "size": 12, "line": {"color": "black", "width": 2}},
                hovertext=[html.escape(text) for text in caption],
                hoverinfo="text",
            )
        )
    return fig


def value_plane_figure(
    points: Tensor, values: Tensor, highlight: Tensor, caption: list[str], surface: np.ndarray, highlight_name: str
) -> go.Figure:
    """Regression's plane: the points coloured by value (-1 orange .. +1 blue), the chosen ones large; the surface."""
    xy = points.cpu().numpy()
    y = values.float().numpy()
    fig = _plane(surface)
    colours = {"colorscale": DIVERGING_SCALE, "cmin": -1.0, "cmax": 1.0, "line": {"color": "#555", "width": 0.5}}
    fig.add_trace(
        go.Scatter(
            x=xy[:, 0],
            y=xy[:, 1],
            mode="markers",
            name="points (colour: value)",
            marker={"color": y, "size": 6, "opacity": 0.6, **colours},
            hoverinfo="skip",
        )
    )
    chosen = highlight.numpy()
    return _highlighted(fig, xy[chosen], {**colours, "color": y[chosen]}, caption, highlight_name)


def compare_figure(classes: tuple[str, ...], only_a: Tensor, only_b: Tensor, a: str, b: str) -> go.Figure:
    """Per true class: how many examples only A gets right, and only B."""
    names = [html.escape(name[:16]) for name in classes]
    fig = go.Figure(
        [
            go.Bar(x=names, y=only_a.tolist(), name=f"only {a} right", marker_color=CLASS_COLORS[1]),
            go.Bar(x=names, y=only_b.tolist(), name=f"only {b} right", marker_color=CLASS_COLORS[0]),
        ]
    )
    fig.update_layout(
        barmode="group",
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": 1.12},
        yaxis_title="test examples",
    )
    return fig
