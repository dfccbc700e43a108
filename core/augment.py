"""Data augmentation with torchvision.transforms.v2: a registry of transforms, pipelines, seeded samples and code.

Each registry entry names its v2 class and its parameters (kind, range, default),
so a page draws one control per parameter and the generated Compose code uses
the same values. Sampling runs under a forked random state and a process-wide
lock, so a preview's seed never touches anyone's training randomness.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor
from torchvision.transforms import v2

_RNG_LOCK = threading.Lock()  # previews seed the global torch RNG inside fork_rng: one preview at a time


@dataclass(frozen=True)
class Param:
    """One argument of a transform, with what a control needs to offer it."""

    name: str  # the v2 argument's name
    kind: str  # "float", "int", "choice" or "range" (a (low, high) pair)
    default: Any  # a valid value of the kind
    low: float = 0.0  # smallest value (float, int, range)
    high: float = 1.0  # largest value (float, int, range)
    step: float = 0.01  # slider step (float, int, range)
    options: tuple[Any, ...] = ()  # the choices (choice)
    help: str = ""  # one line for the control's tooltip


@dataclass(frozen=True)
class Augmentation:
    """A v2 transform the pipeline can hold."""

    cls: str  # the class name in torchvision.transforms.v2
    title: str  # shown in the picker
    group: str  # "Geometry", "Colour", "Erase and noise", "Policies"
    params: tuple[Param, ...] = ()
    floats: bool = False  # runs on float images in 0..1 (the pipeline converts around it)
    fixed: dict[str, Any] = field(default_factory=dict)  # arguments always passed (not controls)

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its default."""
        return {p.name: p.default for p in self.params}


P = Param
AUGMENTATIONS: dict[str, Augmentation] = {
    a.cls: a
    for a in (
        Augmentation("RandomHorizontalFlip", "Horizontal flip", "Geometry", (P("p", "float", 0.5, help="chance"),)),
        Augmentation("RandomVerticalFlip", "Vertical flip", "Geometry", (P("p", "float", 0.5, help="chance"),)),
        Augmentation(
            "RandomRotation", "Rotation", "Geometry", (P("degrees", "float", 30.0, 0.0, 180.0, 1.0, help="± degrees"),)
        ),
        Augmentation(
            "RandomAffine",
            "Affine (rotate, shift, scale, shear)",
            "Geometry",
            (
                P("degrees", "float", 15.0, 0.0, 180.0, 1.0, help="± degrees"),
                P("translate", "range", (0.1, 0.1), 0.0, 0.5, 0.01, help="largest shift as a share of (width, height)"),
                P("scale", "range", (0.9, 1.1), 0.1, 2.0, 0.05, help="zoom range"),
                P("shear", "float", 10.0, 0.0, 60.0, 1.0, help="± degrees of shear"),
            ),
        ),
        Augmentation(
            "RandomPerspective",
            "Perspective",
            "Geometry",
            (P("distortion_scale", "float", 0.4, 0.0, 1.0), P("p", "float", 1.0, help="chance")),
        ),
        Augmentation(
            "ElasticTransform",
            "Elastic",
            "Geometry",
            (P("alpha", "float", 50.0, 0.0, 250.0, 1.0, help="strength"), P("sigma", "float", 5.0, 0.5, 20.0, 0.5)),
        ),
        Augmentation(
            "RandomResizedCrop",
            "Random resized crop",
            "Geometry",
            (
                P("size", "int", 224, 8, 512, 8, help="output side in pixels"),
                P("scale", "range", (0.3, 1.0), 0.05, 1.0, 0.05, help="share of the image the crop covers"),
            ),
        ),
        Augmentation(
            "RandomCrop", "Random crop", "Geometry", (P("size", "int", 200, 8, 1024, 8, help="crop side in pixels"),)
        ),
        Augmentation(
            "ColorJitter",
            "Colour jitter",
            "Colour",
            (
                P("brightness", "float", 0.4, 0.0, 1.0),
                P("contrast", "float", 0.4, 0.0, 1.0),
                P("saturation", "float", 0.4, 0.0, 1.0),
                P("hue", "float", 0.1, 0.0, 0.5),
            ),
        ),
        Augmentation("RandomGrayscale", "Grayscale", "Colour", (P("p", "float", 0.5, help="chance"),)),
        Augmentation(
            "GaussianBlur",
            "Gaussian blur",
            "Colour",
            (
                P("kernel_size", "choice", 9, options=(3, 5, 7, 9, 11, 15, 21)),
                P("sigma", "range", (0.1, 3.0), 0.1, 10.0, 0.1),
            ),
        ),
        Augmentation("RandomPosterize", "Posterize", "Colour", (P("bits", "int", 3, 1, 8, 1), P("p", "float", 1.0))),
        Augmentation(
            "RandomSolarize", "Solarize", "Colour", (P("threshold", "int", 192, 0, 255, 1), P("p", "float", 1.0))
        ),
        Augmentation("RandomEqualize", "Equalize", "Colour", (P("p", "float", 1.0, help="chance"),)),
        Augmentation("RandomAutocontrast", "Autocontrast", "Colour", (P("p", "float", 1.0, help="chance"),)),
        Augmentation(
            "RandomAdjustSharpness",
            "Sharpness",
            "Colour",
            (P("sharpness_factor", "float", 3.0, 0.0, 10.0, 0.1), P("p", "float", 1.0)),
        ),
        Augmentation(
            "GaussianNoise",
            "Gaussian noise",
            "Erase and noise",
            (P("sigma", "float", 0.1, 0.0, 0.5, 0.01, help="standard deviation, images in 0..1"),),
            floats=True,
        ),
        Augmentation(
            "RandomErasing",
            "Random erasing",
            "Erase and noise",
            (P("p", "float", 1.0), P("scale", "range", (0.02, 0.2), 0.01, 0.5, 0.01, help="share of the image erased")),
        ),
        Augmentation(
            "TrivialAugmentWide", "TrivialAugmentWide", "Policies", (P("num_magnitude_bins", "int", 31, 2, 64, 1),)
        ),
        Augmentation(
            "RandAugment",
            "RandAugment",
            "Policies",
            (P("num_ops", "int", 2, 1, 6, 1), P("magnitude", "int", 9, 0, 30, 1)),
        ),
        Augmentation(
            "AutoAugment",
            "AutoAugment",
            "Policies",
            (P("policy", "choice", "IMAGENET", options=("IMAGENET", "CIFAR10", "SVHN")),),
        ),
        Augmentation(
            "AugMix", "AugMix", "Policies", (P("severity", "int", 3, 1, 10, 1), P("mixture_width", "int", 3, 1, 6, 1))
        ),
    )
}


