"""Pure plotly and image builders: arrays in, figures or pixels out, no Streamlit calls."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

# TF Playground's colours: orange for class 0 (its -1), blue for class 1 (its +1), then more.
CLASS_COLORS: tuple[str, ...] = (
    "#f59322",
    "#0877bd",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
)
NEGATIVE_RGB = np.array([245, 147, 34], dtype=np.float32)  # orange
POSITIVE_RGB = np.array([8, 119, 189], dtype=np.float32)  # blue
WHITE_RGB = np.array([255, 255, 255], dtype=np.float32)
MAX_POINTS_PER_TRACE = 2000  # downsample long curves so redraws stay cheap


def hex_to_rgb(color: str) -> np.ndarray:
    """'#rrggbb' -> float32 [3]."""
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def probability_image(probs: np.ndarray, discretize: bool = False) -> np.ndarray:
    """Colour each cell by its class probabilities: uint8 [H, W, 3].

    Confident cells take their class colour; uncertain ones fade to white, as in
    TF Playground. With `discretize`, each cell takes its most likely class outright.
    """
    n_classes = probs.shape[-1]
    palette = np.stack([hex_to_rgb(c) for c in CLASS_COLORS[:n_classes]])
    winner = probs.argmax(axis=-1)
    if discretize:
        return palette[winner].astype(np.uint8)
    top = probs.max(axis=-1, keepdims=True)
    confidence = (top - 1 / n_classes) / (1 - 1 / n_classes)  # 0 at a coin flip, 1 when certain
    mixed = WHITE_RGB + (palette[winner] - WHITE_RGB) * (0.08 + 0.55 * confidence)
    return np.clip(mixed, 0, 255).astype(np.uint8)


def diverging_image(values: np.ndarray, scale: float | None = None) -> np.ndarray:
    """Orange (negative) - white - blue (positive) pixels for a 2-D array: uint8 [H, W, 3]."""
    span = scale if scale is not None else float(np.abs(values).max())
    t = np.clip(values / span, -1.0, 1.0)[..., None] if span > 0 else np.zeros((*values.shape, 1))
    rgb = np.where(t >= 0, WHITE_RGB + (POSITIVE_RGB - WHITE_RGB) * t, WHITE_RGB + (NEGATIVE_RGB - WHITE_RGB) * -t)
    return rgb.astype(np.uint8)


def png_data_uri(pixels: np.ndarray) -> str:
    """Encode uint8 pixels as a base64 PNG data URI (cheap to send and draw)."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def boundary_figure(
    pixels: np.ndarray,
    limit: float,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    height: int = 420,
) -> go.Figure:
    """The decision boundary as a background image with the points on top.

    Args:
        pixels: uint8 [H, W, 3], row 0 at the top of the plane.
        limit: the plane spans [-limit, limit].
        train: (points [N, 2], labels [N]) drawn filled.
        test: optional (points, labels) drawn as rings.
    """
    fig = go.Figure()
    fig.add_layout_image(
        source=png_data_uri(pixels),
        xref="x",
        yref="y",
        x=-limit,
        y=limit,
        sizex=2 * limit,
        sizey=2 * limit,
        sizing="stretch",
        layer="below",
    )
    sets = [("train", train, "circle", 1.0)] + ([("test", test, "circle-open", 1.0)] if test is not None else [])
    for name, (points, labels), symbol, opacity in sets:
        for label in np.unique(labels):
            chosen = points[labels == label]
            fig.add_trace(
                go.Scattergl(
                    x=chosen[:, 0],
                    y=chosen[:, 1],
                    mode="markers",
                    name=f"{name}: class {int(label)}",
                    marker=dict(
                        color=CLASS_COLORS[int(label) % len(CLASS_COLORS)],
                        symbol=symbol,
                        size=7 if symbol == "circle" else 8,
                        line=dict(
                            color="white" if symbol == "circle" else CLASS_COLORS[int(label) % len(CLASS_COLORS)],
                            width=0.8 if symbol == "circle" else 1.6,
                        ),
                    ),
                    opacity=opacity,
                    hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<extra>%{fullData.name}</extra>",
                )
            )
    axis = dict(range=[-limit, limit], zeroline=False, showgrid=False, constrain="domain")
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(axis, title="x1"),
        yaxis=dict(axis, title="x2", scaleanchor="x"),
        legend=dict(orientation="h", y=-0.15),
        plot_bgcolor="white",
        uirevision="boundary",
    )
    return fig


def downsample(values: Sequence[float], max_points: int = MAX_POINTS_PER_TRACE) -> tuple[list[int], list[float]]:
    """Keep at most max_points evenly spaced (x = 1-based epoch, y = value), always the last."""
    n = len(values)
    if n <= max_points:
        return list(range(1, n + 1)), list(values)
    idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return [int(i) + 1 for i in idx], [values[i] for i in idx]


def curves_figure(
    series: dict[str, Sequence[float | None]], *, y_title: str, height: int = 220, y_range: list[float] | None = None
) -> go.Figure:
    """Line chart of per-epoch values, one trace per named series, downsampled."""
    fig = go.Figure()
    colors = {"train": "#333333", "test": "#0877bd"}
    for name, values in series.items():
        clean = [float("nan") if v is None else float(v) for v in values]
        x, y = downsample(clean)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=name, line=dict(color=colors.get(name), width=2)))
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=10, b=30),
        xaxis_title="Epoch",
        yaxis_title=y_title,
        legend=dict(orientation="h", y=1.15),
        uirevision=y_title,
    )
    if y_range is not None:
        fig.update_yaxes(range=y_range)
    return fig


def neuron_figure(values: np.ndarray, limit: float, title: str, *, height: int = 320) -> go.Figure:
    """One neuron's output over the plane as a hoverable heatmap (row 0 = top)."""
    resolution = values.shape[0]
    step = 2 * limit / resolution
    centres = np.linspace(-limit + step / 2, limit - step / 2, resolution)
    span = float(np.abs(values).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=values[::-1],
            x=centres,
            y=centres,
            zmin=-span,
            zmax=span,
            colorscale=[[0.0, "#f59322"], [0.5, "#ffffff"], [1.0, "#0877bd"]],
            hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>output=%{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title="x1", constrain="domain"),
        yaxis=dict(title="x2", scaleanchor="x"),
    )
    return fig
