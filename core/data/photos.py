"""Real photos that ship inside scikit-image's wheel (public domain or CC0), with their credits; no network."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Photo:
    """A sample photo and where it comes from."""

    title: str  # what the learner picks
    loader: str  # the function in skimage.data
    credit: str  # shown under the photo


PHOTOS: dict[str, Photo] = {
    photo.loader: photo
    for photo in (
        Photo("Chelsea the cat", "chelsea", "Stéfan van der Walt, CC0 (scikit-image)"),
        Photo("A cup of coffee", "coffee", "Rachel Michetti, CC0, courtesy of Pikolo Espresso Bar (scikit-image)"),
        Photo("Astronaut Eileen Collins", "astronaut", "NASA, public domain (scikit-image)"),
        Photo("Falcon 9 rocket", "rocket", "SpaceX, public domain (scikit-image)"),
    )
}


@functools.cache
def load_photo(name: str) -> np.ndarray:
    """The photo as uint8 [H, W, 3] (read once from scikit-image's package data; read-only, shared)."""
    from skimage import data

    pixels = getattr(data, PHOTOS[name].loader)()
    photo = np.ascontiguousarray(pixels[..., :3]).astype(np.uint8)
    photo.setflags(write=False)  # shared by every learner: nobody may change it
    return photo
