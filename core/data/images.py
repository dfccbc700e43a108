"""Image data sets for the computer-vision page, offline first.

- digits: scikit-learn's 1,797 real handwritten digits (8 x 8, shipped inside scikit-learn), scaled to 28 x 28;
- shapes: procedurally drawn 28 x 28 shapes (circle, square, triangle, cross, ring, line) with random size,
  position, rotation, stroke and noise, from a local generator;
- FashionMNIST / MNIST through torchvision when the machine is online (core.data.download fetches them).

Every set returns images as float32 [N, 1, 28, 28] in 0..1 (ink bright on dark, like MNIST) and int64 labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw
from torch import Tensor

IMAGE_SIZE = 28
SHAPES: tuple[str, ...] = ("circle", "square", "triangle", "cross", "ring", "line")


@dataclass(frozen=True)
class ImageDataset:
    """Images, labels and the names of the classes."""

    images: Tensor  # [N, 1, 28, 28] float32 in 0..1
    labels: Tensor  # [N] int64
    classes: tuple[str, ...]

    def empty(self) -> ImageDataset:
        """No images, the same classes and shape: a Trainer given it as its test set evaluates nothing per epoch."""
        return ImageDataset(self.images[:0], self.labels[:0], self.classes)


def digits() -> ImageDataset:
    """scikit-learn's handwritten digits, upscaled from 8 x 8 to 28 x 28 (bilinear), 0..1."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    small = torch.from_numpy(bunch.images.astype(np.float32) / 16.0).unsqueeze(1)  # [N, 1, 8, 8]
    images = torch.nn.functional.interpolate(small, size=(IMAGE_SIZE, IMAGE_SIZE), mode="bilinear", align_corners=False)
    return ImageDataset(images.clamp(0, 1), torch.from_numpy(bunch.target).long(), tuple(str(d) for d in range(10)))


def _polygon(cx: float, cy: float, radius: float, sides: int, angle: float) -> list[tuple[float, float]]:
    return [
        (
            cx + radius * math.cos(angle + 2 * math.pi * k / sides),
            cy + radius * math.sin(angle + 2 * math.pi * k / sides),
        )
        for k in range(sides)
    ]


def draw_shape(kind: str, rng: np.random.Generator, noise: float = 0.1) -> np.ndarray:
    """One 28 x 28 shape in 0..1: random size, position, rotation and stroke, drawn 4x larger then shrunk."""
    scale = 4
    size = IMAGE_SIZE * scale
    canvas = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(canvas)
    radius = rng.uniform(0.22, 0.38) * size
    cx, cy = (rng.uniform(radius + 4, size - radius - 4) for _ in range(2))
    angle = rng.uniform(0, 2 * math.pi)
    width = int(rng.integers(2, 5) * scale)
    if kind == "circle":
        pen.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=255)
    elif kind == "ring":
        pen.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=255, width=width)
    elif kind == "square":
        pen.polygon(_polygon(cx, cy, radius, 4, angle), fill=255)
    elif kind == "triangle":
        pen.polygon(_polygon(cx, cy, radius, 3, angle), fill=255)
    elif kind == "cross":
        for turn in (0.0, math.pi / 2):
            dx, dy = radius * math.cos(angle + turn), radius * math.sin(angle + turn)
            pen.line((cx - dx, cy - dy, cx + dx, cy + dy), fill=255, width=width)
    elif kind == "line":
        dx, dy = radius * math.cos(angle), radius * math.sin(angle)
        pen.line((cx - dx, cy - dy, cx + dx, cy + dy), fill=255, width=width)
    else:
        raise ValueError(f"Unknown shape {kind!r}; choose from {', '.join(SHAPES)}.")
    pixels = np.asarray(canvas.resize((IMAGE_SIZE, IMAGE_SIZE), Image.LANCZOS), dtype=np.float32) / 255.0
    if noise > 0:
        pixels = pixels + rng.normal(0.0, noise, pixels.shape).astype(np.float32)
    return np.clip(pixels, 0.0, 1.0)


def shapes(per_class: int = 300, noise: float = 0.1, *, seed: int = 0) -> ImageDataset:
    """The procedurally drawn shapes set: `per_class` images of each shape, shuffled by a local generator."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for label, kind in enumerate(SHAPES):
        for _ in range(per_class):
            images.append(draw_shape(kind, rng, noise))
            labels.append(label)
    order = rng.permutation(len(images))
    stacked = torch.from_numpy(np.stack(images)[order]).unsqueeze(1)
    return ImageDataset(stacked, torch.tensor(labels, dtype=torch.long)[order], SHAPES)


def torchvision_set(name: str, root: Path, *, train: bool = True) -> ImageDataset:
    """FashionMNIST or MNIST from files already in `root` (core.data.download puts them there)."""
    from torchvision import datasets

    maker = {"FashionMNIST": datasets.FashionMNIST, "MNIST": datasets.MNIST}[name]
    data = maker(str(root), train=train, download=False)
    images = data.data.float().div(255.0).unsqueeze(1)
    return ImageDataset(images, data.targets.long(), tuple(data.classes))


OFFLINE_SETS: dict[str, str] = {
    "digits": "Handwritten digits (scikit-learn, offline)",
    "shapes": "Drawn shapes (generated, offline)",
}
ONLINE_SETS: dict[str, str] = {
    "FashionMNIST": "FashionMNIST (the course's; Debian package or 30 MB download)",
    "MNIST": "MNIST (torchvision, downloads 12 MB)",
}


def split_images(
    data: ImageDataset, train_fraction: float = 0.8, *, seed: int = 0
) -> tuple[ImageDataset, ImageDataset]:
    """Shuffle with a local generator, then cut into train and test sets."""
    order = torch.randperm(len(data.labels), generator=torch.Generator().manual_seed(seed))
    cut = min(max(int(len(order) * train_fraction), 1), len(order) - 1)
    train, test = order[:cut], order[cut:]
    return (
        ImageDataset(data.images[train], data.labels[train], data.classes),
        ImageDataset(data.images[test], data.labels[test], data.classes),
    )
