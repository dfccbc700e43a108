"""The classification playground's experiment: config in, a ready Trainer out.

TF Playground's two problem types: classification (classes, BCE or cross-entropy, accuracy) and
regression (a value per point, MSE, no accuracy) on the same plane, network and training loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch
from torch import Tensor

from core.data.own_points import OwnPoints, OwnValues
from core.data.toy2d import DATASETS, split_train_test
from core.engine import Trainer
from core.features import DEFAULT_FEATURES, expand_features
from core.metrics import accuracy
from core.models import MLPConfig, build_mlp, output_units
from core.objectives import Penalty, make_loss, make_optimizer, set_learning_rate

OWN = "own"  # the data set name of a learner's own points (DataConfig.own)
CLASSIFICATION, REGRESSION = "classification", "regression"
PROBLEMS: tuple[str, ...] = (CLASSIFICATION, REGRESSION)  # TF Playground's "Problem type"


def datasets_for(problem: str) -> tuple[str, ...]:
    """The data sets of one problem type, in the menu's order (a learner's own points last)."""
    return (*(name for name, info in DATASETS.items() if info.regression == (problem == REGRESSION)), OWN)


POINT_CHOICES: tuple[int, ...] = (0, 100, 200, 500, 1000, 2000)  # 0: the data set's default
BATCH_CHOICES: tuple[int, ...] = (*range(1, 31), 0)  # 0: full batch


@dataclass(frozen=True)
class DataConfig:
    """Which points to classify."""

    dataset: str = "circle"  # key into DATASETS (TF Playground's default set)
    noise: int = 0  # percent, 0..50, TF Playground's slider
    train_percent: int = 50  # share of points used for training, 10..90 (TF default 50)
    n_classes: int = 3  # classes for the multi-class sets, 2..8
    n_samples: int = 0  # 0: the data set's own default (500; the course's circles 1000)
    version: int = 0  # bumped by "Regenerate" for fresh random points
    own: OwnPoints | OwnValues | None = None  # the learner's own points (dataset OWN): uploaded or clicked
    problem: str = CLASSIFICATION  # one of PROBLEMS; a built-in data set has its own (see `regression`)

    @property
    def regression(self) -> bool:
        """True when every point has a value to fit (MSE), False when it has a class."""
        if self.dataset == OWN:
            return self.problem == REGRESSION
        return DATASETS[self.dataset].regression

    @property
    def classes(self) -> int:
        """How many classes this data set has (0 for regression: values, no classes)."""
        if self.regression:
            return 0
        if self.dataset == OWN:
            return self.own_data().classes
        return self.n_classes if DATASETS[self.dataset].multiclass else 2

    @property
    def outputs(self) -> int:
        """Output units: one value (regression), one logit (two classes) or one per class."""
        return 1 if self.regression else output_units(self.classes)

    @property
    def samples(self) -> int:
        """How many points are generated."""
        if self.dataset == OWN:
            return len(self.own_data().xy)
        return self.n_samples or DATASETS[self.dataset].default_samples

    def own_data(self) -> OwnPoints | OwnValues:
        """The learner's own points of this problem type (none yet: an empty set)."""
        own = self.own
        wanted = OwnValues if self.regression else OwnPoints
        return own if isinstance(own, wanted) else wanted()


@dataclass(frozen=True)
class TrainConfig:
    """How the network learns; everything here can change while it trains."""

    loss: str = "auto"  # "auto": BCEWithLogits (2 classes) / CrossEntropy (more); "mse" to compare
    optimizer: str = "SGD"  # "SGD" or "Adam"
    learning_rate: float = 0.03  # TF Playground's default
    momentum: float = 0.0  # SGD momentum; 0 is TF Playground's plain SGD
    regularization: str = "none"  # "none", "L1" or "L2", on weights only
    regularization_rate: float = 0.0  # multiplier of the penalty
    batch_size: int = 10  # points per step; 0 means the full batch (TF default 10)


@dataclass(frozen=True)
class ClassificationConfig:
    """Everything that defines one classification experiment."""

    data: DataConfig = field(default_factory=DataConfig)
    features: tuple[str, ...] = DEFAULT_FEATURES  # inputs built from (x1, x2)
    model: MLPConfig = field(default_factory=MLPConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    seed: int = 42  # seeds data, initial weights and batch order


def settle_problem(config: ClassificationConfig) -> ClassificationConfig:
    """The config with the problem type its data set has (a built-in set decides; a learner's own points follow it)."""
    data = config.data
    if data.dataset == OWN:
        return config
    problem = REGRESSION if DATASETS[data.dataset].regression else CLASSIFICATION
    return config if data.problem == problem else replace(config, data=replace(data, problem=problem))


def structure_key(config: ClassificationConfig) -> tuple:
    """The settings whose change needs a fresh model; the rest apply to a running one."""
    return (config.data, config.features, config.model, config.train.loss, config.train.optimizer, config.seed)


def generate_data(data: DataConfig, seed: int) -> tuple[Tensor, Tensor]:
    """All the points of a data set, before the train/test split."""
    if data.dataset == OWN:
        return data.own_data().tensors()
    info = DATASETS[data.dataset]
    return info.generate(data.samples, data.noise / 100, seed=seed + data.version, n_classes=data.classes)


@dataclass
class Experiment:
    """A data set, its raw points and a Trainer, built from one config."""

    config: ClassificationConfig
    raw_train: tuple[Tensor, Tensor]  # (x1, x2) points and labels, for drawing
    raw_test: tuple[Tensor, Tensor]
    trainer: Trainer
    penalty: Penalty
    view_cache: dict = field(default_factory=dict)  # what a page computed from this run and may reuse

    @property
    def n_classes(self) -> int:
        """Number of classes in the data (0 for regression)."""
        return self.config.data.classes

    @property
    def regression(self) -> bool:
        """True when the model fits values (MSE), not classes."""
        return self.config.data.regression

    def apply_live_settings(self, train: TrainConfig) -> None:
        """Apply learning rate, momentum, penalty and batch size to the running model."""
        set_learning_rate(self.trainer.optimizer, train.learning_rate, train.momentum)
        self.penalty.kind = train.regularization
        self.penalty.rate = train.regularization_rate
        self.trainer.batch_size = train.batch_size or None
        self.config = replace(self.config, train=train)


def build_experiment(config: ClassificationConfig, device: torch.device | str = "cpu") -> Experiment:
    """Generate the data, split it, build the MLP, loss and optimizer, wrap them in a Trainer."""
    X, y = generate_data(config.data, config.seed)
    raw_train, raw_test = split_train_test(X, y, config.data.train_percent / 100, seed=config.seed)
    n_classes = config.data.classes
    model = build_mlp(len(config.features), config.model, config.data.outputs, seed=config.seed + config.model.start)
    optimizer = make_optimizer(
        config.train.optimizer, model.parameters(), config.train.learning_rate, config.train.momentum
    )
    penalty = Penalty(config.train.regularization, config.train.regularization_rate)
    trainer = Trainer(
        model,
        make_loss(config.train.loss, n_classes, regression=config.data.regression),
        optimizer,
        (expand_features(raw_train[0], config.features), raw_train[1]),
        (expand_features(raw_test[0], config.features), raw_test[1]),
        batch_size=config.train.batch_size or None,
        device=device,
        seed=config.seed,
        penalty=penalty,
        score=None if config.data.regression else accuracy,
    )
    return Experiment(config, raw_train, raw_test, trainer, penalty)
