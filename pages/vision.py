"""Computer vision: TinyVGG trained live, a shape tracer, and CNN Explainer's layer-by-layer views."""

import streamlit as st
import torch

from core.cnn import ShapeProblem, class_probabilities, conv_output_size, explain_conv_pixel, feature_maps, trace
from core.codegen_cnn import cnn_script
from core.data import download as downloads
from core.data.images import ONLINE_SETS, ImageDataset, digits, shapes, torchvision_set
from core.uploads import UploadError, decode_image, to_model_input
from core.vision import VisionConfig, build_vision
from playground.figures import png_data_uri
from playground.live.controls import live_view, transport_controls
from playground.live.session import get_run, namespaced
from playground.sidebar import current_device, current_seed
from playground.vision_view import (
    channel_sheet,
    conv_sum_text,
    labelled_sheet,
    matrix_figure,
    probability_figure,
    vision_pictures,
    vision_view_data,
)
from playground.vision_widgets import K, dataset_ui, tiny_vgg_ui, vision_train_ui

PAGE = "vision"


@st.cache_resource(show_spinner="Loading images...")
def load_images(name: str, seed: int) -> ImageDataset:
    """Read-only image data, shared by every learner (each learner's model is their own)."""
    if name == "digits":
        return digits()
    if name == "shapes":
        return shapes(seed=seed)
    return torchvision_set(name, downloads.DEFAULT_ROOT)


st.title("Computer vision with TinyVGG")
st.caption(
    "A small convolutional network (the course's TinyVGG, CNN Explainer's model) learns to tell images "
    "apart. Configure it, train it live, then look inside: every feature map, every kernel, every sum."
)
data_tab, model_tab, train_tab, inside_tab = st.tabs(["1. Data", "2. Model", "3. Train", "4. Inside the network"])

with data_tab:
    name = dataset_ui()
    if name in ONLINE_SETS and not downloads.is_downloaded(name):
        st.info(
            f"{name} is not on this machine yet. Downloading needs the internet; the digits and shapes "
            "work offline. Until it is here, the page uses the digits."
        )
        if st.button(f"Download {name}", key=K + "download"):
            bar = st.progress(0.0, text="Connecting...")
            try:
                downloads.download(name, progress=lambda fraction, message: bar.progress(min(fraction, 1.0), message))
            except downloads.DownloadError as error:
                st.error(str(error))
            else:
                st.rerun()
        name = "digits"
    data = load_images(name, current_seed())
    sample = data.images[:24]
    st.image(
        labelled_sheet(sample, [data.classes[int(label)] for label in data.labels[:24]], per_row=12),
        caption=f"{len(data.labels):,} images in {len(data.classes)} classes: {', '.join(data.classes)}",
    )
    st.markdown(
        f"A batch of 32 is a tensor of shape **[B, C, H, W] = {list(data.images[:32].shape)}**: "
        "batch, colour channels (1: grey), height, width."
    )

