"""The classification page's controls: *_ui() functions draw widgets and return frozen configs.

Ranges and options come from playground.classification_settings (one table for widgets and URL).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import replace
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.classification import (
    OWN,
    PROBLEMS,
    REGRESSION,
    ClassificationConfig,
    DataConfig,
    TrainConfig,
    datasets_for,
)
from core.data.toy2d import DATASETS
from core.features import FEATURES
from core.models import MLPConfig
from core.objectives import LOSSES, loss_label
from playground.classification_settings import K, domain
from playground.focus import Focus, current_focus
from playground.own_points_ui import own_data

REGEN_KEY = K + "regen"  # not a widget: the Regenerate counter
START_KEY = K + "start"  # not a widget: the New start counter (which draw of starting weights)
DATASET_NOISE = {"circles": 3}  # noise a data set brings along when picked (the course's make_circles)


def fill_missing(state: MutableMapping[str, Any], values: dict[str, Any], *, overwrite: bool = False) -> None:
    """Put values into session state for keys not there yet (Streamlit drops keys of undrawn widgets)."""
    for key, value in values.items():
        if overwrite or key not in state:
            state[key] = value


def new_start() -> None:
    """'New start': other starting weights (the next draw), so runs can be compared from either start."""
    st.session_state[START_KEY] = int(st.session_state.get(START_KEY, 0)) + 1


def new_start_button(row: DeltaGenerator) -> None:
    """'New start' at the end of the Play / Pause / Step / Reset row."""
    row.button(
        "New start",
        key=K + "new_start",
        on_click=new_start,
        icon=":material/casino:",
        help="Other starting weights. Reset goes back to the current ones bit for bit: compare runs from one start",
    )


def _bump_regen() -> None:
    st.session_state[REGEN_KEY] = st.session_state.get(REGEN_KEY, 0) + 1


def _dataset_changed() -> None:
    # The course's make_circles uses noise 0.03: picking it brings that noise along.
    dataset = st.session_state.get(K + "dataset")
    if dataset in DATASET_NOISE:
        st.session_state[K + "noise"] = DATASET_NOISE[dataset]


def draw_in(box: DeltaGenerator, widget: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`widget(*args, **kwargs)` (e.g. st.select_slider) drawn in `box`; returns its value."""
    with box:
        return widget(*args, **kwargs)


LiveControl = Callable[..., Any]  # how a live setting is drawn: draw_in, or a page's quicker way with its signature
PAGE = "classification"


def _focus() -> Focus:
    return current_focus(PAGE)


def _live(name: str, live: LiveControl, box: DeltaGenerator, *args: Any, **kwargs: Any) -> Any:
    """A live setting drawn by `live`, unless a teacher's link hides it (its value stays) or locks it (disabled)."""
    return _focus().draw(name, live, box, *args, **kwargs)


def _train_ui(box: DeltaGenerator) -> int:
    split = domain("train")
    return (
        _focus()
        .place("train", box)
        .slider("Ratio of training to test data (%)", split.low, split.high, step=split.step, key=K + "train")
    )


def _batch_ui(box: DeltaGenerator, live: LiveControl) -> None:
    _live(
        "batch",
        live,
        box,
        st.select_slider,
        "Batch size",
        domain("batch").options,
        key=K + "batch",
        format_func=lambda b: "full" if b == 0 else str(b),
        help="Points per gradient step; 'full' uses the whole training set each step.",
    )


def data_ui(box: DeltaGenerator, live: LiveControl = draw_in) -> DataConfig:
    """Data set, classes, noise, split, batch size, points and Regenerate; returns the data config.

    The batch size changes a running model: `live` draws it (see live_train).
    """
    box.markdown("#### Data")
    focus = _focus()
    problem = focus.place("problem", box).selectbox(
        "Problem type",
        PROBLEMS,
        key=K + "problem",
        format_func=str.capitalize,
        help="Classification: each point has a class. Regression: each point has a value to fit (MSE).",
    )
    choices = datasets_for(problem)
    if st.session_state.get(K + "dataset") not in choices:  # the problem type just changed: its first set
        st.session_state[K + "dataset"] = choices[0]
    dataset = focus.place("dataset", box).selectbox(
        "Which data set?",
        choices,
        key=K + "dataset",
        format_func=lambda k: DATASETS[k].title if k in DATASETS else "Your own points (click or CSV)",
        on_change=_dataset_changed,
    )
    if dataset == OWN:  # the points come from the editor beside the live view (playground.own_points_ui)
        train = _train_ui(box)
        _batch_ui(box, live)
        return DataConfig(dataset=OWN, train_percent=train, own=own_data(problem == REGRESSION), problem=problem)
    # Undrawn widgets lose their keys; fill_missing put the saved class count back before this run.
    classes = int(st.session_state.get(K + "classes", 3))
    if DATASETS[dataset].multiclass:
        classes = focus.place("classes", box).slider(
            "Classes", domain("classes").low, domain("classes").high, key=K + "classes"
        )
    train = _train_ui(box)
    noise = focus.place("noise", box).slider(
        "Noise",
        domain("noise").low,
        domain("noise").high,
        key=K + "noise",
        help="In % of TF Playground's scale; the course's circles use 3.",
    )
    _batch_ui(box, live)
    points = focus.place("points", box).select_slider(
        "Points",
        domain("points").options,
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
        problem=problem,
    )
    return data


