"""The course's TinyVGG, a shape tracer that explains bad settings in words, and CNN Explainer's views.

TinyVGG: blocks of [conv -> ReLU] x 2 -> max-pool, then flatten -> linear.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core.models import eval_mode, reset_parameters


@dataclass(frozen=True)
class TinyVGGConfig:
    """The network's shape."""

    hidden: int = 10  # channels in every conv layer (the course's hidden_units=10)
    blocks: int = 2  # conv blocks, each ending in a 2 x 2 max-pool (the course uses 2)
    kernel: int = 3  # conv kernel size (the course's 3)
    stride: int = 1  # conv stride (the course's 1)
    padding: int = 1  # conv zero padding (the course's 1: "same" size for a 3 x 3 kernel)


@dataclass(frozen=True)
class LayerRow:
    """One layer in the shape tracer."""

    name: str  # e.g. "block 1 · conv 1"
    layer: str  # e.g. "Conv2d(1, 10, kernel_size=3, stride=1, padding=1)"
    output: tuple[int, ...]  # output shape for one image, [C, H, W] or [features]
    parameters: int


class ShapeProblem(ValueError):
    """These settings cannot make a network for this image size; the message explains it in words."""


def conv_output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """floor((size + 2 * padding - kernel) / stride) + 1: how many places the kernel fits."""
    return math.floor((size + 2 * padding - kernel) / stride) + 1


def trace(config: TinyVGGConfig, in_channels: int = 1, image_size: int = 28, n_classes: int = 10) -> list[LayerRow]:
    """Every layer's output shape and parameter count, or a ShapeProblem saying what went wrong and why."""
    if not 1 <= config.hidden <= 64 or not 1 <= config.blocks <= 4:
        raise ShapeProblem("Use 1-64 hidden units and 1-4 blocks.")
    if config.kernel < 1 or config.stride < 1 or config.padding < 0:
        raise ShapeProblem("Kernel and stride must be at least 1 and padding at least 0.")
    if config.padding >= config.kernel:
        raise ShapeProblem(
            f"With padding {config.padding} and a {config.kernel} × {config.kernel} kernel, the kernel's first "
            "positions cover nothing but the added zeros. Keep padding below the kernel size "
            f"(padding {config.kernel // 2} keeps the image size with stride 1)."
        )
    rows: list[LayerRow] = []
    channels, size = in_channels, image_size
    for block in range(1, config.blocks + 1):
        for conv in (1, 2):
            new = conv_output_size(size, config.kernel, config.stride, config.padding)
            if new < 1:
                raise ShapeProblem(
                    f"Block {block}, conv {conv} gets a {size} × {size} image, and a {config.kernel} × {config.kernel} "
                    f"kernel with padding {config.padding} does not fit in it "
                    f"(({size} + 2·{config.padding} − {config.kernel}) / {config.stride} + 1 = {new}). "
                    "Use fewer blocks, a smaller kernel or stride, or more padding."
                )
            params = channels * config.hidden * config.kernel**2 + config.hidden
            rows.append(
                LayerRow(
                    f"block {block} · conv {conv}",
                    f"Conv2d({channels}, {config.hidden}, kernel_size={config.kernel}, "
                    f"stride={config.stride}, padding={config.padding})",
                    (config.hidden, new, new),
                    params,
                )
            )
            rows.append(LayerRow(f"block {block} · relu {conv}", "ReLU()", (config.hidden, new, new), 0))
            channels, size = config.hidden, new
        if size < 2:
            raise ShapeProblem(
                f"Block {block} ends with a {size} × {size} image, too small for the 2 × 2 max-pool. "
                "Use fewer blocks, stride 1, or more padding."
            )
        size //= 2
        rows.append(LayerRow(f"block {block} · pool", "MaxPool2d(kernel_size=2)", (channels, size, size), 0))
    features = channels * size * size
    rows.append(LayerRow("classifier · flatten", "Flatten()", (features,), 0))
    rows.append(
        LayerRow(
            "classifier · linear",
            f"Linear(in_features={features}, out_features={n_classes})",
            (n_classes,),
            features * n_classes + n_classes,
        )
    )
    return rows


