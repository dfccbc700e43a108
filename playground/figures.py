"""Pure plotly and image builders: arrays in, figures or pixels out, no Streamlit calls."""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

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
TINT_BASE = 0.08  # how much class colour a coin-flip cell gets (TF Playground fades to white)
TINT_GAIN = 0.55  # extra class colour for a certain cell


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
    mixed = WHITE_RGB + (palette[winner] - WHITE_RGB) * (TINT_BASE + TINT_GAIN * confidence)
    return np.clip(mixed, 0, 255).astype(np.uint8)


def class_confidence_image(probs: np.ndarray) -> np.ndarray:
    """Compact boundary pixels for the browser: red = winning class, green = confidence 0..255, blue = 0.

    The live view colours them (so Discretize is instant there) exactly as probability_image does.
    """
    n_classes = probs.shape[-1]
    if not np.isfinite(probs).all():
        probs = np.nan_to_num(probs, nan=1.0 / n_classes)  # a diverged model's cells: a coin flip
    top = probs.max(axis=-1)
    confidence = (top - 1 / n_classes) / (1 - 1 / n_classes)
    pixels = np.zeros((*probs.shape[:-1], 3), dtype=np.uint8)
    pixels[..., 0] = probs.argmax(axis=-1)
    pixels[..., 1] = np.clip(np.round(confidence * 255), 0, 255)
    return pixels


def _diverging_palette(levels: int = 255) -> np.ndarray:
    t = np.linspace(-1.0, 1.0, levels)[:, None]
    rgb = np.where(t >= 0, WHITE_RGB + (POSITIVE_RGB - WHITE_RGB) * t, WHITE_RGB + (NEGATIVE_RGB - WHITE_RGB) * -t)
    return np.round(rgb).astype(np.uint8)


DIVERGING_PALETTE = _diverging_palette()  # orange (-1) .. white (0) .. blue (+1), 255 steps: 0 is exact white
DIVERGING_SCALE = [[0.0, "#f59322"], [0.5, "#ffffff"], [1.0, "#0877bd"]]  # the same, for plotly (use zmid=0)
TILE_BORDER = (190, 190, 190)  # a frame around every tile, so a white (all-zero) tile still shows
DEAD_FILL = (228, 228, 228)  # an output that is exactly 0 everywhere (a dead ReLU): grey, not missing


def finite(values: np.ndarray) -> np.ndarray:
    """NaN as 0 and infinities as the largest float32: a model that just diverged still draws (mid-epoch frames).

    The usual all-finite array comes back as it is (no copy on every frame).
    """
    if np.isfinite(values).all():
        return values
    limit = float(np.finfo(np.float32).max)
    return np.nan_to_num(values.astype(np.float64), nan=0.0, posinf=limit, neginf=-limit)


def diverging_image(values: np.ndarray, scale: float | None = None) -> np.ndarray:
    """Orange (negative) - white - blue (positive) pixels for an array: uint8 [..., 3] (a palette lookup)."""
    values = finite(values)
    span = scale if scale is not None else float(np.abs(values).max())
    t = np.clip(values / span, -1.0, 1.0) if span > 0 else np.zeros(values.shape)
    index = np.round((t + 1.0) * 127.0).astype(np.intp)
    return DIVERGING_PALETTE[index]


def value_index_image(values: np.ndarray) -> np.ndarray:
    """Compact surface pixels for the browser: red = the value's step 0..254 on DIVERGING_PALETTE (-1..1), rest 0.

    The live view colours them (so Discretize is instant there) exactly as diverging_image(values, 1.0) does.
    """
    t = np.clip(finite(values), -1.0, 1.0)
    pixels = np.zeros((*values.shape, 3), dtype=np.uint8)
    pixels[..., 0] = np.round((t + 1.0) * 127.0)
    return pixels