def features_ui(box: DeltaGenerator) -> tuple[str, ...]:
    """One checkbox per input feature; at least one is kept."""
    focus = _focus()
    if "features" not in focus.hidden:
        box.markdown("#### Features")
    columns = box.columns(2) if "features" not in focus.hidden else [box, box]
    chosen = tuple(
        name
        for i, name in enumerate(FEATURES)
        if focus.place("features", columns[i % 2]).checkbox(name, key=f"{K}feature/{name}")
    )
    if not chosen:
        box.warning("A network needs at least one input: using x1.")
        return ("x1",)
    return chosen


def hidden_layers_ui(box: DeltaGenerator) -> tuple[int, ...]:
    """Number of hidden layers and neurons per layer (each layer its own control)."""
    focus = _focus()
    if "hidden" not in focus.hidden:
        box.markdown("#### Network")
    sizes = domain("hidden")
    layers = focus.place("hidden", box).slider(
        "Hidden layers",
        0,
        sizes.max_layers,
        key=K + "layers",
        help="0 hidden layers is logistic regression: a straight boundary.",
    )
    hidden = []
    if layers:
        columns = box.columns(min(layers, 3)) if "hidden" not in focus.hidden else [box]
        for i in range(layers):
            place = focus.place("hidden", columns[i % len(columns)])
            hidden.append(int(place.number_input(f"Layer {i + 1}", 1, sizes.max_units, step=1, key=f"{K}neurons/{i}")))
    return tuple(hidden)


LIVE_KEYS = tuple(K + name for name in ("lr", "momentum", "reg_rate", "batch"))  # settings a running model takes


def live_train(train: TrainConfig, values: Mapping[str, Any]) -> TrainConfig:
    """`train` with its live settings (learning rate, momentum, regularization rate, batch size) from widget values.

    Momentum counts for SGD only and the regularization rate only with a regularization, as the widgets show;
    a value missing from `values` keeps `train`'s.
    """
    momentum = values.get(K + "momentum", train.momentum)
    reg_rate = values.get(K + "reg_rate", train.regularization_rate)
    return replace(
        train,
        learning_rate=values.get(K + "lr", train.learning_rate),
        momentum=momentum if train.optimizer == "SGD" else 0.0,
        regularization_rate=reg_rate if train.regularization != "none" else 0.0,
        batch_size=values.get(K + "batch", train.batch_size),
    )


def training_ui(
    columns: list[DeltaGenerator],
    loss_box: DeltaGenerator,
    n_classes: int,
    live: LiveControl = draw_in,
    regression: bool = False,
) -> tuple[TrainConfig, str]:
    """Learning rate, activation, regularization and optimizer in the top bar; the loss in `loss_box`.

    `live` draws the settings a running model takes (LIVE_KEYS). Regression has one loss (MSE): it is
    named, not chosen.

    Returns:
        The training config and the chosen activation (drawn here, used by the model).
    """
    focus = _focus()
    _live(
        "lr",
        live,
        columns[0],
        st.select_slider,
        "Learning rate",
        domain("lr").options,
        key=K + "lr",
        format_func="{:g}".format,
    )
    activation = focus.place("activation", columns[1]).selectbox(
        "Activation", domain("activation").options, key=K + "activation"
    )
    reg = focus.place("reg", columns[2]).selectbox("Regularization", domain("reg").options, key=K + "reg")
    _live(
        "reg_rate",
        live,
        columns[3],
        st.select_slider,
        "Regularization rate",
        domain("reg_rate").options,
        key=K + "reg_rate",
        format_func="{:g}".format,
        disabled=reg == "none",
    )
    optimizer = focus.place("optimizer", columns[4]).selectbox(
        "Optimizer", domain("optimizer").options, key=K + "optimizer"
    )
    momentum_range = domain("momentum")
    _live(
        "momentum",
        live,
        columns[5],
        st.slider,
        "Momentum",
        momentum_range.low,
        momentum_range.high,
        step=momentum_range.step,
        key=K + "momentum",
        disabled=optimizer != "SGD",
        help="SGD only: a running average of past gradients. Adam has its own.",
    )
    if regression:
        loss_box.markdown(
            "`nn.MSELoss()`: the mean of (output − value)² over the points.",
            help="TF Playground's regression loss. The classification losses compare classes, not values.",
        )
        loss = str(st.session_state.get(K + "loss", "auto"))  # kept for when the problem is classification again
    else:
        loss = focus.place("loss", loss_box).selectbox(
            "Loss",
            list(LOSSES),
            key=K + "loss",
            format_func=lambda name: loss_label(name, n_classes),
            help="; ".join(f"{loss_label(name, n_classes)}: {text}" for name, text in LOSSES.items()),
        )
    train = live_train(TrainConfig(loss=loss, optimizer=optimizer, regularization=reg), st.session_state)
    return train, activation


def classification_ui(
    top: list[DeltaGenerator], side: DeltaGenerator, seed: int, live: LiveControl = draw_in
) -> ClassificationConfig:
    """All the classification page's controls: the top bar and the side column.

    Args:
        top: six columns of the top bar (learning rate ... momentum).
        side: the column for data, features and hidden layers.
        seed: the global seed from the sidebar.
        live: how the settings a running model takes are drawn (LIVE_KEYS; see draw_in).
    """
    hidden = hidden_layers_ui(side)  # first: TF Playground's +/- layers sit right above the network
    data = data_ui(side, live)
    features = features_ui(side)
    side.markdown("#### Loss")
    train, activation = training_ui(top, side, data.classes, live, data.regression)
    return ClassificationConfig(
        data=data,
        features=features,
        model=MLPConfig(hidden=hidden, activation=activation, start=int(st.session_state.get(START_KEY, 0))),
        train=train,
        seed=seed,
    )