@dataclass(frozen=True)
class Step:
    """One transform of a pipeline with its argument values."""

    cls: str  # key into AUGMENTATIONS
    values: tuple[tuple[str, Any], ...]  # (name, value) for every parameter

    @classmethod
    def default(cls, name: str) -> Step:
        """The transform with every parameter at its default."""
        return cls(name, tuple(AUGMENTATIONS[name].defaults().items()))

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments for the v2 class (ranges as tuples, policies as enum members)."""
        args = {**AUGMENTATIONS[self.cls].fixed, **dict(self.values)}
        if self.cls == "AutoAugment":
            args["policy"] = v2.AutoAugmentPolicy[args["policy"]]
        return {k: tuple(v) if isinstance(v, list) else v for k, v in args.items()}


class AugmentError(ValueError):
    """A pipeline that cannot run on this image; the message says why and what to change."""


def build(step: Step) -> v2.Transform:
    """The v2 transform for one step (floats-only transforms wrapped in conversions to and from 0..1)."""
    transform = getattr(v2, step.cls)(**step.arguments())
    if AUGMENTATIONS[step.cls].floats:
        return v2.Compose([v2.ToDtype(torch.float32, scale=True), transform, v2.ToDtype(torch.uint8, scale=True)])
    return transform


def _drawn(transform: v2.Transform, image: Tensor) -> tuple[Tensor, dict[str, Any] | None]:
    """Apply `transform` and return what it drew; None when it drew nothing (a random-apply that skipped)."""
    inner = transform.transforms[1] if isinstance(transform, v2.Compose) else transform
    recorded: list[dict[str, Any]] = []
    original = inner.make_params

    def spy(flat_inputs: list[Any]) -> dict[str, Any]:
        params = original(flat_inputs)
        recorded.append(params)
        return params

    inner.make_params = spy  # this instance only: one sample's transform, built fresh for the sample
    try:
        output = transform(image)
    finally:
        del inner.make_params
    if not recorded:
        return output, None
    return output, _readable(recorded[0])


def _readable(params: dict[str, Any]) -> dict[str, Any]:
    """Drawn parameters a learner can read: numbers rounded, tensors summarised."""
    shown: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, Tensor):
            shown[name] = round(float(value), 3) if value.numel() == 1 else f"tensor{list(value.shape)}"
        elif isinstance(value, float):
            shown[name] = round(value, 3)
        elif isinstance(value, (list, tuple)) and all(isinstance(v, (int, float)) for v in value):
            shown[name] = [round(float(v), 3) for v in value]
        elif value is None or isinstance(value, (int, bool, str)):
            shown[name] = value
    return shown


@dataclass(frozen=True)
class Sample:
    """One augmented image and, per step, what the transform drew (None: it was skipped)."""

    image: Tensor  # uint8 [C, H, W]
    drawn: list[tuple[str, dict[str, Any] | None]]


def samples(image: Tensor, steps: Sequence[Step], count: int, seed: int) -> list[Sample]:
    """`count` augmentations of a uint8 [C, H, W] image, sample i seeded with seed + i (global RNG untouched).

    Raises:
        AugmentError: a step cannot run on this image (e.g. a crop larger than the image).
    """
    results = []
    with _RNG_LOCK, torch.random.fork_rng(devices=[]):
        for i in range(count):
            torch.manual_seed(seed + i)
            current, drawn = image, []
            for position, step in enumerate(steps, start=1):
                try:
                    current, params = _drawn(build(step), current)
                except (ValueError, RuntimeError, TypeError) as error:
                    raise AugmentError(_explain(position, step, current, error)) from error
                drawn.append((step.cls, params))
            results.append(Sample(current, drawn))
    return results


def _explain(position: int, step: Step, image: Tensor, error: Exception) -> str:
    side = f"{image.shape[-1]} × {image.shape[-2]}"
    detail = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
    return f"Step {position} ({AUGMENTATIONS[step.cls].title}) cannot run on this {side} image: {detail}."


def compose(steps: Sequence[Step]) -> v2.Compose:
    """The whole pipeline as one v2.Compose (the same transforms `samples` applies one by one)."""
    return v2.Compose([build(step) for step in steps])


def _literal(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ")"
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else f"{value:.1f}"
    return repr(value)


def step_source(step: Step) -> str:
    """One step as the v2 call a learner would write."""
    args = {**AUGMENTATIONS[step.cls].fixed, **dict(step.values)}
    parts = []
    for name, value in args.items():
        if step.cls == "AutoAugment" and name == "policy":
            parts.append(f"policy=v2.AutoAugmentPolicy.{value}")
        else:
            parts.append(f"{name}={_literal(tuple(value) if isinstance(value, list) else value)}")
    call = f"v2.{step.cls}({', '.join(parts)})"
    if AUGMENTATIONS[step.cls].floats:  # needs floats in 0..1
        return (
            f"v2.ToDtype(torch.float32, scale=True),  # {step.cls} works on floats\n    {call},\n"
            "    v2.ToDtype(torch.uint8, scale=True)"
        )
    return call


def pipeline_source(steps: Sequence[Step], seed: int, count: int) -> str:
    """A runnable script: the Compose pipeline, applied `count` times to an image, seeded like the page."""
    body = ",\n".join(f"    {step_source(step)}" for step in steps) or "    v2.Identity()"
    return f'''"""Data augmentation with torchvision.transforms.v2: the pipeline from PyTorch Playground.

