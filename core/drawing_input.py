"""What a digits model sees of a drawing or photo, step by step: grey, ink bright, cropped, centred, 8 x 8, 28 x 28.

scikit-learn's digits are 8 x 8 images with 17 grey levels, scaled up to 28 x 28 for TinyVGG
(core.data.images.digits). A drawn digit goes through the same path, so it looks like the
training images: that, more than the model, decides whether a drawing is read right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from torch import Tensor

INK_LEVEL = 0.2  # a pixel with at least this much ink (0..1) counts as part of the drawing
MARGIN = 0.08  # share of the square left empty around the ink (the training digits nearly fill their 8 x 8)
DIGIT_SIDE = 8  # scikit-learn's digits
GREY_LEVELS = 16  # scikit-learn's digits take the values 0..16
MODEL_SIDE = 28


class BlankDrawing(ValueError):
    """Nothing to classify: the canvas or image holds no ink."""


@dataclass(frozen=True)
class Step:
    """One preprocessing step: what was done, and the picture after it (grey uint8, ink bright)."""

    name: str
    pixels: np.ndarray  # [H, W] grey or [H, W, 3] colour, uint8


def ink_of(image: Image.Image) -> np.ndarray:
    """Ink as floats 0..1, bright on dark: transparent is paper, a light background is inverted, the paper's
    own shade (read from the border) is taken away."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, rgba)  # a canvas: strokes on a transparent background
    grey = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    ink = 1.0 - grey if float(np.median(border)) > 0.5 else grey  # dark ink on light paper -> bright ink
    paper = float(np.median(1.0 - border if float(np.median(border)) > 0.5 else border))
    return np.clip(ink - paper, 0.0, 1.0)  # grey paper is no ink: only what stands out from it


def _grey(array: np.ndarray) -> np.ndarray:
    return (np.clip(array, 0.0, 1.0) * 255).round().astype(np.uint8)


def prepare_digit(image: Image.Image) -> tuple[Tensor, list[Step]]:
    """The drawing as the digits model's input [1, 28, 28] in 0..1, and every step on the way.

    Raises:
        BlankDrawing: there is no ink to classify.
    """
    ink = ink_of(image)
    steps = [Step("grey, ink bright on dark (as the training digits)", _grey(ink))]
    rows, cols = np.nonzero(ink >= INK_LEVEL)
    if len(rows) == 0:
        raise BlankDrawing("Draw something first: the canvas is empty.")
    cropped = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    steps.append(Step("cropped to the ink", _grey(cropped)))
    side = int(max(cropped.shape) * (1 + 2 * MARGIN)) + 1
    square = np.zeros((side, side), dtype=np.float32)
    top, left = (side - cropped.shape[0]) // 2, (side - cropped.shape[1]) // 2
    square[top : top + cropped.shape[0], left : left + cropped.shape[1]] = cropped
    steps.append(Step("centred in a square", _grey(square)))
    small = np.asarray(Image.fromarray(square, "F").resize((DIGIT_SIDE, DIGIT_SIDE), Image.BOX), dtype=np.float32)
    small = np.round(np.clip(small / max(float(small.max()), 1e-6), 0, 1) * GREY_LEVELS) / GREY_LEVELS
    steps.append(Step("8 x 8 with 17 grey levels (scikit-learn's digits)", _grey(small)))
    tensor = torch.from_numpy(small).reshape(1, 1, DIGIT_SIDE, DIGIT_SIDE)
    size = (MODEL_SIDE, MODEL_SIDE)
    scaled = torch.nn.functional.interpolate(tensor, size=size, mode="bilinear", align_corners=False)
    model_input = scaled.clamp(0, 1)[0]
    steps.append(Step("28 x 28, as TinyVGG was trained", _grey(model_input[0].numpy())))
    return model_input, steps


def ink_share(image: Image.Image) -> float:
    """Share of the image covered by ink: a drawn digit covers little, a photo most of it."""
    return float((ink_of(image) >= INK_LEVEL).mean())


def _on_white(image: Image.Image) -> Image.Image:
    """RGB, anything transparent (a canvas's background) made white paper."""
    rgb = image.convert("RGBA") if image.mode in ("RGBA", "LA", "P") else image
    paper = Image.new("RGBA", rgb.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgb.convert("RGBA")).convert("RGB")


def prepare_image(
    image: Image.Image, dataset: str, size: int = MODEL_SIDE, channels: int = 1
) -> tuple[Tensor, list[Step]]:
    """The input [C, size, size] for a model trained on `dataset`, and every step on the way.

    Digits take prepare_digit's path; other grey sets (FashionMNIST, MNIST, shapes) are made bright on
    dark and fitted into the square with the aspect kept; colour sets (a custom data set) are resized;
    "imagenet" takes a centre square, as ImageNet models are tested.

    Raises:
        BlankDrawing: a grey model gets an image with no ink at all.
    """
    if dataset == "digits":
        return prepare_digit(image)
    if dataset == "imagenet":
        from core.transfer import photo_input  # the Transfer page's crop: ImageNet models see a centre square

        tensor = photo_input(_on_white(image), size)
        pixels = (tensor.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
        return tensor, [Step(f"shorter side to {size}, centre {size} x {size} crop (as ImageNet's tests)", pixels)]
    if channels == 3:
        resized = _on_white(image).resize((size, size), Image.BILINEAR)
        pixels = np.asarray(resized, dtype=np.uint8)
        tensor = torch.from_numpy(pixels.astype(np.float32) / 255.0).permute(2, 0, 1)
        return tensor, [Step(f"resized to {size} x {size}, as the training images", pixels)]
    ink = ink_of(image)
    steps = [Step("grey, bright on dark (as the training images)", _grey(ink))]
    if not (ink >= INK_LEVEL).any():
        raise BlankDrawing("Draw something first: the canvas is empty.")
    fitted = Image.fromarray(_grey(ink), "L")
    fitted.thumbnail((size, size), Image.LANCZOS)
    square = Image.new("L", (size, size), 0)
    square.paste(fitted, ((size - fitted.width) // 2, (size - fitted.height) // 2))
    pixels = np.asarray(square, dtype=np.uint8)
    steps.append(Step(f"fitted into {size} x {size} (aspect kept)", pixels))
    return torch.from_numpy(pixels.astype(np.float32) / 255.0).unsqueeze(0), steps