class TinyVGG(nn.Module):
    """The course's TinyVGG, with the number of blocks and the conv settings as arguments."""

    def __init__(self, config: TinyVGGConfig, in_channels: int, n_classes: int, image_size: int = 28) -> None:
        super().__init__()
        rows = trace(config, in_channels, image_size, n_classes)  # raises ShapeProblem first
        blocks = []
        channels = in_channels
        for _ in range(config.blocks):
            blocks.append(
                nn.Sequential(
                    nn.Conv2d(channels, config.hidden, config.kernel, config.stride, config.padding),
                    nn.ReLU(),
                    nn.Conv2d(config.hidden, config.hidden, config.kernel, config.stride, config.padding),
                    nn.ReLU(),
                    nn.MaxPool2d(kernel_size=2),
                )
            )
            channels = config.hidden
        self.blocks = nn.Sequential(*blocks)
        features = rows[-2].output[0]  # the flatten layer's size
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(features, n_classes))

    channels_last = False  # True: images are laid out [N, H, W, C] in memory, ~1.4x faster convs on CPU

    def forward(self, x: Tensor) -> Tensor:
        """Blocks, then the classifier."""
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return self.classifier(self.blocks(x))

    def use_channels_last(self) -> TinyVGG:
        """Switch to the channels-last memory layout oneDNN prefers on CPUs (same maths, faster kernels)."""
        self.to(memory_format=torch.channels_last)
        self.channels_last = True
        return self


def build_tiny_vgg(
    config: TinyVGGConfig, in_channels: int, n_classes: int, *, seed: int, image_size: int = 28
) -> TinyVGG:
    """TinyVGG initialised from `seed` exactly as `torch.manual_seed(seed)` then TinyVGG(...) would."""
    model = TinyVGG(config, in_channels, n_classes, image_size)
    reset_parameters(model, torch.Generator().manual_seed(int(seed)))
    return model


@torch.inference_mode()
def feature_maps(model: TinyVGG, image: Tensor) -> list[tuple[str, Tensor]]:
    """The output of every conv, ReLU and pool for one image [C, H, W]: (name, [channels, h, w]) each."""
    maps = []
    with eval_mode(model):
        x = image.unsqueeze(0).to(next(model.parameters()).device)
        for b, block in enumerate(model.blocks, start=1):
            conv = 0
            for layer in block:
                x = layer(x)
                if isinstance(layer, nn.Conv2d):
                    conv += 1
                    maps.append((f"block {b} · conv {conv}", x[0].cpu()))
                elif isinstance(layer, nn.ReLU):
                    maps.append((f"block {b} · relu {conv}", x[0].cpu()))
                else:
                    maps.append((f"block {b} · pool", x[0].cpu()))
    return maps


@torch.inference_mode()
def class_probabilities(model: nn.Module, image: Tensor) -> Tensor:
    """Softmax over the classes for one image [C, H, W]."""
    with eval_mode(model):
        logits = model(image.unsqueeze(0).to(next(model.parameters()).device))[0].cpu()
    return torch.softmax(logits, dim=0)


@dataclass(frozen=True)
class ConvPixel:
    """One output pixel of a convolution, as a sum of products."""

    patch: Tensor  # [in_channels, k, k], zero padding included
    kernel: Tensor  # [in_channels, k, k]
    products: Tensor  # patch * kernel
    bias: float
    value: float  # products.sum() + bias
    check: float  # what the conv layer itself computed there
    rows: tuple[int, int]  # the patch's rows in the padded input
    cols: tuple[int, int]


@torch.inference_mode()
def explain_conv_pixel(conv: nn.Conv2d, image: Tensor, channel: int, row: int, col: int) -> ConvPixel:
    """Output pixel (row, col) of output `channel` of `conv` on image [C, H, W], multiplied out by hand."""
    k, s, p = conv.kernel_size[0], conv.stride[0], conv.padding[0]
    padded = nn.functional.pad(image.cpu(), (p, p, p, p))
    top, left = row * s, col * s
    patch = padded[:, top : top + k, left : left + k]
    kernel = conv.weight[channel].detach().cpu()
    products = patch * kernel
    bias = float(conv.bias[channel]) if conv.bias is not None else 0.0
    check = float(conv(image.unsqueeze(0).to(conv.weight.device))[0, channel, row, col])
    return ConvPixel(
        patch, kernel, products, bias, float(products.sum()) + bias, check, (top, top + k), (left, left + k)
    )