with model_tab:
    model_config = tiny_vgg_ui()
    try:
        rows = trace(model_config, data.images.shape[1], data.images.shape[-1], len(data.classes))
    except ShapeProblem as problem:
        st.error(f"These settings cannot work: {problem}")
        model_config = st.session_state.get(namespaced(PAGE, "valid_model"), type(model_config)())
        st.caption("Training keeps the last network that worked until the settings fit.")
        rows = trace(model_config, data.images.shape[1], data.images.shape[-1], len(data.classes))
    st.session_state[namespaced(PAGE, "valid_model")] = model_config
    st.markdown("#### Shape tracer: one image through every layer")
    st.dataframe(
        [
            {"layer": r.name, "PyTorch": r.layer, "output shape": str(list(r.output)), "parameters": r.parameters}
            for r in rows
        ],
        hide_index=True,
    )
    st.caption(f"{sum(r.parameters for r in rows):,} parameters in all.")
    st.markdown("#### Convolution sandbox")
    cols = st.columns(4)
    size = cols[0].slider("Input size", 3, 16, 7, key=K + "sandbox_size")
    kernel = cols[1].slider("Kernel size", 1, 7, 3, key=K + "sandbox_kernel")
    stride = cols[2].slider("Stride", 1, 4, 1, key=K + "sandbox_stride")
    padding = cols[3].slider("Padding", 0, 3, 0, key=K + "sandbox_padding")
    out = conv_output_size(size, kernel, stride, padding)
    if out < 1:
        st.error(
            f"A {kernel} × {kernel} kernel does not fit in a {size} × {size} input with padding {padding}: "
            f"({size} + 2·{padding} − {kernel}) / {stride} + 1 = {out}. Add padding or shrink the kernel."
        )
    else:
        st.markdown(f"Output size = ⌊({size} + 2·{padding} − {kernel}) / {stride}⌋ + 1 = **{out} × {out}**")
        step = st.slider("Kernel position (output pixel)", 0, out * out - 1, 0, key=K + "sandbox_position")
        top, left = (step // out) * stride, (step % out) * stride
        padded = torch.zeros(size + 2 * padding, size + 2 * padding)
        padded[padding : padding + size, padding : padding + size] = 1.0
        st.plotly_chart(
            matrix_figure(
                padded,
                f"input {size}×{size} (1) with padding (0); the window makes output "
                f"pixel ({step // out}, {step % out})",
                ((top, top + kernel), (left, left + kernel)),
            ),
            key=K + "sandbox_chart",
            config={"displayModeBar": False},
        )

with train_tab:
    buttons = st.container()
    bar = st.columns(4, vertical_alignment="bottom")
    train_config = vision_train_ui(list(bar))
    config = VisionConfig(name, model_config, train_config, current_seed())
    device = current_device()
    key = (name, model_config, train_config.optimizer, config.seed, str(device))
    run, rebuilt = get_run(st.session_state, PAGE, key, lambda: build_vision(config, data, device), vision_pictures)
    with run.lock:
        run.experiment.apply_live_settings(train_config)
    with buttons:
        transport_controls(PAGE, run)
    st.caption(
        f"{len(run.experiment.train.labels):,} training and {len(run.experiment.test.labels):,} test images; "
        f"one epoch is {-(-len(run.experiment.train.labels) // train_config.batch_size)} batches of "
        f"{train_config.batch_size}."
    )
    live_view(PAGE, run, vision_view_data())
    with st.expander("Show the PyTorch code"):
        source = cnn_script(config, epochs=max(run.epoch, 5))
        st.download_button(
            "Download as .py", source, file_name="tinyvgg.py", mime="text/x-python", key=K + "download_code"
        )
        st.code(source, language="python")

with inside_tab:
    experiment = run.experiment
    source_choice = st.radio("Image", ["a test image", "upload your own"], horizontal=True, key=K + "image_source")
    image = None
    if source_choice == "a test image":
        index = int(st.number_input("Test image", 0, len(experiment.test.labels) - 1, 0, key=K + "test_index"))
        image = experiment.test.images[index]
        st.caption(f"Label: {experiment.classes[int(experiment.test.labels[index])]}")
    else:
        upload = st.file_uploader(
            "An image (PNG, JPEG, GIF, BMP, WEBP, TIFF)",
            key=K + "upload",
            type=["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"],
        )
        if upload is not None:
            try:
                decoded = decode_image(upload.getvalue())
            except UploadError as error:
                st.error(str(error))
            else:
                image, notes = to_model_input(
                    decoded.rgb, experiment.train.images.shape[-1], experiment.train.images.shape[1]
                )
                left, right = st.columns(2)
                left.image(
                    decoded.rgb,
                    caption=f"Your {decoded.original_format} ({decoded.original_mode}, "
                    f"{decoded.original_size[0]} × {decoded.original_size[1]})",
                    width=200,
                )
                right.image(
                    png_data_uri(labelled_sheet(image.unsqueeze(0), ["model sees"], scale=6, per_row=1)),
                    caption="What the model sees: " + "; ".join([*decoded.notes, *notes]),
                    width=200,
                )
    if image is not None:
        with run.lock:
            probabilities = class_probabilities(run.trainer.model, image)
            maps = feature_maps(run.trainer.model, image)
            first_conv = run.trainer.model.blocks[0][0]
            kernels = first_conv.weight.detach().cpu().clone()
        st.markdown(
            f"#### Prediction at epoch {run.epoch}: **{experiment.classes[int(probabilities.argmax())]}** "
            f"({float(probabilities.max()):.0%})"
        )
        st.plotly_chart(
            probability_figure(probabilities, experiment.classes),
            key=K + "probabilities",
            config={"displayModeBar": False},
        )
        st.markdown("#### Feature maps after every layer")
        for layer_name, activation in maps:
            st.image(
                png_data_uri(channel_sheet(activation, scale=max(1, 56 // activation.shape[-1]))),
                caption=f"{layer_name}: {list(activation.shape)}",
            )
        st.markdown("#### The first conv layer's learned kernels")
        st.image(
            png_data_uri(channel_sheet(kernels[:, 0], scale=12)),
            caption=f"{list(kernels.shape)}: one kernel per output channel (input channel 0)",
        )
        st.markdown("#### One output pixel of the first convolution, by hand")
        out_size = maps[0][1].shape[-1]
        cols = st.columns(3)
        channel = int(cols[0].number_input("Output channel", 0, kernels.shape[0] - 1, 0, key=K + "explain_channel"))
        row = int(cols[1].slider("Row", 0, out_size - 1, out_size // 2, key=K + "explain_row"))
        col = int(cols[2].slider("Column", 0, out_size - 1, out_size // 2, key=K + "explain_col"))
        with run.lock:
            pixel = explain_conv_pixel(first_conv, image, channel, row, col)
        padding = first_conv.padding[0]
        padded = torch.nn.functional.pad(image[0], (padding,) * 4)
        views = st.columns(4)
        views[0].plotly_chart(
            matrix_figure(padded, "input (padded)", (pixel.rows, pixel.cols)),
            key=K + "explain_in",
            config={"displayModeBar": False},
        )
        views[1].plotly_chart(
            matrix_figure(pixel.patch[0], "patch"), key=K + "explain_patch", config={"displayModeBar": False}
        )
        views[2].plotly_chart(
            matrix_figure(pixel.kernel[0], "kernel", colorscale="RdBu"),
            key=K + "explain_kernel",
            config={"displayModeBar": False},
        )
        views[3].plotly_chart(
            matrix_figure(pixel.products[0], "patch × kernel", colorscale="RdBu"),
            key=K + "explain_products",
            config={"displayModeBar": False},
        )
        st.markdown(conv_sum_text(pixel))
