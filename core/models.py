"""Model builders: the playground's multi-layer perceptron."""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import torch
from torch import Tensor, nn

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "linear": nn.Identity,
    "leaky relu": nn.LeakyReLU,
    "gelu": nn.GELU,
}

# The same activations as PyTorch source, for "Show the PyTorch code".
ACTIVATION_SOURCE: dict[str, str] = {
    "relu": "nn.ReLU()",
    "tanh": "nn.Tanh()",
    "sigmoid": "nn.Sigmoid()",
    "linear": "nn.Identity()",
    "leaky relu": "nn.LeakyReLU()",
    "gelu": "nn.GELU()",
}

MAX_HIDDEN_LAYERS = 6  # TF Playground's limit
MAX_NEURONS = 8  # TF Playground's limit per layer


@dataclass(frozen=True)
class MLPConfig:
    """The network's shape."""

    hidden: tuple[int, ...] = (4, 2)  # neurons per hidden layer (TF Playground default)
    activation: str = "tanh"  # key into ACTIVATIONS (TF Playground default)
    start: int = 0  # which draw of starting weights: "New start" adds one (the init seed is seed + start)


def output_units(n_classes: int) -> int:
    """One logit for two classes (BCE), one per class otherwise (cross-entropy)."""
    return 1 if n_classes == 2 else n_classes


def build_mlp(in_features: int, config: MLPConfig, out_features: int, *, seed: int) -> nn.Sequential:
    """Linear -> activation blocks, then a Linear output layer, initialised from `seed`.

    Zero hidden layers gives logistic (softmax) regression. Initialisation is
    PyTorch's own nn.Linear scheme drawn from a local generator, so it equals
    `torch.manual_seed(seed)` followed by building the same nn.Sequential.

    Args:
        in_features: number of input features.
        config: hidden sizes and activation.
        out_features: number of logits.
        seed: initialisation seed.
    """
    if config.activation not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {config.activation!r}; choose from {', '.join(ACTIVATIONS)}.")
    if len(config.hidden) > MAX_HIDDEN_LAYERS or any(not 1 <= n <= MAX_NEURONS for n in config.hidden):
        raise ValueError(f"Use 0-{MAX_HIDDEN_LAYERS} hidden layers of 1-{MAX_NEURONS} neurons.")
    layers: list[nn.Module] = []
    width = in_features
    for units in config.hidden:
        layers += [nn.Linear(width, units), ACTIVATIONS[config.activation]()]
        width = units
    layers.append(nn.Linear(width, out_features))
    model = nn.Sequential(*layers)
    reset_parameters(model, torch.Generator().manual_seed(int(seed)))
    return model


def reset_parameters(model: nn.Module, generator: torch.Generator) -> None:
    """Re-run nn.Linear's and nn.Conv2d's default initialisation in module order, drawing from `generator`.

    The same numbers as torch.manual_seed(seed) followed by building the model, without touching
    the global random state that other learners' sessions share.
    """
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Linear | nn.Conv2d):
                nn.init.kaiming_uniform_(module.weight, a=math.sqrt(5), generator=generator)
                if module.bias is not None:
                    fan_in = module.weight[0].numel()  # inputs per output: in_features, or in_channels * k * k
                    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                    nn.init.uniform_(module.bias, -bound, bound, generator=generator)


def hidden_activation_indices(model: nn.Sequential) -> list[int]:
    """Positions of the activation modules, whose outputs are the hidden neurons."""
    return [i for i, module in enumerate(model) if not isinstance(module, nn.Linear)]


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers in the model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


@contextlib.contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Put `model` in eval mode for a block, then back in the mode it had (even if the block raises)."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def forward_in_batches(
    model: nn.Module,
    X: Tensor,
    device: torch.device,
    batch_size: int,
    on_batch: Callable[[int, int], None] | None = None,
) -> Tensor:
    """`model(X)` in batches (under inference mode), the batches spread over the CPU cores; the result on the CPU.

    Each batch runs on one intra-op thread (as the app sets), so the numbers equal a plain loop's; the ops
    release the GIL, so threads give the speed of several cores. `on_batch(done, total)` reports progress
    from the calling thread.
    """
    starts = range(0, len(X), batch_size)

    def one(start: int) -> Tensor:
        with torch.inference_mode():
            return model(X[start : start + batch_size].to(device)).float().cpu()

    workers = min(len(starts), os.cpu_count() or 1, 8) if device.type == "cpu" else 1
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        outputs = []
        for output in pool.map(one, starts) if workers > 1 else map(one, starts):
            outputs.append(output)
            if on_batch is not None:
                on_batch(len(outputs), len(starts))
    return torch.cat(outputs)
