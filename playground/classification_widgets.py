"""Controls: *_ui() functions draw widgets and return a frozen config dataclass."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.classification import BATCH_CHOICES, POINT_CHOICES, ClassificationConfig, DataConfig, TrainConfig
from core.data.toy2d import DATASETS
from core.features import FEATURES
from core.models import ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_NEURONS, MLPConfig
from core.objectives import LEARNING_RATES, LOSSES, OPTIMIZERS, REGULARIZATION_RATES, REGULARIZATIONS

K = "classification/"  # widget-key prefix of the classification page
REGEN_KEY = K + "regen"  # not a widget: the Regenerate counter
DATASET_NOISE = {"circles": 3}  # noise a data set brings along when picked (the course's make_circles)


def classification_widget_values(config: ClassificationConfig) -> dict[str, Any]:
    """The widget-key -> value mapping that shows `config` in the controls."""
    values: dict[str, Any] = {
        K + "dataset": config.data.dataset,
        K + "classes": config.data.n_classes,
        K + "noise": config.data.noise,
        K + "train": config.data.train_percent,
        K + "points": config.data.n_samples,
        K + "batch": config.train.batch_size,
        K + "layers": len(config.model.hidden),
        K + "activation": config.model.activation,
        K + "lr": config.train.learning_rate,
        K + "optimizer": config.train.optimizer,
        K + "momentum": config.train.momentum,
        K + "reg": config.train.regularization,
        K + "reg_rate": config.train.regularization_rate,
        K + "loss": config.train.loss,
        REGEN_KEY: config.data.version,
    }
    for name in FEATURES:
        values[f"{K}feature/{name}"] = name in config.features
    for i in range(MAX_HIDDEN_LAYERS):
        values[f"{K}neurons/{i}"] = config.model.hidden[i] if i < len(config.model.hidden) else 2
    return values


def fill_missing(state: MutableMapping[str, Any], values: dict[str, Any], *, overwrite: bool = False) -> None:
    """Put values into session state for keys not there yet (Streamlit drops keys of undrawn widgets)."""
    for key, value in values.items():
        if overwrite or key not in state:
            state[key] = value


def _bump_regen() -> None:
    st.session_state[REGEN_KEY] = st.session_state.get(REGEN_KEY, 0) + 1


def _dataset_changed() -> None:
    # The course's make_circles uses noise 0.03: picking it brings that noise along.
    dataset = st.session_state.get(K + "dataset")
    if dataset in DATASET_NOISE:
        st.session_state[K + "noise"] = DATASET_NOISE[dataset]


def data_ui(box: DeltaGenerator) -> tuple[DataConfig, int]:
    """Data set, classes, noise, split, points and Regenerate; returns the data config and batch size."""
    box.markdown("#### Data")
    dataset = box.selectbox(
        "Which data set?",
        list(DATASETS),
        key=K + "dataset",
        format_func=lambda k: DATASETS[k].title,
        on_change=_dataset_changed,
    )
    # Undrawn widgets lose their keys; fill_missing put the saved class count back before this run.
    classes = int(st.session_state.get(K + "classes", 3))
    if DATASETS[dataset].multiclass:
        classes = box.slider("Classes", 2, 8, key=K + "classes")
    train = box.slider("Ratio of training to test data (%)", 10, 90, step=5, key=K + "train")
    noise = box.slider(
        "Noise", 0, 50, key=K + "noise", help="In % of TF Playground's scale; the course's circles use 3."
    )
    batch = box.select_slider(
        "Batch size",
        BATCH_CHOICES,
        key=K + "batch",
        format_func=lambda b: "full" if b == 0 else str(b),
        help="Points per gradient step; 'full' uses the whole training set each step.",
    )
    points = box.select_slider(
        "Points",
        POINT_CHOICES,
        key=K + "points",
        format_func=lambda n: f"default ({DATASETS[dataset].default_samples})" if n == 0 else str(n),
    )
    box.button("Regenerate", key=K + "regenerate", on_click=_bump_regen, help="Fresh random points, same settings")
    version = int(st.session_state.get(REGEN_KEY, 0))
    data = DataConfig(
        dataset=dataset,
        noise=noise,
        train_percent=train,
        n_classes=classes,
        n_samples=points,
        version=version,
    )
    return data, batch


def features_ui(box: DeltaGenerator) -> tuple[str, ...]:
    """One checkbox per input feature; at least one is kept."""
    box.markdown("#### Features")
    columns = box.columns(2)
    chosen = tuple(name for i, name in enumerate(FEATURES) if columns[i % 2].checkbox(name, key=f"{K}feature/{name}"))
    if not chosen:
        box.warning("A network needs at least one input: using x1.")
        return ("x1",)
    return chosen


def hidden_layers_ui(box: DeltaGenerator) -> tuple[int, ...]:
    """Number of hidden layers and neurons per layer (each layer its own control)."""
    box.markdown("#### Hidden layers")
    layers = box.slider(
        "Hidden layers",
        0,
        MAX_HIDDEN_LAYERS,
        key=K + "layers",
        help="0 hidden layers is logistic regression: a straight boundary.",
    )
    hidden = []
    if layers:
        columns = box.columns(min(layers, 3))
        for i in range(layers):
            hidden.append(
                int(
                    columns[i % len(columns)].number_input(
                        f"Layer {i + 1}", 1, MAX_NEURONS, step=1, key=f"{K}neurons/{i}"
                    )
                )
            )
    return tuple(hidden)


def training_ui(columns: list[DeltaGenerator], loss_box: DeltaGenerator, batch_size: int) -> tuple[TrainConfig, str]:
    """Learning rate, activation, regularization and optimizer in the top bar; the loss in `loss_box`.

    Returns:
        The training config and the chosen activation (drawn here, used by the model).
    """
    lr = columns[0].select_slider("Learning rate", LEARNING_RATES, key=K + "lr", format_func=lambda v: f"{v:g}")
    activation = columns[1].selectbox("Activation", list(ACTIVATIONS), key=K + "activation")
    reg = columns[2].selectbox("Regularization", REGULARIZATIONS, key=K + "reg")
    reg_rate = columns[3].select_slider(
        "Regularization rate",
        REGULARIZATION_RATES,
        key=K + "reg_rate",
        format_func=lambda v: f"{v:g}",
        disabled=reg == "none",
    )
    optimizer = columns[4].selectbox("Optimizer", OPTIMIZERS, key=K + "optimizer")
    momentum = columns[5].slider(
        "Momentum",
        0.0,
        0.99,
        step=0.01,
        key=K + "momentum",
        disabled=optimizer != "SGD",
        help="SGD only: a running average of past gradients. Adam has its own.",
    )
    if optimizer != "SGD":
        momentum = 0.0
    loss = loss_box.selectbox("Loss", list(LOSSES), key=K + "loss", format_func=lambda k: LOSSES[k])
    train = TrainConfig(
        loss=loss,
        optimizer=optimizer,
        learning_rate=lr,
        momentum=momentum,
        regularization=reg,
        regularization_rate=reg_rate if reg != "none" else 0.0,
        batch_size=batch_size,
    )
    return train, activation


def classification_ui(top: list[DeltaGenerator], side: DeltaGenerator, seed: int) -> ClassificationConfig:
    """All the classification page's controls: the top bar and the side column.

    Args:
        top: six columns of the top bar (learning rate ... momentum).
        side: the column for data, features and hidden layers.
        seed: the global seed from the sidebar.
    """
    data, batch = data_ui(side)
    features = features_ui(side)
    hidden = hidden_layers_ui(side)
    side.markdown("#### Loss")
    train, activation = training_ui(top, side, batch)
    return ClassificationConfig(
        data=data, features=features, model=MLPConfig(hidden=hidden, activation=activation), train=train, seed=seed
    )
