"""Runnable, plain PyTorch source for a classification playground experiment (classes, or regression).

The script is the readable course-style version of what the page runs: the
same data generator (its source is copied in), the same split, model,
initialisation seed, loss, optimizer and batch order, so it prints the same
losses as the page for the same seed.
"""

from __future__ import annotations

from core.classification import OWN, ClassificationConfig, DataConfig
from core.data import toy2d
from core.data.own_points import OwnValues
from core.features import FEATURE_SOURCE
from core.models import ACTIVATION_SOURCE
from core.source_text import source_of

# Which helper functions each data set's generator needs copied into the script.
_GENERATOR_SOURCES: dict[str, tuple[str, ...]] = {
    "circle": ("_uniform", "circle"),
    "xor": ("_uniform", "xor"),
    "gauss": ("gauss",),
    "spiral": ("_uniform", "_spirals", "spiral"),
    "multi_spiral": ("_uniform", "_spirals", "multi_spiral"),
    "moons": ("_fit_to_plane", "moons"),
    "circles": ("circles",),
    "blobs": ("blobs",),
    "plane": ("_uniform", "plane"),
    "multi_gauss": ("_uniform", "GAUSSIAN_BUMPS", "multi_gauss"),
}


def _constant_source(name: str, value: object) -> str:
    """`NAME = value`, a tuple of rows one row per line."""
    if isinstance(value, tuple) and value and all(isinstance(row, tuple) for row in value):
        return f"{name} = (\n" + "".join(f"    {row!r},\n" for row in value) + ")"
    return f"{name} = {value!r}"


def _function_sources(names: tuple[str, ...]) -> str:
    """The functions' sources, and any constant they use written as `NAME = value`."""
    parts = []
    for name in names:
        value = getattr(toy2d, name)
        parts.append(source_of(value) if callable(value) else _constant_source(name, value))
    return "\n\n".join(parts)


def classification_model_source(config: ClassificationConfig) -> str:
    n_in = len(config.features)
    lines, width = [], n_in
    for units in config.model.hidden:
        lines.append(f"    nn.Linear({width}, {units}), {ACTIVATION_SOURCE[config.model.activation]},")
        width = units
    out = "output: the predicted value" if config.data.regression else "output logits"
    lines.append(f"    nn.Linear({width}, {config.data.outputs}),  # {out}")
    return "model = nn.Sequential(\n" + "\n".join(lines) + "\n)"


def loss_source(config: ClassificationConfig) -> tuple[str, str]:
    """(loss_fn definition, loss expression on the outputs (y_pred for regression, else y_logits) and y)."""
    if config.data.regression:
        return "loss_fn = nn.MSELoss()", "loss_fn(y_pred.squeeze(1), y)"
    binary = config.data.classes == 2
    if config.train.loss == "mse":
        if binary:
            return "loss_fn = nn.MSELoss()", "loss_fn(torch.sigmoid(y_logits.squeeze(1)), y.float())"
        return (
            "loss_fn = nn.MSELoss()",
            f"loss_fn(torch.softmax(y_logits, dim=1), nn.functional.one_hot(y, {config.data.classes}).float())",
        )
    if binary:
        return "loss_fn = nn.BCEWithLogitsLoss()", "loss_fn(y_logits.squeeze(1), y.float())"
    return "loss_fn = nn.CrossEntropyLoss()", "loss_fn(y_logits, y)"


def optimizer_source(config: ClassificationConfig) -> str:
    train = config.train
    if train.optimizer == "Adam":
        return f"optimizer = torch.optim.Adam(model.parameters(), lr={train.learning_rate!r})"
    return f"optimizer = torch.optim.SGD(model.parameters(), lr={train.learning_rate!r}, momentum={train.momentum!r})"


def penalty_source(config: ClassificationConfig) -> str:
    train = config.train
    if train.regularization == "none" or train.regularization_rate == 0:
        return ""
    term = "w.abs().sum()" if train.regularization == "L1" else "(w * w).sum()"
    return (
        f"        weights = [p for name, p in model.named_parameters() if name.endswith('weight')]\n"
        f"        loss = loss + {train.regularization_rate!r} * sum({term} for w in weights)  "
        f"# {train.regularization} penalty (biases are not penalised)\n"
    )


