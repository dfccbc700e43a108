"""A few examples per class, and a fixed test set: the data transfer learning shines on.

The first `per_class` images of each class in a seeded shuffle train, so more examples only add to the
fewer; the test images come from the set's own test split (FashionMNIST) or the other half (digits).
"""

from __future__ import annotations

from pathlib import Path

import torch

from core.data import download as downloads
from core.data.images import ImageDataset, digits, split_images, torchvision_set

PER_CLASS_CHOICES: tuple[int, ...] = (2, 5, 10, 20, 50)
DEFAULT_PER_CLASS = 10
TEST_PER_CLASS = 30
DEFAULT_CLASSES: dict[str, tuple[str, ...]] = {
    "FashionMNIST": ("T-shirt/top", "Trouser", "Sneaker", "Bag", "Ankle boot"),
    "digits": ("0", "1", "2", "3", "4"),
}


class FewShotError(ValueError):
    """Settings that give no data set to learn (fewer than two classes, a class with no images)."""


def few_shot_source(root: Path | None = None) -> str:
    """'FashionMNIST' when it is on this machine (unpacked if needed), else 'digits'."""
    return "FashionMNIST" if downloads.use_local_copy("FashionMNIST", root or downloads.DEFAULT_ROOT) else "digits"


def source_splits(name: str, root: Path | None = None, seed: int = 0) -> tuple[ImageDataset, ImageDataset]:
    """The full (train, test) of a source: FashionMNIST's own split, or digits halved by the seed."""
    if name == "FashionMNIST":
        root = root or downloads.DEFAULT_ROOT
        return torchvision_set(name, root, train=True), torchvision_set(name, root, train=False)
    if name == "digits":
        return split_images(digits(), 0.5, seed=seed)
    raise FewShotError(f"Unknown image source {name!r}.")


def pick_per_class(data: ImageDataset, classes: tuple[str, ...], per_class: int, seed: int) -> ImageDataset:
    """`per_class` images of each named class (the first ones of a seeded shuffle, kept in its order), relabelled
    0..len(classes)-1.

    Raises:
        FewShotError: fewer than two classes, an unknown class, or a class without images.
    """
    if len(classes) < 2:
        raise FewShotError("Pick at least two classes: with one, every answer is right and nothing is learnt.")
    unknown = [name for name in classes if name not in data.classes]
    if unknown:
        raise FewShotError(f"No class named {unknown[0]!r} here; the classes are {', '.join(data.classes)}.")
    order = torch.randperm(len(data.labels), generator=torch.Generator().manual_seed(seed))
    shuffled = data.labels[order]
    picked, labels = [], []
    for new_label, name in enumerate(classes):
        rows = order[shuffled == data.classes.index(name)][:per_class]
        if len(rows) == 0:
            raise FewShotError(f"The class {name!r} has no images to learn from.")
        picked.append(rows)
        labels.append(torch.full((len(rows),), new_label, dtype=torch.long))
    rows, labels = in_shuffle_order(order, torch.cat(picked), torch.cat(labels))
    return ImageDataset(data.images[rows], labels, tuple(classes))


def in_shuffle_order(
    order: torch.Tensor, rows: torch.Tensor, labels: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Rows (and their labels) sorted by their place in the shuffle: the classes mixed, not one after another."""
    rank = torch.empty_like(order)
    rank[order] = torch.arange(len(order))
    mixed = rank[rows].argsort()
    return rows[mixed], labels[mixed]


def few_shot(
    train: ImageDataset,
    test: ImageDataset,
    classes: tuple[str, ...],
    per_class: int,
    seed: int,
    test_per_class: int = TEST_PER_CLASS,
) -> tuple[ImageDataset, ImageDataset]:
    """(train, test): `per_class` training and `test_per_class` test images of each class."""
    return pick_per_class(train, classes, per_class, seed), pick_per_class(test, classes, test_per_class, seed)