Run:  python augment.py your_image.jpg   (saves augmented_0.png, augmented_1.png, ...)
"""
import sys

import torch
from PIL import Image
from torchvision.transforms import v2

transform = v2.Compose([
{body},
])

image = v2.functional.pil_to_tensor(Image.open(sys.argv[1]).convert("RGB"))  # uint8 [C, H, W]
for i in range({count}):
    torch.manual_seed({seed} + i)  # the page's seed: the same samples
    augmented = transform(image)
    v2.functional.to_pil_image(augmented).save(f"augmented_{{i}}.png")
    print(f"augmented_{{i}}.png", list(augmented.shape))
'''


TRAINING_DEFAULT: tuple[Step, ...] = (  # gentle and size-preserving: fits 28 x 28 clothes and digits
    Step("RandomHorizontalFlip", (("p", 0.5),)),
    Step("RandomAffine", (("degrees", 10.0), ("translate", (0.1, 0.1)), ("scale", (0.9, 1.1)), ("shear", 0.0))),
)


class BatchAugmenter:
    """Augments every image of a float batch [B, C, H, W] in 0..1 on its own, from its own random stream.

    v2 transforms given a whole batch draw one set of parameters for all of it; training needs a
    different draw per image. The seeds come from a local generator, so runs are repeatable and
    nobody else's randomness moves.
    """

    def __init__(self, steps: Sequence[Step], image_shape: tuple[int, int, int], seed: int = 0) -> None:
        self.steps = tuple(steps)
        self.transform = compose(steps)
        self.generator = torch.Generator().manual_seed(seed)
        probe = torch.zeros(image_shape, dtype=torch.uint8)
        with _RNG_LOCK, torch.random.fork_rng(devices=[]):
            try:
                shape = tuple(self.transform(probe).shape)
            except (ValueError, RuntimeError, TypeError) as error:
                raise AugmentError(f"This pipeline cannot run on {list(image_shape)} images: {error}") from error
        if shape != tuple(image_shape):
            raise AugmentError(
                f"This pipeline turns {list(image_shape)} images into {list(shape)}; the model needs the size it was "
                "built for. Remove crops and resizes, or use the gentle default."
            )

    def __call__(self, X: Tensor) -> Tensor:
        """The batch, each image augmented with its own draw (float in 0..1, same shape and device)."""
        seed = int(torch.randint(0, 2**62, (1,), generator=self.generator))
        images = X.detach().clamp(0, 1).mul(255).round().to(torch.uint8)
        out = torch.empty_like(images)
        with _RNG_LOCK, torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)  # once per batch: every image then draws its own parameters in turn
            for i in range(len(images)):
                out[i] = self.transform(images[i])
        return out.float().div_(255.0)
