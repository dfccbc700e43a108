"""Controls of the computer-vision page: they return frozen configs."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.cnn import TinyVGGConfig
from core.data.images import OFFLINE_SETS, ONLINE_SETS
from core.objectives import OPTIMIZERS
from core.vision import VisionTrain
from playground.page_link import LinkedControl, choice, number

K = "vision/"
LEARNING_RATES: tuple[float, ...] = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
DATASET_TITLES = {**OFFLINE_SETS, **ONLINE_SETS}
KERNELS = (1, 2, 3, 4, 5, 7)
BATCH_SIZES = (8, 16, 32, 64, 128)


def train_controls(key: str = K) -> tuple[LinkedControl, ...]:
    """What a link sets, locks or hides of `vision_train_ui` drawn with this key prefix."""
    return (
        choice("optimizer", key + "optimizer", "Optimizer", OPTIMIZERS),
        choice("lr", key + "lr", "Learning rate", LEARNING_RATES),
        number("momentum", key + "momentum", "Momentum", 0.0, 0.99),
        choice("batch", key + "batch", "Batch size", BATCH_SIZES),
    )


LINKED: tuple[LinkedControl, ...] = (  # the computer vision page's (as the widgets below)
    choice("dataset", K + "dataset", "Data set", list(DATASET_TITLES)),
    number("hidden", K + "hidden", "Hidden units", 1, 64, whole=True),
    number("blocks", K + "blocks", "Blocks", 1, 4, whole=True),
    choice("kernel", K + "kernel", "Kernel", KERNELS),
    number("stride", K + "stride", "Stride", 1, 3, whole=True),
    number("padding", K + "padding", "Padding", 0, 3, whole=True),
    *train_controls(),
)


def dataset_ui(custom: str | None = None) -> str:
    """Which images to learn from; `custom` names the session's own data set, when there is one."""
    titles = {**DATASET_TITLES, **({"custom": custom} if custom else {})}
    if st.session_state.get(K + "dataset") not in titles:  # the custom set is gone (a new session): the default
        st.session_state.pop(K + "dataset", None)
    return st.selectbox("Data set", list(titles), key=K + "dataset", format_func=titles.get)


def tiny_vgg_ui() -> TinyVGGConfig:
    """Hidden units, blocks, kernel, stride and padding of TinyVGG."""
    cols = st.columns(5)
    hidden = cols[0].slider("Hidden units", 1, 64, 10, key=K + "hidden", help="Channels of every conv (course: 10)")
    blocks = cols[1].slider("Blocks", 1, 4, 2, key=K + "blocks", help="Each: conv, ReLU, conv, ReLU, max-pool")
    kernel = cols[2].select_slider("Kernel", KERNELS, 3, key=K + "kernel")
    stride = cols[3].slider("Stride", 1, 3, 1, key=K + "stride")
    padding = cols[4].slider("Padding", 0, 3, 1, key=K + "padding")
    return TinyVGGConfig(hidden, blocks, kernel, stride, padding)


def vision_train_ui(columns: list[DeltaGenerator], key: str = K) -> VisionTrain:
    """Optimizer, learning rate, momentum and batch size, in a row."""
    optimizer = columns[0].selectbox("Optimizer", OPTIMIZERS, index=1, key=key + "optimizer")
    learning_rate = columns[1].select_slider(
        "Learning rate", LEARNING_RATES, 0.001, key=key + "lr", format_func=lambda v: f"{v:g}"
    )
    momentum = columns[2].slider("Momentum", 0.0, 0.99, 0.0, 0.01, key=key + "momentum", disabled=optimizer != "SGD")
    batch = columns[3].select_slider("Batch size", BATCH_SIZES, 32, key=key + "batch")
    return VisionTrain(optimizer, float(learning_rate), float(momentum) if optimizer == "SGD" else 0.0, int(batch))
