"""Runnable, plain PyTorch source for the computer-vision page: data, TinyVGG and the training loop.

Same data, split, initial weights, batch order and memory layout as the page's engine, so it prints
the same losses.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.cnn import TinyVGGConfig
from core.codegen_engines import engine_section, image_engine
from core.data import images
from core.source_text import source_of
from core.vision import LIVE_IMAGE_LIMIT, VisionConfig

_DATA: dict[str, str] = {
    "digits": """from sklearn.datasets import load_digits

bunch = load_digits()  # 1,797 real handwritten digits, 8 x 8, shipped with scikit-learn
small = torch.from_numpy(bunch.images.astype(np.float32) / 16.0).unsqueeze(1)
X = nn.functional.interpolate(small, size=(28, 28), mode="bilinear", align_corners=False).clamp(0, 1)
y = torch.from_numpy(bunch.target).long()
class_names = [str(d) for d in range(10)]""",
    "FashionMNIST": """from torchvision import datasets

data = datasets.FashionMNIST(DATA_ROOT, train=True, download=True)  # needs the internet once
X, y = data.data.float().div(255.0).unsqueeze(1), data.targets.long()
X, y = X[:LIVE_IMAGE_LIMIT], y[:LIVE_IMAGE_LIMIT]  # the page trains live on the first 12,000
class_names = data.classes""",
    "MNIST": """from torchvision import datasets

data = datasets.MNIST(DATA_ROOT, train=True, download=True)  # needs the internet once
X, y = data.data.float().div(255.0).unsqueeze(1), data.targets.long()
X, y = X[:LIVE_IMAGE_LIMIT], y[:LIVE_IMAGE_LIMIT]  # the page trains live on the first 12,000
class_names = data.classes""",
    "custom": """DATA_FILE = "custom_dataset.pt"  # from the Custom datasets page: "Download the tensors"
saved = torch.load(DATA_FILE, weights_only=True)
X_train, y_train = saved["train_images"].float() / 255.0, saved["train_labels"]  # [N, 3, 64, 64] in 0..1
X_test, y_test = saved["test_images"].float() / 255.0, saved["test_labels"]
class_names = saved["classes"]""",
}
_TEST_SETS: dict[str, str] = {  # a data set's own test set (the course's train=False)
    name: f"""from torchvision import datasets

data = datasets.{name}(DATA_ROOT, train=False, download=True)  # needs the internet once
X_test, y_test = data.data.float().div(255.0).unsqueeze(1), data.targets.long()
class_names = data.classes"""
    for name in ("FashionMNIST", "MNIST")
}


def _split_source(train_fraction: float) -> str:
    return f"""order = torch.randperm(len(y), generator=torch.Generator().manual_seed(SEED))
cut = min(max(int(len(order) * {train_fraction!r}), 1), len(order) - 1)  # {train_fraction:.0%} to train
X_train, y_train = X[order[:cut]], y[order[:cut]]
X_test, y_test = X[order[cut:]], y[order[cut:]]"""


@dataclass(frozen=True)
class ImageTestSet:
    """Which test images a vision model was evaluated on, so a script can rebuild exactly them."""

    dataset: str  # "digits", "shapes", "FashionMNIST", "MNIST" or "custom"
    train_fraction: float | None = 0.8  # share of a seeded shuffle kept for training; None: the set's own test set
    subset: int | None = None  # keep this many test images, in an order shuffled by the seed; None: all


def image_test_source(test: ImageTestSet) -> str:
    """Source defining X_test, y_test and class_names (needs SEED, DATA_ROOT and LIVE_IMAGE_LIMIT)."""
    if test.dataset == "custom":
        source = _DATA["custom"]
    elif test.train_fraction is None:
        source = _TEST_SETS[test.dataset]
    else:
        data = _shapes_source() if test.dataset == "shapes" else _DATA[test.dataset]
        source = data + "\n" + _split_source(test.train_fraction)
    if test.subset is not None:
        source += f"""
keep = torch.randperm(len(y_test), generator=torch.Generator().manual_seed(SEED))[:{test.subset}]
X_test, y_test = X_test[keep], y_test[keep]  # {test.subset:,} test images, picked by the seed"""
    return source


