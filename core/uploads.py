"""Safe decoding of uploaded images: an allow-list of formats, a pixel limit, every mode converted explicitly.

Bad input raises UploadError with one line saying what was wrong and what to do.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError
from torch import Tensor

from core.sizes import MB

ALLOWED_FORMATS: frozenset[str] = frozenset({"PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF"})
IMAGE_TYPES: list[str] = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"]  # the uploaders' extensions
COLOUR_PHOTO_SATURATION = 0.15  # mean saturation above this: a colour photo, not a drawing on paper
MAX_UPLOAD_BYTES = 10 * MB  # .streamlit/config.toml's maxUploadSize, checked again here
MAX_PIXELS = 25_000_000  # e.g. 5000 x 5000; a "pixel bomb" declares far more and is refused before decoding
MAX_SIDE = 16_384  # longer sides cannot be shown by a browser (nor encoded for st.image); refused
WORKING_SIDE = 2_048  # larger images are shrunk to this before any mode conversion (no full-size float copies)


class UploadError(ValueError):
    """An upload that cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class DecodedImage:
    """An uploaded image as RGB, with what was done to it."""

    rgb: Image.Image
    original_format: str
    original_mode: str
    original_size: tuple[int, int]
    notes: tuple[str, ...]  # e.g. "rotated upright from its EXIF orientation"


def _to_rgb(image: Image.Image, notes: list[str]) -> Image.Image:
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        notes.append("transparent parts put on white")
        return Image.alpha_composite(background, rgba).convert("RGB")
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # float32 working copy of an image already shrunk
        values = np.asarray(image, dtype=np.float32)
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        scaled = (np.nan_to_num(values, nan=low, posinf=high, neginf=low) - low) * (255 / (high - low or 1.0))
        kind = "floating-point image" if mode == "F" else f"{mode} (high bit depth)"
        notes.append(f"{kind} scaled to 8 bits")
        return Image.fromarray(np.clip(scaled, 0, 255).astype(np.uint8), "L").convert("RGB")
    if mode == "CMYK":
        notes.append("CMYK converted to RGB")
    elif mode == "1":
        notes.append("black-and-white (1-bit) converted")
    elif mode not in ("L", "P", "YCbCr", "LAB", "HSV"):
        notes.append(f"{mode} converted to RGB")
    return image.convert("RGB")


def _shrunk(image: Image.Image, notes: list[str]) -> Image.Image:
    """At most WORKING_SIDE on the longer side, shrunk in the image's own mode (before any float copy)."""
    if max(image.size) <= WORKING_SIDE:
        return image
    scale = WORKING_SIDE / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    resample = Image.NEAREST if image.mode.startswith("I;16") or image.mode in ("1", "P") else Image.BILINEAR
    notes.append(f"shrunk from {image.width:,} × {image.height:,} to {size[0]:,} × {size[1]:,}")
    return image.resize(size, resample)


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS) -> DecodedImage:
    """Open uploaded bytes as an upright RGB image, refusing anything unsafe or broken.

    Raises:
        UploadError: empty, too large, not an allowed image format, a pixel bomb, or damaged.
    """
    if not data:
        raise UploadError("The file is empty. Choose an image file (PNG, JPEG, GIF, BMP, WEBP or TIFF).")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"The file is {len(data) / MB:.1f} MB; images up to {MAX_UPLOAD_BYTES // MB} MB are accepted."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise UploadError(
                    f"{image.format} images are not accepted here; use PNG, JPEG, GIF, BMP, WEBP or TIFF."
                )
            width, height = image.size
            if width * height > max_pixels:
                raise UploadError(
                    f"The image says it is {width:,} × {height:,} pixels — too many to open safely "
                    f"(limit {max_pixels:,}). Resize it first."
                )
            if max(width, height) > MAX_SIDE:
                raise UploadError(
                    f"The image is {width:,} × {height:,} pixels; each side may be at most {MAX_SIDE:,} "
                    "(a browser cannot show more). Crop or resize it first."
                )
            notes: list[str] = []
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)
                notes.append(f"first frame of {image.n_frames} used")
            image.load()
            orientation = image.getexif().get(0x0112, 1)
            upright = ImageOps.exif_transpose(image) or image
            if orientation not in (1, None):
                notes.append("rotated upright from its EXIF orientation")
            rgb = _to_rgb(_shrunk(upright, notes), notes)
    except UploadError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise UploadError("The image declares more pixels than can be opened safely; resize it first.") from error
    except UnidentifiedImageError as error:
        raise UploadError(
            "That file is not an image this page can read (PNG, JPEG, GIF, BMP, WEBP or TIFF)."
        ) from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise UploadError("The image file is damaged or incomplete; save it again and upload the new file.") from error
    return DecodedImage(rgb, image.format or "?", image.mode, image.size, tuple(notes))


def to_model_input(
    image: Image.Image, size: int = 28, channels: int = 1, invert_light: bool = True
) -> tuple[Tensor, list[str]]:
    """Fit an RGB image into size x size (aspect kept, padded), as the model's [C, H, W] in 0..1.

    Grey scale for 1-channel models. A light background is inverted, because the training
    images have bright ink on a dark background (MNIST style).
    """
    notes = []
    work = image.convert("L") if channels == 1 else image
    if channels == 1:
        notes.append("converted to grey scale")
    array = np.asarray(work, dtype=np.float32) / 255.0
    if invert_light and array.mean() > 0.5:
        array = 1.0 - array
        notes.append("inverted (dark ink on light paper → light ink on dark, like the training images)")
    pil = Image.fromarray((array * 255).astype(np.uint8), "L" if channels == 1 else "RGB")
    pil.thumbnail((size, size), Image.LANCZOS)
    canvas = Image.new(pil.mode, (size, size), 0)
    canvas.paste(pil, ((size - pil.width) // 2, (size - pil.height) // 2))
    notes.append(f"resized to fit {size} × {size} (aspect ratio kept)")
    tensor = torch.from_numpy(np.asarray(canvas, dtype=np.float32) / 255.0)
    tensor = tensor.unsqueeze(0) if channels == 1 else tensor.permute(2, 0, 1)
    return tensor, notes


def looks_like_a_colour_photo(image: Image.Image) -> bool:
    """Whether an RGB image is clearly colourful (mean saturation above COLOUR_PHOTO_SATURATION)."""
    small = np.asarray(image.convert("RGB").resize((64, 64)), dtype=np.float32)
    high, low = small.max(axis=-1), small.min(axis=-1)
    return float(((high - low) / np.maximum(high, 1.0)).mean()) > COLOUR_PHOTO_SATURATION
