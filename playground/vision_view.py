"""What the computer-vision page draws: sample grids, test predictions, feature maps, kernels, conv maths."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch
from PIL import Image, ImageDraw
from torch import Tensor

from core.cnn import ConvPixel, ShapeProblem, TinyVGGConfig, trace
from core.data.images import ImageDataset
from core.models import eval_mode
from playground.figures import DIVERGING_SCALE, png_data_uri, signed_tiles, tile_sheet
from playground.live.run import LiveRun

PREVIEW_COUNT = 16  # test images shown with their predictions while training
TABLE_ROW_PX = 35  # st.dataframe's row height
CHART = {"displayModeBar": False}  # plotly charts on the vision page: no toolbar
GOOD, BAD = (44, 160, 44), (214, 39, 40)


def grey_pixels(image: Tensor) -> np.ndarray:
    """[1, H, W] (or [3, H, W]) in 0..1 -> uint8 RGB [H, W, 3]."""
    array = image.detach().float().clamp(0, 1).cpu().numpy()
    array = np.repeat(array, 3, axis=0) if array.shape[0] == 1 else array[:3]
    return (np.moveaxis(array, 0, -1) * 255).astype(np.uint8)


def labelled_sheet(
    images: Tensor,
    captions: list[str],
    colours: list[tuple[int, int, int]] | None = None,
    per_row: int = 8,
    scale: int = 2,
) -> np.ndarray:
    """Images [N, C, H, W] in a grid, each with a caption underneath (coloured, e.g. right/wrong)."""
    count, size = len(images), images.shape[-1] * scale
    rows = -(-count // per_row)
    cell_w, cell_h = size + 6, size + 16
    sheet = Image.new("RGB", (min(count, per_row) * cell_w, rows * cell_h), (255, 255, 255))
    pen = ImageDraw.Draw(sheet)
    for i in range(count):
        tile = Image.fromarray(grey_pixels(images[i])).resize((size, size), Image.NEAREST)
        left, top = (i % per_row) * cell_w + 3, (i // per_row) * cell_h + 2
        colour = colours[i] if colours else (60, 60, 60)
        if colours:
            pen.rectangle((left - 2, top - 2, left + size + 1, top + size + 1), outline=colour, width=2)
        sheet.paste(tile, (left, top))
        pen.text((left, top + size + 2), captions[i][:10], fill=colour)
    return np.asarray(sheet)


def channel_sheet(maps: Tensor, per_row: int = 10, scale: int = 2) -> np.ndarray:
    """Feature maps [channels, h, w] side by side, framed, each on its own scale (blue +, orange -, grey all 0)."""
    tiles, dead = signed_tiles(maps.detach().float().cpu().numpy())
    tiles = np.kron(tiles, np.ones((scale, scale, 1), dtype=np.uint8))
    return tile_sheet(tiles, dead, per_row)


def vision_pictures(run: LiveRun) -> dict[str, Any]:
    """The frame's picture: the first test images with the model's guesses, green when right, red when wrong."""
    experiment = run.experiment
    images = experiment.test.images[:PREVIEW_COUNT]
    labels = experiment.test.labels[:PREVIEW_COUNT]
    model = run.trainer.model
    inputs = run.trainer.test[0][:PREVIEW_COUNT] if run.trainer.test is not None else images  # what the model reads
    with eval_mode(model), torch.inference_mode():
        guesses = model(inputs.to(next(model.parameters()).device)).argmax(dim=1).cpu()
    classes = experiment.classes
    captions = [classes[int(g)] for g in guesses]
    colours = [GOOD if int(g) == int(t) else BAD for g, t in zip(guesses, labels, strict=True)]
    sheet = labelled_sheet(images, captions, colours)
    right = sum(c == GOOD for c in colours)
    return {
        "neurons": [
            {
                "title": f"{right} of {len(colours)} test images right (the model's guess under each)",
                "png": png_data_uri(sheet),
                "width": sheet.shape[1] / 1.6,
            }
        ],
    }


def shape_tracer(page: str, model_config: TinyVGGConfig, data: ImageDataset) -> TinyVGGConfig:
    """Trace one image through every layer; impossible settings are explained and the last good network kept."""
    channels, size, n_classes = data.images.shape[1], data.images.shape[-1], len(data.classes)
    kept = page + "/valid_model"
    try:
        rows = trace(model_config, channels, size, n_classes)
    except ShapeProblem as problem:
        st.error(f"These settings cannot work: {problem}")
        model_config = st.session_state.get(kept, TinyVGGConfig())
        st.caption("Training keeps the last network that worked until the settings fit.")
        rows = trace(model_config, channels, size, n_classes)
    st.session_state[kept] = model_config
    st.markdown("#### Shape tracer: one image through every layer")
    st.dataframe(
        [
            {"layer": r.name, "PyTorch": r.layer, "output shape": str(list(r.output)), "parameters": r.parameters}
            for r in rows
        ],
        hide_index=True,
        height=TABLE_ROW_PX * (len(rows) + 1) + 3,  # every row shows: flatten and the classifier are not scrolled away
    )
    st.caption(f"{sum(r.parameters for r in rows):,} parameters in all.")
    return model_config


def vision_view_data() -> dict[str, Any]:
    """The live view's options for this page: counters, curves and the predictions sheet."""
    return {"view": "images", "sheets_title": "Test images, live"}


