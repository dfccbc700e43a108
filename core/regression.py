"""The course's "PyTorch workflow" as one experiment: data -> model -> loss and optimizer -> training.

A straight line y = weight * x + bias (the course's 0.7 and 0.3) or a curve a
straight line cannot fit; the course's LinearRegressionModel with two
nn.Parameters, nn.Linear, or a small MLP; L1 or MSE; SGD or Adam.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from core.engine import Trainer
from core.models import ACTIVATIONS, reset_parameters
from core.objectives import make_optimizer, set_learning_rate

Target = Callable[[Tensor, float, float], Tensor]  # (x, weight, bias) -> y

TARGETS: dict[str, Target] = {
    "line": lambda x, w, b: w * x + b,
    "sine": lambda x, w, b: w * torch.sin(2 * math.pi * x) + b,
    "quadratic": lambda x, w, b: w * (2 * x - 1) ** 2 + b,
    "step": lambda x, w, b: w * (x > 0.5).to(x.dtype) + b,
}

# The same targets as source, for "Show the PyTorch code".
TARGET_SOURCE: dict[str, str] = {
    "line": "weight * X + bias",
    "sine": "weight * torch.sin(2 * math.pi * X) + bias",
    "quadratic": "weight * (2 * X - 1) ** 2 + bias",
    "step": "weight * (X > 0.5).float() + bias",
}

MODEL_KINDS: dict[str, str] = {
    "parameters": "LinearRegressionModel (two nn.Parameters, the course's)",
    "linear": "nn.Linear(1, 1)",
    "mlp": "a small MLP (for curves)",
}
LOSSES: dict[str, Callable[[], nn.Module]] = {"L1": nn.L1Loss, "MSE": nn.MSELoss}


@dataclass(frozen=True)
class RegressionData:
    """The points to fit."""

    target: str = "line"  # key into TARGETS
    weight: float = 0.7  # the course's true weight
    bias: float = 0.3  # the course's true bias
    n_points: int = 50  # the course's torch.arange(0, 1, 0.02)
    noise: float = 0.0  # standard deviation of Gaussian noise added to y
    train_percent: int = 80  # the course's 80/20 split: the first 80 % of x train, the rest test


@dataclass(frozen=True)
class RegressionModelConfig:
    """Which model learns the points."""

    kind: str = "parameters"  # key into MODEL_KINDS
    hidden: tuple[int, ...] = (16, 16)  # MLP only: neurons per hidden layer
    activation: str = "relu"  # MLP only: key into core.models.ACTIVATIONS


@dataclass(frozen=True)
class RegressionTrain:
    """How it learns; all of it can change while it trains."""

    loss: str = "L1"  # the course's nn.L1Loss (MAE); or "MSE"
    optimizer: str = "SGD"  # "SGD" or "Adam"
    learning_rate: float = 0.01  # the course's
    momentum: float = 0.0  # SGD only


@dataclass(frozen=True)
class RegressionConfig:
    """Everything that defines one workflow experiment."""

    data: RegressionData = field(default_factory=RegressionData)
    model: RegressionModelConfig = field(default_factory=RegressionModelConfig)
    train: RegressionTrain = field(default_factory=RegressionTrain)
    seed: int = 42  # the course's torch.manual_seed(42): weights 0.3367, bias 0.1288


class LinearRegressionModel(nn.Module):
    """The course's model: y = weights * x + bias, with both numbers as nn.Parameters."""

    def __init__(self, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.weights = nn.Parameter(torch.randn(1, dtype=torch.float, generator=generator), requires_grad=True)
        self.bias = nn.Parameter(torch.randn(1, dtype=torch.float, generator=generator), requires_grad=True)

    def forward(self, x: Tensor) -> Tensor:
        """The linear regression formula."""
        return self.weights * x + self.bias


def make_data(data: RegressionData, seed: int) -> tuple[Tensor, Tensor]:
    """X in [0, 1) as a column [N, 1] and y = target(X) + noise, drawn from a local generator."""
    if data.target not in TARGETS:
        raise ValueError(f"Unknown target {data.target!r}; choose from {', '.join(TARGETS)}.")
    if not 4 <= data.n_points <= 5000:
        raise ValueError("Use 4 to 5000 points.")
    X = torch.arange(data.n_points, dtype=torch.float32).unsqueeze(1) / data.n_points
    y = TARGETS[data.target](X, data.weight, data.bias)
    if data.noise > 0:
        y = y + data.noise * torch.randn(X.shape, generator=torch.Generator().manual_seed(seed))
    return X, y


def split(X: Tensor, y: Tensor, train_percent: int) -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
    """The course's split: the first train_percent % of points train, the rest test (no shuffle)."""
    cut = min(max(int(train_percent / 100 * len(X)), 1), len(X) - 1)
    return (X[:cut], y[:cut]), (X[cut:], y[cut:])


def build_model(config: RegressionModelConfig, seed: int) -> nn.Module:
    """The chosen model, initialised from `seed` exactly as `torch.manual_seed(seed)` then building it would."""
    generator = torch.Generator().manual_seed(seed)
    if config.kind == "parameters":
        return LinearRegressionModel(generator)
    if config.kind == "linear":
        model = nn.Linear(1, 1)
        reset_parameters(model, generator)
        return model
    if config.kind != "mlp":
        raise ValueError(f"Unknown model {config.kind!r}; choose from {', '.join(MODEL_KINDS)}.")
    if config.activation not in ACTIVATIONS or not config.hidden or any(not 1 <= n <= 64 for n in config.hidden):
        raise ValueError("An MLP here has 1-4 hidden layers of 1-64 neurons and a known activation.")
    layers: list[nn.Module] = []
    width = 1
    for units in config.hidden:
        layers += [nn.Linear(width, units), ACTIVATIONS[config.activation]()]
        width = units
    layers.append(nn.Linear(width, 1))
    model = nn.Sequential(*layers)
    reset_parameters(model, generator)
    return model


def weight_and_bias(model: nn.Module) -> tuple[float, float] | None:
    """(w, b) of a one-input linear model; None for an MLP."""
    if isinstance(model, LinearRegressionModel):
        return float(model.weights.detach()[0]), float(model.bias.detach()[0])
    if isinstance(model, nn.Linear) and model.in_features == 1 and model.out_features == 1:
        return float(model.weight.detach()[0, 0]), float(model.bias.detach()[0])
    return None


@dataclass
class RegressionExperiment:
    """The data, the model's Trainer, and the (weight, bias) path it has walked."""

    config: RegressionConfig
    train: tuple[Tensor, Tensor]
    test: tuple[Tensor, Tensor]
    trainer: Trainer
    path: list[tuple[float, float]]  # (w, b) at the start and after every epoch (linear models)
    view_cache: dict = field(default_factory=dict)  # what a page computed from this run and may reuse

    def apply_live_settings(self, train: RegressionTrain) -> None:
        """Apply learning rate and momentum to the running optimizer; the loss function too."""
        set_learning_rate(self.trainer.optimizer, train.learning_rate, train.momentum)
        if train.loss != self.config.train.loss:
            self.trainer.loss_fn = LOSSES[train.loss]()
        self.config = RegressionConfig(self.config.data, self.config.model, train, self.config.seed)


MAX_PATH = 5000  # (w, b) points kept; beyond it every other point goes


@dataclass
class PathRecorder:
    """Appends the model's (w, b) after every epoch; a class, not a closure, so a trainer pickles to a worker."""

    path: list[tuple[float, float]]  # the list the experiment draws

    def __call__(self, trainer: Trainer) -> None:
        point = weight_and_bias(trainer.model)
        if point is not None:
            self.path.append(point)
            if len(self.path) > MAX_PATH:
                self.path[:] = [*self.path[:-1:2], self.path[-1]]


def build_regression(config: RegressionConfig, device: torch.device | str = "cpu") -> RegressionExperiment:
    """Data, split, model, loss, optimizer and a full-batch Trainer, as the course's workflow chapter does."""
    X, y = make_data(config.data, config.seed)
    train, test = split(X, y, config.data.train_percent)
    model = build_model(config.model, config.seed)
    optimizer = make_optimizer(
        config.train.optimizer, model.parameters(), config.train.learning_rate, config.train.momentum
    )
    path: list[tuple[float, float]] = []
    start = weight_and_bias(model)
    if start is not None:
        path.append(start)
    trainer = Trainer(
        model,
        LOSSES[config.train.loss](),
        optimizer,
        train,
        test,
        batch_size=None,
        device=device,
        seed=config.seed,
        score=None,
        on_epoch=PathRecorder(path),
    )
    return RegressionExperiment(config, train, test, trainer, path)


@dataclass(frozen=True)
class Landscape:
    """The loss over a grid of (weight, bias), for a linear model on the training points."""

    losses: Tensor  # [resolution, resolution]; row 0 is the largest bias (drawn at the top)
    weights: tuple[float, float]  # the weight axis range
    biases: tuple[float, float]  # the bias axis range


def loss_landscape(
    X: Tensor, y: Tensor, loss: str, around: list[tuple[float, float]], resolution: int = 90, margin: float = 0.35
) -> Landscape:
    """L1 or MSE of y ≈ w * x + b over a (w, b) grid that contains every point in `around`."""
    ws = [p[0] for p in around]
    bs = [p[1] for p in around]
    w_low, w_high = min(ws) - margin, max(ws) + margin
    b_low, b_high = min(bs) - margin, max(bs) + margin
    w = torch.linspace(w_low, w_high, resolution)
    b = torch.linspace(b_high, b_low, resolution)
    x, target = X.reshape(1, 1, -1).cpu(), y.reshape(1, 1, -1).cpu()
    predictions = w.reshape(1, -1, 1) * x + b.reshape(-1, 1, 1)
    errors = predictions - target
    losses = errors.abs().mean(-1) if loss == "L1" else (errors**2).mean(-1)
    return Landscape(losses, (w_low, w_high), (b_low, b_high))
