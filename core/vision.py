"""The computer-vision experiment: an image data set, TinyVGG, cross-entropy, mini-batches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import torch
from torch import Tensor, nn

from core.cnn import TinyVGGConfig, build_tiny_vgg
from core.data.images import ImageDataset, split_images
from core.engine import Trainer
from core.objectives import make_optimizer, set_learning_rate

LIVE_IMAGE_LIMIT = 12_000  # images trained live: FashionMNIST's first 12,000 take seconds an epoch, all 60,000 minutes


@dataclass(frozen=True)
class VisionTrain:
    """How TinyVGG learns; everything but the batch size can change while it trains."""

    optimizer: str = "Adam"  # "SGD" or "Adam"
    learning_rate: float = 0.001  # the course's Adam learning rate
    momentum: float = 0.0  # SGD only
    batch_size: int = 32  # the course's BATCH_SIZE


@dataclass(frozen=True)
class VisionConfig:
    """Everything that defines one computer-vision experiment."""

    dataset: str = "digits"  # "digits", "shapes", "FashionMNIST" or "MNIST"
    model: TinyVGGConfig = field(default_factory=TinyVGGConfig)
    train: VisionTrain = field(default_factory=VisionTrain)
    seed: int = 42


@dataclass
class VisionExperiment:
    """The split data, the class names and a mini-batch Trainer for TinyVGG."""

    config: VisionConfig
    train: ImageDataset
    test: ImageDataset
    trainer: Trainer

    @property
    def classes(self) -> tuple[str, ...]:
        """The class names."""
        return self.train.classes

    def apply_live_settings(self, train: VisionTrain) -> None:
        """Learning rate and momentum go to the running optimizer; the batch size from the next epoch."""
        set_learning_rate(self.trainer.optimizer, train.learning_rate, train.momentum)
        self.trainer.batch_size = train.batch_size
        self.config = replace(self.config, train=train)


def build_vision(
    config: VisionConfig,
    data: ImageDataset,
    device: torch.device | str = "cpu",
    test: ImageDataset | None = None,
    augment: Callable[[Tensor], Tensor] | None = None,
) -> VisionExperiment:
    """Split the data 80/20 (unless `test` is given), build TinyVGG, the loss and the optimizer.

    Epochs report running averages of the training loss and accuracy, as the course's loop does.
    """
    train, test = (data, test) if test is not None else split_images(data, 0.8, seed=config.seed)
    in_channels, size = data.images.shape[1], data.images.shape[-1]
    model = build_tiny_vgg(config.model, in_channels, len(data.classes), seed=config.seed, image_size=size)
    model.use_channels_last()
    optimizer = make_optimizer(
        config.train.optimizer, model.parameters(), config.train.learning_rate, config.train.momentum
    )
    trainer = Trainer(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        (train.images, train.labels),
        (test.images, test.labels),
        batch_size=config.train.batch_size,
        device=device,
        seed=config.seed,
        running_train_metrics=True,
        augment=augment,
    )
    return VisionExperiment(config, train, test, trainer)
