"""The classification page's settings, described once: URL key, place in the config, allowed values, widget key.

The URL encoding and decoding, the validation and the widgets' values all
derive from SETTINGS; the defaults are ClassificationConfig's own. Pure
functions: decoding never raises; a value it cannot use falls back to the
default and adds a notice naming the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.classification import (
    BATCH_CHOICES,
    OWN,
    POINT_CHOICES,
    PROBLEMS,
    ClassificationConfig,
    settle_problem,
)
from core.data.toy2d import DATASETS
from core.features import FEATURES
from core.models import ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_NEURONS
from core.objectives import LEARNING_RATES, LOSSES, OPTIMIZERS, REGULARIZATION_RATES, REGULARIZATIONS

K = "classification/"  # widget-key prefix of the classification page
MAX_SEED = 2**31 - 1
MAX_SHOWN_IN_NOTICE = 40  # characters of a bad value quoted back to the learner


@dataclass(frozen=True)
class IntRange:
    """Whole numbers low..high in steps of `step`."""

    low: int
    high: int
    step: int = 1

    def parse(self, text: str) -> int:
        """The number, or ValueError outside the range or off the step."""
        value = int(text)
        if not self.low <= value <= self.high or (value - self.low) % self.step:
            raise ValueError(text)
        return value

    def text(self, value: int) -> str:
        """The URL form."""
        return str(value)


@dataclass(frozen=True)
class FloatRange:
    """Decimals low..high, rounded to `digits` places (a slider's steps)."""

    low: float
    high: float
    step: float
    digits: int

    def parse(self, text: str) -> float:
        """The number, or ValueError outside the range."""
        value = float(text)
        if not self.low <= value <= self.high:
            raise ValueError(text)
        return round(value, self.digits)

    def text(self, value: float) -> str:
        """The URL form."""
        return f"{value:g}"


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of values (names or numbers)."""

    options: tuple[Any, ...]

    def parse(self, text: str) -> Any:
        """The option written as `text`; numbers match to 1e-9 relative."""
        for option in self.options:
            if isinstance(option, str):
                if text == option:
                    return option
            elif abs(float(text) - option) <= 1e-9 * max(1.0, abs(option)):
                return option
        raise ValueError(text)

    def text(self, value: Any) -> str:
        """The URL form."""
        return value if isinstance(value, str) else f"{value:g}"


@dataclass(frozen=True)
class FeatureSet:
    """A non-empty set of input features, written in the canonical order."""

    options: tuple[str, ...]

    def parse(self, text: str) -> tuple[str, ...]:
        """The features named in a comma-separated list."""
        names = [name for name in text.split(",") if name]
        if not names or len(set(names)) != len(names) or any(name not in self.options for name in names):
            raise ValueError(text)
        return tuple(name for name in self.options if name in names)

    def text(self, value: tuple[str, ...]) -> str:
        """The URL form."""
        return ",".join(value)


@dataclass(frozen=True)
class LayerSizes:
    """0..max_layers hidden layers of 1..max_units neurons ('none' for no hidden layer)."""

    max_layers: int
    max_units: int

    def parse(self, text: str) -> tuple[int, ...]:
        """The layer sizes from '4,2' (or 'none')."""
        if text in ("", "none"):
            return ()
        sizes = tuple(int(part) for part in text.split(","))
        if len(sizes) > self.max_layers or any(not 1 <= n <= self.max_units for n in sizes):
            raise ValueError(text)
        return sizes

    def text(self, value: tuple[int, ...]) -> str:
        """The URL form."""
        return ",".join(str(n) for n in value) or "none"


Domain = IntRange | FloatRange | Choice | FeatureSet | LayerSizes


@dataclass(frozen=True)
class Setting:
    """One setting: its URL key, where it lives in ClassificationConfig, its values, its widget."""

    url: str  # the query-string key
    path: tuple[str, ...]  # attribute path in ClassificationConfig, e.g. ("train", "learning_rate")
    domain: Domain  # the values it may take
    widget: str | None  # widget key after the page prefix; None where several widgets show it

    def get(self, config: ClassificationConfig) -> Any:
        """This setting's value in `config`."""
        value: Any = config
        for name in self.path:
            value = getattr(value, name)
        return value

    def put(self, config: Any, value: Any) -> Any:
        """A copy of `config` with this setting changed (frozen dataclasses all the way down)."""
        return _put(config, self.path, value)


def _put(obj: Any, path: tuple[str, ...], value: Any) -> Any:
    head, *rest = path
    return replace(obj, **{head: _put(getattr(obj, head), tuple(rest), value) if rest else value})


SETTINGS: dict[str, Setting] = {
    setting.url: setting
    for setting in (
        Setting("problem", ("data", "problem"), Choice(PROBLEMS), "problem"),
        Setting("dataset", ("data", "dataset"), Choice((*DATASETS, OWN)), "dataset"),
        Setting("noise", ("data", "noise"), IntRange(0, 50), "noise"),
        Setting("train", ("data", "train_percent"), IntRange(10, 90, 5), "train"),
        Setting("classes", ("data", "n_classes"), IntRange(2, 8), "classes"),
        Setting("points", ("data", "n_samples"), Choice(POINT_CHOICES), "points"),
        Setting("regen", ("data", "version"), IntRange(0, 10**6), "regen"),
        Setting("features", ("features",), FeatureSet(tuple(FEATURES)), None),
        Setting("hidden", ("model", "hidden"), LayerSizes(MAX_HIDDEN_LAYERS, MAX_NEURONS), None),
        Setting("activation", ("model", "activation"), Choice(tuple(ACTIVATIONS)), "activation"),
        Setting("start", ("model", "start"), IntRange(0, 10**6), "start"),
        Setting("loss", ("train", "loss"), Choice(tuple(LOSSES)), "loss"),
        Setting("optimizer", ("train", "optimizer"), Choice(OPTIMIZERS), "optimizer"),
        Setting("lr", ("train", "learning_rate"), Choice(LEARNING_RATES), "lr"),
        Setting("momentum", ("train", "momentum"), FloatRange(0.0, 0.99, 0.01, 2), "momentum"),
        Setting("reg", ("train", "regularization"), Choice(REGULARIZATIONS), "reg"),
        Setting("reg_rate", ("train", "regularization_rate"), Choice(REGULARIZATION_RATES), "reg_rate"),
        Setting("batch", ("train", "batch_size"), Choice(BATCH_CHOICES), "batch"),
        Setting("seed", ("seed",), IntRange(0, MAX_SEED), None),
    )
}


# The controls a teacher's link may lock or hide, by URL name, with what the learner reads.
FOCUSABLE: dict[str, str] = {
    "problem": "Problem type",
    "dataset": "Data set",
    "classes": "Classes",
    "train": "Ratio of training to test data",
    "noise": "Noise",
    "batch": "Batch size",
    "points": "Points",
    "features": "Features",
    "hidden": "Hidden layers",
    "lr": "Learning rate",
    "activation": "Activation",
    "reg": "Regularization",
    "reg_rate": "Regularization rate",
    "optimizer": "Optimizer",
    "momentum": "Momentum",
    "loss": "Loss",
}
FOCUS_IMPLIES = {"dataset": ("problem",)}  # a fixed data set fixes its problem type (the type picks the sets)


def domain(url: str) -> Any:
    """The allowed values of one setting (the widgets take their ranges from here)."""
    return SETTINGS[url].domain


def encode(config: ClassificationConfig) -> dict[str, str]:
    """The config as short query-string parameters."""
    return {url: setting.domain.text(setting.get(config)) for url, setting in SETTINGS.items()}


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
    notices: list[str] = []
    for name, raw in params.items():
        setting = SETTINGS.get(name)
        if setting is None:
            continue  # other pages' or Streamlit's parameters
        text = str(raw[-1] if isinstance(raw, list) else raw).strip()
        try:
            config = setting.put(config, setting.domain.parse(text))
        except (ValueError, TypeError, OverflowError):
            fallback = setting.domain.text(setting.get(config))
            notices.append(
                f"Ignored {name}={text[:MAX_SHOWN_IN_NOTICE]!r} from the link: not a valid value; used {fallback!r}."
            )
    return settle_problem(config), notices


def widget_values(config: ClassificationConfig) -> dict[str, Any]:
    """The widget-key -> value mapping that shows `config` in the controls."""
    values = {K + s.widget: s.get(config) for s in SETTINGS.values() if s.widget is not None}
    for name in FEATURES:
        values[f"{K}feature/{name}"] = name in config.features
    values[K + "layers"] = len(config.model.hidden)
    for i in range(MAX_HIDDEN_LAYERS):
        values[f"{K}neurons/{i}"] = config.model.hidden[i] if i < len(config.model.hidden) else 2
    return values