def signed_tiles(maps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maps [N, h, w], each on its own symmetric scale, as diverging pixels [N, h, w, 3]; and which are all zero."""
    maps = finite(maps)
    span = np.abs(maps).reshape(len(maps), -1).max(axis=1)
    tiles = diverging_image(maps / np.where(span > 0, span, 1.0)[:, None, None], scale=1.0)
    return tiles, span == 0


def tile_sheet(tiles: np.ndarray, dead: np.ndarray | None = None, per_row: int = 4, gap: int = 3) -> np.ndarray:
    """Tiles [N, h, w, 3] in rows of `per_row`, each framed; dead tiles filled grey. uint8 [H, W, 3]."""
    count, height, width = tiles.shape[:3]
    columns, rows = min(count, per_row), -(-count // per_row)
    cell_h, cell_w = height + 2, width + 2  # one pixel of frame on every side
    sheet = np.full((rows * (cell_h + gap) - gap, columns * (cell_w + gap) - gap, 3), 255, dtype=np.uint8)
    for i in range(count):
        top, left = (i // per_row) * (cell_h + gap), (i % per_row) * (cell_w + gap)
        sheet[top : top + cell_h, left : left + cell_w] = TILE_BORDER
        sheet[top + 1 : top + 1 + height, left + 1 : left + 1 + width] = (
            DEAD_FILL if dead is not None and dead[i] else tiles[i]
        )
    return sheet


def encode_png(pixels: np.ndarray) -> bytes:
    """A minimal RGB PNG: no row filters, fast zlib (3x quicker than PIL's adaptive filters for live frames)."""
    height, width, channels = pixels.shape
    if channels != 3 or pixels.dtype != np.uint8:
        raise ValueError("encode_png takes uint8 RGB pixels of shape [H, W, 3].")
    rows = np.zeros((height, width * 3 + 1), dtype=np.uint8)  # a leading 0 per row: filter type None
    rows[:, 1:] = pixels.reshape(height, -1)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    body = zlib.compress(rows.tobytes(), 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def png_data_uri(pixels: np.ndarray) -> str:
    """Encode uint8 RGB pixels as a base64 PNG data URI (cheap to send and draw)."""
    return "data:image/png;base64," + base64.b64encode(encode_png(np.ascontiguousarray(pixels))).decode("ascii")


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
            colorscale=DIVERGING_SCALE,
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


def tensor_heatmap(
    values: np.ndarray, *, highlight: np.ndarray | None = None, title: str = "", max_annotated: int = 400
) -> go.Figure:
    """A 2-D array as a heatmap with its numbers written in (small arrays) and selected cells outlined.

    Args:
        values: 2-D float array (row 0 at the top, as PyTorch prints it).
        highlight: optional bool array of the same shape; True cells get an outline.
        title: shown above.
        max_annotated: arrays with more cells than this are drawn without numbers.
    """
    rows, cols = values.shape
    annotate = rows * cols <= max_annotated
    text = [[f"{v:.3g}" for v in row] for row in values] if annotate else None
    fig = go.Figure(
        go.Heatmap(
            z=values,
            text=text,
            texttemplate="%{text}" if annotate else None,
            colorscale="Blues",
            showscale=False,
            hovertemplate="row %{y}, col %{x}: %{z}<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    if highlight is not None and highlight.any():
        ys, xs = np.nonzero(highlight)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                name="selected",
                hoverinfo="skip",
                marker=dict(
                    symbol="square-open",
                    size=max(10, min(40, 360 // max(rows, cols))),
                    color="#f59322",
                    line=dict(width=3),
                ),
            )
        )
    fig.update_layout(
        title=title or None,
        height=min(520, 90 + 38 * rows),
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        xaxis=dict(side="top", dtick=1 if cols <= 30 else None, title="dim 1" if rows > 1 else "dim 0"),
        yaxis=dict(autorange="reversed", dtick=1 if rows <= 30 else None, title="dim 0" if rows > 1 else None),
        showlegend=False,
    )
    return fig


def timing_figure(timings: Sequence[tuple[str, int, float]]) -> go.Figure:
    """Milliseconds per n x n matmul by size, one line per device (log scales)."""
    fig = go.Figure()
    for device in dict.fromkeys(d for d, _, _ in timings):
        points = [(size, seconds * 1000) for d, size, seconds in timings if d == device]
        fig.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="lines+markers", name=device))
    fig.update_layout(
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title="matrix size n (n × n)", type="log"),
        yaxis=dict(title="milliseconds per matmul", type="log"),
        legend=dict(orientation="h", y=1.12),
    )
    return fig


LANDSCAPE_STOPS = np.array(  # light yellow (low loss) through green and blue (high loss)
    [[255, 255, 217], [199, 233, 180], [127, 205, 187], [65, 182, 196], [29, 145, 192], [34, 94, 168]],
    dtype=np.float32,
)


def landscape_image(losses: np.ndarray, bands: int = 14) -> np.ndarray:
    """A loss grid as banded colours (bright = low loss): the bands read like contour lines. uint8 [H, W, 3]."""
    logged = np.log10(np.maximum(finite(losses), 1e-12))
    low, high = float(logged.min()), float(logged.max())
    t = (logged - low) / (high - low) if high > low else np.zeros_like(logged)
    t = np.floor(t * bands) / bands  # steps instead of a smooth ramp: each band is one contour interval
    position = t * (len(LANDSCAPE_STOPS) - 1)
    lower = np.clip(np.floor(position).astype(int), 0, len(LANDSCAPE_STOPS) - 2)
    weight = (position - lower)[..., None]
    rgb = LANDSCAPE_STOPS[lower] * (1 - weight) + LANDSCAPE_STOPS[lower + 1] * weight
    return np.clip(rgb, 0, 255).astype(np.uint8)
