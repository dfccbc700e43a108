"""The vision page's "Inside the network" tab: an image in, the prediction, every feature map, one conv by hand."""

from __future__ import annotations

import streamlit as st
import torch
from torch import Tensor

from core.cnn import class_probabilities, explain_conv_pixel, feature_maps
from core.uploads import IMAGE_TYPES, DecodedImage, decode_image, looks_like_a_colour_photo, to_model_input
from core.vision import VisionExperiment
from playground.figures import png_data_uri
from playground.literal import literal
from playground.live.run import LiveRun
from playground.upload_ui import file_upload, parsed_once
from playground.vision_view import (
    CHART,
    channel_sheet,
    conv_sum_text,
    labelled_sheet,
    matrix_figure,
    probability_figure,
)


def index_slider(label: str, count: int, key: str, default: int = 0) -> int:
    """A slider over 0..count-1; with one choice there is nothing to slide (a slider needs min < max)."""
    if count <= 1:
        return 0
    return int(st.slider(label, 0, count - 1, min(default, count - 1), key=key))


def _uploaded_image(prefix: str, experiment: VisionExperiment) -> Tensor | None:
    upload = file_upload(f"An image ({', '.join(t.upper() for t in IMAGE_TYPES[:6])})", prefix + "upload", IMAGE_TYPES)
    if upload is None:
        return None
    decoded = parsed_once(prefix + "upload", upload, lambda data, _name: decode_image(data))
    if isinstance(decoded, ValueError):
        st.error(literal(str(decoded)))
        return None
    return _show_what_the_model_sees(decoded, experiment)


def _show_what_the_model_sees(decoded: DecodedImage, experiment: VisionExperiment) -> Tensor:
    size, channels = experiment.train.images.shape[-1], experiment.train.images.shape[1]
    image, notes = to_model_input(decoded.rgb, size, channels)
    left, right = st.columns(2)
    width, height = decoded.original_size
    left.markdown(f"**Your {decoded.original_format}** ({decoded.original_mode}, {width:,} × {height:,})")
    left.image(decoded.rgb, width=220)
    right.markdown(f"**What the model sees** ({size} × {size})")
    right.image(png_data_uri(labelled_sheet(image.unsqueeze(0), [""], scale=8, per_row=1)), width=220)
    right.caption("; ".join([*decoded.notes, *notes]))
    classes = ", ".join(experiment.classes)
    if channels == 1 and looks_like_a_colour_photo(decoded.rgb):
        st.warning(
            f"This looks like a colour photo. The model has only seen grey {experiment.config.dataset} images and "
            f"can only answer one of: {classes}. Whatever you show it, it picks one of those, so this guess "
            "says little about your photo."
        )
    else:
        st.caption(f"The model can only answer one of: {classes}.")
    return image


def inside_the_network(prefix: str, run: LiveRun) -> None:
    """Pick a test image or upload one; show the prediction and every layer for it."""
    experiment: VisionExperiment = run.experiment
    source = st.radio("Image", ["a test image", "upload your own"], horizontal=True, key=prefix + "image_source")
    if source == "a test image":
        count = len(experiment.test.labels)
        index = int(st.number_input(f"Test image (0–{count - 1})", 0, count - 1, 0, key=prefix + "test_index"))
        image: Tensor | None = experiment.test.images[index]
        st.caption(f"Label: {experiment.classes[int(experiment.test.labels[index])]}")
    else:
        image = _uploaded_image(prefix, experiment)
    if image is None:
        return
    with run.lock:
        probabilities = class_probabilities(run.trainer.model, image)
        maps = feature_maps(run.trainer.model, image)
        first_conv = run.trainer.model.blocks[0][0]
        kernels = first_conv.weight.detach().cpu().clone()
    top = int(probabilities.argmax())
    st.markdown(
        f"#### Prediction at epoch {run.epoch}: **{experiment.classes[top]}** ({float(probabilities[top]):.0%})"
    )
    st.plotly_chart(probability_figure(probabilities, experiment.classes), key=prefix + "probabilities", config=CHART)
    _feature_maps(maps)
    st.markdown("#### The first conv layer's learned kernels")
    st.caption(f"{list(kernels.shape)}: one kernel per output channel (input channel 0); blue +, orange −")
    st.image(png_data_uri(channel_sheet(kernels[:, 0], scale=12)))
    _one_pixel_by_hand(prefix, run, first_conv, image, kernels.shape[0], maps[0][1].shape[-1])


def _feature_maps(maps: list[tuple[str, Tensor]]) -> None:
    st.markdown("#### Feature maps after every layer")
    st.caption(
        "Each tile is one channel on its own scale: blue positive, orange negative, white 0; "
        "a grey tile is 0 everywhere (after ReLU: a channel this image does not switch on)."
    )
    for layer_name, activation in maps:
        dead = int((activation.flatten(1).abs().amax(dim=1) == 0).sum())
        note = f" · {dead} of {activation.shape[0]} all zero" if dead else ""
        st.markdown(f"**{layer_name}** `{list(activation.shape)}`{note}")
        st.image(png_data_uri(channel_sheet(activation, scale=max(1, 56 // activation.shape[-1]))))


def _one_pixel_by_hand(prefix: str, run: LiveRun, conv: torch.nn.Conv2d, image: Tensor, channels: int, size: int):
    st.markdown("#### One output pixel of the first convolution, by hand")
    cols = st.columns(3)
    channel = int(cols[0].number_input("Output channel", 0, channels - 1, 0, key=prefix + "explain_channel"))
    with cols[1]:
        row = index_slider("Row", size, prefix + "explain_row", size // 2)
    with cols[2]:
        col = index_slider("Column", size, prefix + "explain_col", size // 2)
    with run.lock:
        pixel = explain_conv_pixel(conv, image, channel, row, col)
    padding = conv.padding[0]
    padded = torch.nn.functional.pad(image[0], (padding,) * 4)
    views = st.columns([1.4, 1, 1, 1])
    figures = [
        matrix_figure(padded, "input (padded)", (pixel.rows, pixel.cols)),
        matrix_figure(pixel.patch[0], "patch"),
        matrix_figure(pixel.kernel[0], "kernel", signed=True),
        matrix_figure(pixel.products[0], "patch × kernel", signed=True),
    ]
    for view, figure, name in zip(views, figures, ("in", "patch", "kernel", "products"), strict=True):
        view.plotly_chart(figure, key=prefix + "explain_" + name, config=CHART)
    st.markdown(conv_sum_text(pixel))