def _init_seed(config: ClassificationConfig, seed: str = "SEED") -> str:
    """The initialisation seed as the script writes it: SEED, or SEED + the page's start number."""
    return f"{seed} + {config.model.start}" if config.model.start else seed


def _points_source(data: DataConfig) -> str:
    """The lines that define X (the points, [N, 2]) and y (their classes, or values for regression)."""
    if data.dataset != OWN:
        classes = "" if data.regression else f", n_classes={data.classes}"
        return f"""# ---- 1. Data: the same generator the playground uses --------------------------------
{_function_sources(_GENERATOR_SOURCES[data.dataset])}


X, y = {data.dataset}({data.samples}, {data.noise / 100!r}, seed=SEED + {data.version}{classes})"""
    own = data.own_data()
    rows = [f"[{x!r}, {y!r}]" for x, y in own.xy]
    points = ",\n    ".join(", ".join(rows[i : i + 4]) for i in range(0, len(rows), 4))
    if isinstance(own, OwnValues):
        values = [f"{v!r}" for v in own.values]
        column = ",\n    ".join(", ".join(values[i : i + 8]) for i in range(0, len(values), 8))
        return f"""# ---- 1. Data: your own {len(rows)} points and their values, as the page has them ----
X = torch.tensor([
    {points},
], dtype=torch.float32)
y = torch.tensor([
    {column},
], dtype=torch.float32)"""
    labels = ",\n    ".join(", ".join(map(str, own.labels[i : i + 20])) for i in range(0, len(rows), 20))
    names = ", ".join(f"{k}: {name!r}" for k, name in enumerate(own.names))
    return f"""# ---- 1. Data: your own {len(rows)} points, as the page has them (classes {{{names}}}) ----
X = torch.tensor([
    {points},
], dtype=torch.float32)
y = torch.tensor([
    {labels},
])"""


def classification_data_source(config: ClassificationConfig) -> str:
    """Source defining X_train, y_train, X_test, y_test (features) and the raw test points, as the page splits them.

    Needs SEED and PLANE_LIMIT defined, and math, numpy as np, torch, Tensor imported.
    """
    data = config.data
    features = ", ".join(FEATURE_SOURCE[name] for name in config.features)
    return f"""{_points_source(data)}

# Shuffle once, then split into train and test sets.
order = torch.randperm(len(X), generator=torch.Generator().manual_seed(SEED))
n_train = min(max(round(len(X) * {data.train_percent / 100!r}), 1), len(X) - 1)
X_train_points, y_train = X[order[:n_train]], y[order[:n_train]]
X_test_points, y_test = X[order[n_train:]], y[order[n_train:]]


# ---- 2. Input features --------------------------------------------------------------
def make_features(X: Tensor) -> Tensor:
    return torch.stack([{features}], dim=1)


X_train, X_test = make_features(X_train_points), make_features(X_test_points)
"""


TRAIN_CALL = "train(model, (X_train, y_train, X_test, y_test), loss_fn, optimizer, args.epochs, BATCH_SIZE, SEED)"