def probability_figure(probabilities: Tensor, classes: tuple[str, ...]) -> go.Figure:
    """The softmax probabilities as a bar chart, the top class highlighted."""
    values = probabilities.tolist()
    top = int(np.argmax(values))
    fig = go.Figure(
        go.Bar(
            x=list(classes),
            y=values,
            marker_color=["#0877bd" if i == top else "#9ecae1" for i in range(len(values))],
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        )
    )
    fig.update_layout(
        height=260,
        margin=dict(l=10, r=10, t=10, b=10),
        yaxis=dict(range=[0, 1], tickformat=".0%"),
        xaxis=dict(type="category"),
    )
    return fig


def top_k_figure(pairs: list[tuple[str, float]]) -> go.Figure:
    """The k most likely classes as horizontal bars, the most likely on top and highlighted."""
    names = [name for name, _ in pairs][::-1]
    values = [value for _, value in pairs][::-1]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker_color=["#9ecae1"] * (len(pairs) - 1) + ["#0877bd"],
            text=[f"{v:.1%}" for v in values],
            textposition="auto",
            hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        )
    )
    fig.update_layout(
        height=70 + 30 * len(pairs),
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        xaxis={"range": [0, 1], "tickformat": ".0%", "title": "probability"},
        yaxis={"automargin": True},
    )
    return fig


def matrix_figure(
    values: Tensor,
    title: str,
    highlight: tuple[tuple[int, int], tuple[int, int]] | None = None,
    signed: bool = False,
    height: int | None = None,
    digits: int = 2,
    top: float | None = None,
) -> go.Figure:
    """A small 2-D tensor as an annotated heatmap, optionally with a rectangle (the kernel's window).

    Signed values (kernels, products) use the app's orange-white-blue scale centred on 0,
    so +0.04 is pale blue and -0.04 pale orange; unsigned ones (pixels) use blues up to `top`.
    """
    array = values.detach().float().cpu().numpy()
    annotate = array.size <= 100
    span = float(np.abs(array).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=array,
            colorscale=DIVERGING_SCALE if signed else "Blues",
            zmin=-span if signed else min(0.0, float(array.min())),
            zmax=span if signed else (top if top is not None else max(1.0, float(array.max()))),
            showscale=False,
            xgap=1,
            ygap=1,
            text=[[f"{v:.{digits}f}" for v in row] for row in array] if annotate else None,
            texttemplate="%{text}" if annotate else None,
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
        )
    )
    if highlight is not None:
        (top, bottom), (left, right) = highlight
        fig.add_shape(
            type="rect",
            x0=left - 0.5,
            x1=right - 0.5,
            y0=top - 0.5,
            y1=bottom - 0.5,
            line=dict(color="#d62728", width=3),
        )
    fig.update_layout(
        title=dict(text=title, font=dict(size=14)),
        height=height or (260 if annotate else 320),
        margin=dict(l=10, r=10, t=40, b=10),
        yaxis=dict(autorange="reversed", scaleanchor="x", showticklabels=not annotate, constrain="domain"),
        xaxis=dict(showticklabels=not annotate, constrain="domain"),
    )
    return fig


def conv_sum_text(pixel: ConvPixel) -> str:
    """The output pixel written out: sum of (patch × kernel) + bias = value."""
    products = pixel.products.flatten().tolist()
    shown = " + ".join(f"{p:.2f}" for p in products[:9]) + (" + …" if len(products) > 9 else "")
    return (
        f"Σ (patch × kernel) + bias = {shown} + ({pixel.bias:.2f}) = **{pixel.value:.4f}** "
        f"(the conv layer computed {pixel.check:.4f})"
    )
