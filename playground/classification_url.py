"""Classification settings <-> URL query string, so a link reproduces a setup.

Pure functions: decoding never raises; a value it cannot use falls back to the
default and adds a notice naming the parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

from core.classification import POINT_CHOICES, ClassificationConfig, DataConfig, TrainConfig
from core.data.toy2d import DATASETS
from core.features import FEATURES
from core.models import ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_NEURONS, MLPConfig
from core.objectives import LEARNING_RATES, LOSSES, OPTIMIZERS, REGULARIZATION_RATES, REGULARIZATIONS

T = TypeVar("T")

MAX_SEED = 2**31 - 1


def _number(value: float) -> str:
    return f"{value:g}"


def encode(config: ClassificationConfig) -> dict[str, str]:
    """The config as short query-string parameters."""
    data, train = config.data, config.train
    return {
        "dataset": data.dataset,
        "noise": str(data.noise),
        "train": str(data.train_percent),
        "classes": str(data.n_classes),
        "points": str(data.n_samples),
        "regen": str(data.version),
        "features": ",".join(config.features),
        "hidden": ",".join(str(n) for n in config.model.hidden) or "none",
        "activation": config.model.activation,
        "loss": train.loss,
        "optimizer": train.optimizer,
        "lr": _number(train.learning_rate),
        "momentum": _number(train.momentum),
        "reg": train.regularization,
        "reg_rate": _number(train.regularization_rate),
        "batch": str(train.batch_size),
        "seed": str(config.seed),
    }


def _int_in(low: int, high: int, step: int = 1) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high or (value - low) % step:
            raise ValueError
        return value

    return parse


def _choice(options: tuple[str, ...] | list[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError
        return text

    return parse


def _float_from(options: tuple[float, ...]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = float(text)
        for option in options:
            if abs(option - value) <= 1e-9 * max(1.0, abs(option)):
                return option
        raise ValueError

    return parse


def _momentum(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 0.99:
        raise ValueError
    return round(value, 2)


def _features(text: str) -> tuple[str, ...]:
    names = tuple(name for name in text.split(",") if name)
    if not names or any(name not in FEATURES for name in names) or len(set(names)) != len(names):
        raise ValueError
    return tuple(name for name in FEATURES if name in names)  # canonical order


def _hidden(text: str) -> tuple[int, ...]:
    if text in ("", "none"):
        return ()
    sizes = tuple(int(part) for part in text.split(","))
    if len(sizes) > MAX_HIDDEN_LAYERS or any(not 1 <= n <= MAX_NEURONS for n in sizes):
        raise ValueError
    return sizes


def _samples(text: str) -> int:
    value = int(text)
    if value not in POINT_CHOICES:
        raise ValueError
    return value


PARSERS: dict[str, Callable[[str], object]] = {
    "dataset": _choice(list(DATASETS)),
    "noise": _int_in(0, 50),
    "train": _int_in(10, 90, step=5),
    "classes": _int_in(2, 8),
    "points": _samples,
    "regen": _int_in(0, 10**6),
    "features": _features,
    "hidden": _hidden,
    "activation": _choice(list(ACTIVATIONS)),
    "loss": _choice(list(LOSSES)),
    "optimizer": _choice(OPTIMIZERS),
    "lr": _float_from(LEARNING_RATES),
    "momentum": _momentum,
    "reg": _choice(REGULARIZATIONS),
    "reg_rate": _float_from(REGULARIZATION_RATES),
    "batch": _int_in(0, 30),
    "seed": _int_in(0, MAX_SEED),
}


def decode(
    params: Mapping[str, str | list[str]], base: ClassificationConfig | None = None
) -> tuple[ClassificationConfig, list[str]]:
    """Read settings from query parameters; unknown or bad values fall back with a notice.

    Args:
        params: the query string as a mapping (a list value uses its last item).
        base: the config to start from (the defaults if None).

    Returns:
        The config and a list of notices, one per parameter that was ignored.
    """
    config = base or ClassificationConfig()
    values = encode(config)
    parsed: dict[str, object] = {}
    notices: list[str] = []
    for name, raw in params.items():
        text = raw[-1] if isinstance(raw, list) else raw
        if name not in PARSERS:
            continue  # other pages' or Streamlit's parameters
        try:
            parsed[name] = PARSERS[name](str(text).strip())
        except (ValueError, TypeError, OverflowError):
            notices.append(
                f"Ignored {name}={str(text)[:40]!r} from the link: not a valid value; used {values[name]!r}."
            )
    get = lambda key, default: parsed.get(key, default)  # noqa: E731
    data = DataConfig(
        dataset=get("dataset", config.data.dataset),
        noise=get("noise", config.data.noise),
        train_percent=get("train", config.data.train_percent),
        n_classes=get("classes", config.data.n_classes),
        n_samples=get("points", config.data.n_samples),
        version=get("regen", config.data.version),
    )
    train = TrainConfig(
        loss=get("loss", config.train.loss),
        optimizer=get("optimizer", config.train.optimizer),
        learning_rate=get("lr", config.train.learning_rate),
        momentum=get("momentum", config.train.momentum),
        regularization=get("reg", config.train.regularization),
        regularization_rate=get("reg_rate", config.train.regularization_rate),
        batch_size=get("batch", config.train.batch_size),
    )
    model = MLPConfig(hidden=get("hidden", config.model.hidden), activation=get("activation", config.model.activation))
    decoded = replace(
        config,
        data=data,
        train=train,
        model=model,
        features=get("features", config.features),
        seed=get("seed", config.seed),
    )
    return decoded, notices
