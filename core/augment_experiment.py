"""The with/without-augmentation experiment: a small training set, so overfitting shows, and a test set."""

from __future__ import annotations

from pathlib import Path

import torch

from core.data import download as downloads
from core.data.images import ImageDataset, digits, split_images, torchvision_set

TRAIN_IMAGES = 300  # few enough that a TinyVGG memorises them: the overfitting gap is the lesson
TEST_IMAGES = 1_000


def _subset(data: ImageDataset, count: int, seed: int) -> ImageDataset:
    order = torch.randperm(len(data.labels), generator=torch.Generator().manual_seed(seed))[:count]
    return ImageDataset(data.images[order], data.labels[order], data.classes)


def experiment_data(
    train_images: int = TRAIN_IMAGES, seed: int = 0, root: Path | None = None
) -> tuple[str, ImageDataset, ImageDataset]:
    """(name, train, test): FashionMNIST's own split when it is on the machine (unpacked if needed), else digits."""
    root = root or downloads.DEFAULT_ROOT
    if downloads.use_local_copy("FashionMNIST", root):
        train = torchvision_set("FashionMNIST", root, train=True)
        test = torchvision_set("FashionMNIST", root, train=False)
        return "FashionMNIST", _subset(train, train_images, seed), _subset(test, TEST_IMAGES, seed)
    train, test = split_images(digits(), 0.5, seed=seed)
    return "digits", _subset(train, train_images, seed), _subset(test, TEST_IMAGES, seed)
