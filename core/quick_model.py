"""A quick TinyVGG to evaluate when no page has trained a model yet: FashionMNIST when present, else digits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from core.cnn import TinyVGGConfig
from core.codegen_cnn import ImageTestSet
from core.data import download as downloads
from core.data.images import ImageDataset, digits, split_images, torchvision_set
from core.vision import VisionConfig, VisionExperiment, VisionTrain, build_vision

QUICK_IMAGES = 6_000  # training images per round: about 5 s on one core, ~70 % on FashionMNIST's test set


@dataclass
class QuickModel:
    """The course's TinyVGG, its training data and the test set it is evaluated on."""

    name: str  # "FashionMNIST" or "digits"
    experiment: VisionExperiment  # its Trainer has no test set: the Evaluation page evaluates it
    test: ImageDataset
    test_set: ImageTestSet  # how a script rebuilds the test images

    @property
    def images_seen(self) -> int:
        """Training images processed so far."""
        return self.experiment.trainer.samples_seen


def quick_data(seed: int, root: Path | None = None) -> tuple[str, ImageDataset, ImageDataset, ImageTestSet]:
    """(name, train, test, test set): FashionMNIST's first 6,000 and its 10,000 test images, else digits 80/20."""
    root = root or downloads.DEFAULT_ROOT
    if downloads.use_local_copy("FashionMNIST", root):
        train = torchvision_set("FashionMNIST", root, train=True)
        test = torchvision_set("FashionMNIST", root, train=False)
        train = ImageDataset(train.images[:QUICK_IMAGES], train.labels[:QUICK_IMAGES], train.classes)
        return "FashionMNIST", train, test, ImageTestSet("FashionMNIST", None)
    train, test = split_images(digits(), 0.8, seed=seed)
    return "digits", train, test, ImageTestSet("digits", 0.8)


def build_quick_model(
    data: tuple[str, ImageDataset, ImageDataset, ImageTestSet], seed: int, device: torch.device | str = "cpu"
) -> QuickModel:
    """An untrained TinyVGG (the course's settings: 10 hidden channels, Adam 0.001, batch 32)."""
    name, train, test, test_set = data
    config = VisionConfig(name, TinyVGGConfig(), VisionTrain(), seed)
    experiment = build_vision(config, train, device, test.empty())  # the page evaluates it, not every epoch
    return QuickModel(name, experiment, test, test_set)


def train_quick(quick: QuickModel, images: int = QUICK_IMAGES, progress: Callable[[float], None] | None = None) -> None:
    """Train whole epochs until `images` more training images have been seen; progress gets 0..1."""
    trainer = quick.experiment.trainer
    target = trainer.samples_seen + images
    start = trainer.samples_seen
    while trainer.samples_seen < target:
        trainer.run_epoch()
        if progress is not None:
            progress(min((trainer.samples_seen - start) / images, 1.0))