def classification_script(config: ClassificationConfig, epochs: int = 100) -> str:
    """The full runnable script for `config`, training `epochs` epochs by default.

    Args:
        config: the experiment's settings.
        epochs: default number of epochs (the script's --epochs overrides it).

    Returns:
        Python source that runs with torch alone (matplotlib only for --plot).
    """
    from core.codegen_engines import classification_engine, engine_section  # it builds on loss_source above

    data = config.data
    loss_def, _ = loss_source(config)
    hidden = ", ".join(str(n) for n in config.model.hidden) or "none: logistic regression"
    if data.regression:
        hidden = hidden.replace("logistic", "linear")
    batch = config.train.batch_size or "full batch"
    kind, picture = ("regression", "surface") if data.regression else ("classification", "decision_boundary")
    return f'''"""PyTorch Playground: {kind}, as a plain PyTorch script.

Data: {data.dataset}, {data.samples} points, noise {data.noise} %, {data.train_percent} % for training.
Features: {", ".join(config.features)}. Hidden layers: {hidden}, activation {config.model.activation}.
Optimizer: {config.train.optimizer}, learning rate {config.train.learning_rate:g}, batch size {batch}.

Run:  python this_script.py --epochs 200 --plot
"""
import argparse
import math

import numpy as np
import torch
from torch import Tensor, nn

torch.set_num_threads(1)  # as the playground trains: the same thread count rounds the same way, so the numbers match

SEED = {config.seed}
BATCH_SIZE = {config.train.batch_size or 0}  # 0 means full batch
PLANE_LIMIT = {toy2d.PLANE_LIMIT!r}

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default={epochs})
parser.add_argument("--plot", action="store_true", help="save {picture}.png (needs matplotlib)")
args = parser.parse_args()

{classification_data_source(config)}
# ---- 3. Model, loss and optimizer ---------------------------------------------------
torch.manual_seed({_init_seed(config)})  # the same initial weights as the playground
{classification_model_source(config)}
{loss_def}
{optimizer_source(config)}



{engine_section(classification_engine(config), 4, TRAIN_CALL)}
{_SURFACE_PLOT if data.regression else _BOUNDARY_PLOT}

if args.plot:
    plot_{picture}()
'''


_BOUNDARY_PLOT = """# ---- 5. Decision boundary -----------------------------------------------------------
def plot_decision_boundary(path: str = "decision_boundary.png", resolution: int = 200) -> None:
    import matplotlib.pyplot as plt

    axis = torch.linspace(-PLANE_LIMIT, PLANE_LIMIT, resolution)
    x2, x1 = torch.meshgrid(axis, axis, indexing="ij")
    grid = torch.stack([x1.reshape(-1), x2.reshape(-1)], dim=1)
    model.eval()
    with torch.inference_mode():
        classes = predict(model(make_features(grid))).reshape(resolution, resolution)
    plt.contourf(x1, x2, classes, alpha=0.4, cmap="coolwarm")
    plt.scatter(X_train_points[:, 0], X_train_points[:, 1], c=y_train, s=12, cmap="coolwarm", edgecolors="white")
    plt.scatter(X_test_points[:, 0], X_test_points[:, 1], c=y_test, s=12, cmap="coolwarm", marker="x")
    plt.title("Decision boundary (o train, x test)")
    plt.savefig(path, dpi=120)
    print(f"Saved {path}")
"""

_SURFACE_PLOT = """# ---- 5. The predicted surface -------------------------------------------------------
def plot_surface(path: str = "surface.png", resolution: int = 200) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import LinearSegmentedColormap

    colours = LinearSegmentedColormap.from_list("tf", ["#f59322", "#ffffff", "#0877bd"])  # -1 .. 0 .. +1
    axis = torch.linspace(-PLANE_LIMIT, PLANE_LIMIT, resolution)
    x2, x1 = torch.meshgrid(axis, axis, indexing="ij")
    grid = torch.stack([x1.reshape(-1), x2.reshape(-1)], dim=1)
    model.eval()
    with torch.inference_mode():
        values = model(make_features(grid)).reshape(resolution, resolution)
    plt.contourf(x1, x2, values, levels=21, vmin=-1, vmax=1, cmap=colours)
    style = {"s": 14, "cmap": colours, "vmin": -1, "vmax": 1, "edgecolors": "#555", "linewidths": 0.5}
    plt.scatter(X_train_points[:, 0], X_train_points[:, 1], c=y_train, **style)
    plt.scatter(X_test_points[:, 0], X_test_points[:, 1], c=y_test, marker="s", **style)
    plt.colorbar(label="predicted value")
    plt.title("The predicted value over the plane (o train, squares test)")
    plt.savefig(path, dpi=120)
    print(f"Saved {path}")
"""
