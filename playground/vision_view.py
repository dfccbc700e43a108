"""What the computer-vision page draws: sample grids, test predictions, feature maps, kernels, conv maths."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
import torch
from PIL import Image, ImageDraw
from torch import Tensor

from core.cnn import ConvPixel
from playground.figures import diverging_image, png_data_uri
from playground.live.run import LiveRun

PREVIEW_COUNT = 16  # test images shown with their predictions while training
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
    """Feature maps [channels, h, w] side by side, each on its own scale (blue positive, orange negative)."""
    values = maps.detach().float().cpu().numpy()
    count, height, width = values.shape
    span = np.abs(values).reshape(count, -1).max(axis=1)
    tiles = diverging_image(values / np.where(span > 0, span, 1.0)[:, None, None], scale=1.0)
    tiles = np.kron(tiles, np.ones((scale, scale, 1), dtype=np.uint8))
    rows = -(-count // per_row)
    gap = 3
    tile_h, tile_w = height * scale, width * scale
    sheet = np.full((rows * (tile_h + gap) - gap, min(count, per_row) * (tile_w + gap) - gap, 3), 255, np.uint8)
    for i in range(count):
        top, left = (i // per_row) * (tile_h + gap), (i % per_row) * (tile_w + gap)
        sheet[top : top + tile_h, left : left + tile_w] = tiles[i]
    return sheet


def vision_pictures(run: LiveRun) -> dict[str, Any]:
    """The frame's picture: the first test images with the model's guesses, green when right, red when wrong."""
    experiment = run.experiment
    images = experiment.test.images[:PREVIEW_COUNT]
    labels = experiment.test.labels[:PREVIEW_COUNT]
    model = run.trainer.model
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        guesses = model(images.to(next(model.parameters()).device)).argmax(dim=1).cpu()
    model.train(was_training)
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


def matrix_figure(
    values: Tensor,
    title: str,
    highlight: tuple[tuple[int, int], tuple[int, int]] | None = None,
    colorscale: str = "Blues",
) -> go.Figure:
    """A small 2-D tensor as an annotated heatmap, optionally with a rectangle (the kernel's window)."""
    array = values.detach().float().cpu().numpy()
    annotate = array.size <= 100
    fig = go.Figure(
        go.Heatmap(
            z=array,
            colorscale=colorscale,
            showscale=False,
            xgap=1,
            ygap=1,
            text=[[f"{v:.2f}" for v in row] for row in array] if annotate else None,
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
            line=dict(color="#f59322", width=3),
        )
    side = 240 if annotate else 300
    fig.update_layout(
        title=title,
        height=side,
        margin=dict(l=10, r=10, t=36, b=10),
        yaxis=dict(autorange="reversed", scaleanchor="x", showticklabels=not annotate),
        xaxis=dict(showticklabels=not annotate),
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