def _shapes_source() -> str:
    functions = "\n\n\n".join(source_of(f) for f in (images._polygon, images.draw_shape))
    return f"""IMAGE_SIZE = 28
SHAPES = {images.SHAPES!r}


{functions}


rng = np.random.default_rng(SEED)
pictures, labels = [], []
for label, kind in enumerate(SHAPES):
    for _ in range(300):
        pictures.append(draw_shape(kind, rng, 0.1))
        labels.append(label)
order = rng.permutation(len(pictures))
X = torch.from_numpy(np.stack(pictures)[order]).unsqueeze(1)
y = torch.tensor(labels, dtype=torch.long)[order]
class_names = list(SHAPES)"""


def tiny_vgg_source(config: TinyVGGConfig) -> str:
    """Source of the TinyVGG class for `config` (the same state_dict keys as core.cnn.TinyVGG)."""
    return f'''class TinyVGG(nn.Module):
    """Blocks of [conv -> ReLU] x 2 -> max-pool, then flatten -> linear (CNN Explainer's model)."""

    def __init__(self, in_channels: int, hidden_units: int, n_classes: int, image_size: int) -> None:
        super().__init__()
        blocks, channels, size = [], in_channels, image_size
        conv = dict(kernel_size={config.kernel}, stride={config.stride}, padding={config.padding})
        for _ in range({config.blocks}):
            blocks.append(nn.Sequential(
                nn.Conv2d(channels, hidden_units, **conv),
                nn.ReLU(),
                nn.Conv2d(hidden_units, hidden_units, **conv),
                nn.ReLU(),
                nn.MaxPool2d(kernel_size=2),
            ))
            channels = hidden_units
            for _conv in range(2):  # each conv: (size + 2 * padding - kernel) // stride + 1
                size = (size + 2 * {config.padding} - {config.kernel}) // {config.stride} + 1
            size //= 2  # each max-pool halves it
        self.blocks = nn.Sequential(*blocks)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(hidden_units * size * size, n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous(memory_format=torch.channels_last)  # same maths, faster convolutions on CPUs
        return self.classifier(self.blocks(x))
'''


def image_training_loop(model: str = "model", train: str = "X_train", test: str = "X_test", step: int = 3) -> str:
    """Source of the course's training functions (engine.py's) and the call that trains `model` on `train`.

    `train` / `test` name its inputs (images, or a frozen network's outputs); `step` numbers the section.
    Needs loss_fn, optimizer, y_train, y_test, args.epochs, BATCH_SIZE and SEED.
    """
    call = f"train({model}, ({train}, y_train, {test}, y_test), loss_fn, optimizer, args.epochs, BATCH_SIZE, SEED)"
    return engine_section(image_engine(), step, call)


def cnn_script(config: VisionConfig, epochs: int = 5) -> str:
    """The runnable script for `config`, training `epochs` epochs by default (--epochs overrides)."""
    model, train = config.model, config.train
    data = _shapes_source() if config.dataset == "shapes" else _DATA[config.dataset]
    split = "" if config.dataset == "custom" else "\n" + _split_source(0.8)  # a custom set comes split already
    optimizer = (
        f"torch.optim.Adam(model.parameters(), lr={train.learning_rate!r})"
        if train.optimizer == "Adam"
        else f"torch.optim.SGD(model.parameters(), lr={train.learning_rate!r}, momentum={train.momentum!r})"
    )
    return f'''"""PyTorch Playground: computer vision with TinyVGG, as a plain PyTorch script.

Run:  python this_script.py --epochs 5
"""
import argparse
import math

import numpy as np
import torch
from PIL import Image, ImageDraw
from torch import nn

torch.set_num_threads(1)  # as the playground trains: the same thread count rounds the same way, so the numbers match

SEED = {config.seed}
LIVE_IMAGE_LIMIT = {LIVE_IMAGE_LIMIT}
BATCH_SIZE = {train.batch_size}
DATA_ROOT = "data"  # where torchvision keeps its downloads

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default={epochs})
args = parser.parse_args()

# ---- 1. Data: images [N, C, H, W] in 0..1 and their labels --------------------------
{data}
{split}
print(f"A batch of images has shape [B, C, H, W] = {{list(X_train[:BATCH_SIZE].shape)}}")


# ---- 2. Model: TinyVGG ------------------------------------------------------------------
{tiny_vgg_source(model)}

torch.manual_seed(SEED)  # the same starting weights as the playground
model = TinyVGG(
    in_channels=X_train.shape[1], hidden_units={model.hidden}, n_classes=len(class_names), image_size=X_train.shape[-1]
)
model = model.to(memory_format=torch.channels_last)
loss_fn = nn.CrossEntropyLoss()
optimizer = {optimizer}

{image_training_loop()}'''
