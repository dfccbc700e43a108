"""Controls of the workflow page: they return a frozen RegressionConfig."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.models import ACTIVATIONS
from core.objectives import OPTIMIZERS
from core.regression import (
    LOSSES,
    MODEL_KINDS,
    TARGETS,
    RegressionConfig,
    RegressionData,
    RegressionModelConfig,
    RegressionTrain,
)
from playground.page_link import LinkedControl, choice, number

K = "workflow/"
LEARNING_RATES: tuple[float, ...] = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
LINKED: tuple[LinkedControl, ...] = (  # what a link to the page sets, locks or hides (as the widgets below)
    choice("target", K + "target", "Points along", list(TARGETS)),
    number("weight", K + "weight", "True weight", -3.0, 3.0),
    number("bias", K + "bias", "True bias", -3.0, 3.0),
    number("points", K + "points", "Points", 10, 500, whole=True),
    number("noise", K + "noise", "Noise", 0.0, 0.5),
    number("split", K + "split", "Training split", 10, 90, whole=True),
    choice("model", K + "model", "Model", list(MODEL_KINDS)),
    number("layers", K + "layers", "Hidden layers", 1, 4, whole=True),
    number("neurons", K + "neurons", "Neurons", 1, 64, whole=True),
    choice("activation", K + "activation", "Activation", list(ACTIVATIONS)),
    choice("loss", K + "loss", "Loss", list(LOSSES)),
    choice("optimizer", K + "optimizer", "Optimizer", OPTIMIZERS),
    choice("lr", K + "lr", "Learning rate", LEARNING_RATES),
    number("momentum", K + "momentum", "Momentum", 0.0, 0.99),
)
TARGET_TITLES = {"line": "a straight line", "sine": "a sine wave", "quadratic": "a parabola", "step": "a step"}


CURVE_SETUP = {"model": "mlp", "activation": "tanh", "optimizer": "Adam", "lr": 0.03, "loss": "MSE"}  # fits in ~100


def _suggest_mlp() -> None:
    for name, value in CURVE_SETUP.items():
        st.session_state[K + name] = value


def regression_ui(top: list[DeltaGenerator], side: DeltaGenerator, seed: int) -> RegressionConfig:
    """Data and model controls in `side`; loss, optimizer, learning rate and momentum in the top bar."""
    side.markdown("#### 1. Data")
    target = side.selectbox("Points along", list(TARGETS), key=K + "target", format_func=TARGET_TITLES.get)
    cols = side.columns(2)
    weight = cols[0].number_input("weight", -3.0, 3.0, 0.7, 0.1, key=K + "weight", help="The course's 0.7")
    bias = cols[1].number_input("bias", -3.0, 3.0, 0.3, 0.1, key=K + "bias", help="The course's 0.3")
    n_points = side.slider("Points", 10, 500, 50, key=K + "points", help="The course's 50: torch.arange(0, 1, 0.02)")
    noise = side.slider("Noise (standard deviation)", 0.0, 0.5, 0.0, 0.01, key=K + "noise")
    train_percent = side.slider(
        "Training split (%)",
        10,
        90,
        80,
        5,
        key=K + "split",
        help="The first part of x trains, the rest tests: the course's 80/20",
    )
    side.markdown("#### 2. Model")
    kind = side.selectbox("Model", list(MODEL_KINDS), key=K + "model", format_func=MODEL_KINDS.get)
    hidden: tuple[int, ...] = (16, 16)
    activation = "relu"
    if kind == "mlp":
        cols = side.columns(2)
        layers = cols[0].slider("Hidden layers", 1, 4, 2, key=K + "layers")
        neurons = cols[1].slider("Neurons", 1, 64, 16, key=K + "neurons")
        activation = side.selectbox("Activation", list(ACTIVATIONS), key=K + "activation")
        hidden = (neurons,) * layers
    if target != "line" and (kind != "mlp" or st.session_state.get(K + "optimizer", "SGD") == "SGD"):
        side.info(
            "A straight line cannot follow this curve, and plain SGD moves an MLP slowly: try a small MLP "
            "with tanh, Adam at 0.03 and MSE, and compare the test loss."
        )
        side.button("Use that setup", key=K + "suggest_mlp", on_click=_suggest_mlp, icon=":material/auto_fix_high:")
    loss = top[0].selectbox(
        "Loss", list(LOSSES), key=K + "loss", format_func=lambda k: "L1 (MAE, the course's)" if k == "L1" else "MSE"
    )
    optimizer = top[1].selectbox("Optimizer", OPTIMIZERS, key=K + "optimizer")
    learning_rate = top[2].select_slider(
        "Learning rate", LEARNING_RATES, value=0.01, key=K + "lr", format_func=lambda v: f"{v:g}"
    )
    momentum = top[3].slider("Momentum", 0.0, 0.99, 0.0, 0.01, key=K + "momentum", disabled=optimizer != "SGD")
    return RegressionConfig(
        RegressionData(target, float(weight), float(bias), int(n_points), float(noise), int(train_percent)),
        RegressionModelConfig(kind, hidden, activation),
        RegressionTrain(loss, optimizer, float(learning_rate), float(momentum) if optimizer == "SGD" else 0.0),
        seed,
    )
