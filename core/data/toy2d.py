"""Two-dimensional data sets: classification and regression.

TensorFlow Playground's four classification generators (circle, xor, gauss,
spiral; points on about [-6, 6]), scikit-learn's moons, circles and blobs, a
multi-class spiral, and TF Playground's two regression sets (plane, multi
gaussian). Every generator has one signature and its own random generator,
because many learners share one server process:

    generator(n_samples, noise, *, seed, n_classes) -> (X, y)

X is float32 of shape [n_samples, 2]; y is int64 class indices in [0, n_classes),
or, for a regression set, float32 target values (about -1..1).
`noise` is TF Playground's 0..0.5 scale (the page's slider 0..50 divided by 100).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

DataGenerator = Callable[..., tuple[Tensor, Tensor]]

PLANE_LIMIT = 6.0  # every set fits in [-6, 6] x [-6, 6], TF Playground's view


def _uniform(gen: torch.Generator, n: int, low: float, high: float) -> Tensor:
    return torch.rand(n, generator=gen, dtype=torch.float64) * (high - low) + low


def circle(n_samples: int = 500, noise: float = 0.0, *, seed: int = 0, n_classes: int = 2) -> tuple[Tensor, Tensor]:
    """TF Playground's circle: class 1 inside radius 2.5, class 0 on a ring 3.5..5."""
    gen = torch.Generator().manual_seed(seed)
    radius = 5.0
    half = n_samples // 2
    parts_x, parts_y = [], []
    for count, (r_low, r_high) in ((half, (0.0, radius * 0.5)), (n_samples - half, (radius * 0.7, radius))):
        r = _uniform(gen, count, r_low, r_high)
        angle = _uniform(gen, count, 0.0, 2 * math.pi)
        points = torch.stack([r * torch.sin(angle), r * torch.cos(angle)], dim=1)
        jitter = _uniform(gen, 2 * count, -radius, radius).reshape(count, 2) * noise
        # As in TF Playground, noise moves the point used for the label, not the point drawn.
        inside = (points + jitter).norm(dim=1) < radius * 0.5
        parts_x.append(points)
        parts_y.append(inside.long())
    return torch.cat(parts_x).float(), torch.cat(parts_y)


def xor(n_samples: int = 500, noise: float = 0.0, *, seed: int = 0, n_classes: int = 2) -> tuple[Tensor, Tensor]:
    """TF Playground's xor: class 1 where x1 * x2 >= 0, with a 0.3 gap around the axes."""
    gen = torch.Generator().manual_seed(seed)
    points = _uniform(gen, 2 * n_samples, -5.0, 5.0).reshape(n_samples, 2)
    points = points + torch.where(points > 0, 0.3, -0.3)
    jitter = _uniform(gen, 2 * n_samples, -5.0, 5.0).reshape(n_samples, 2) * noise
    moved = points + jitter
    return points.float(), (moved[:, 0] * moved[:, 1] >= 0).long()


def gauss(n_samples: int = 500, noise: float = 0.0, *, seed: int = 0, n_classes: int = 2) -> tuple[Tensor, Tensor]:
    """TF Playground's two Gaussians at (2, 2) (class 1) and (-2, -2); noise widens them."""
    gen = torch.Generator().manual_seed(seed)
    variance = 0.5 + min(max(noise, 0.0), 0.5) / 0.5 * 3.5  # TF maps noise 0..0.5 to variance 0.5..4
    half = n_samples // 2
    parts_x, parts_y = [], []
    for count, centre, label in ((half, 2.0, 1), (n_samples - half, -2.0, 0)):
        points = centre + math.sqrt(variance) * torch.randn(count, 2, generator=gen, dtype=torch.float64)
        parts_x.append(points)
        parts_y.append(torch.full((count,), label, dtype=torch.long))
    return torch.cat(parts_x).float(), torch.cat(parts_y)


def spiral(n_samples: int = 500, noise: float = 0.0, *, seed: int = 0, n_classes: int = 2) -> tuple[Tensor, Tensor]:
    """TF Playground's two interleaved spirals (class 1 starts at angle 0, class 0 at pi)."""
    return _spirals(n_samples, noise, seed=seed, n_classes=2, turns=1.75, radius=5.0)


def multi_spiral(
    n_samples: int = 600, noise: float = 0.0, *, seed: int = 0, n_classes: int = 3
) -> tuple[Tensor, Tensor]:
    """A spiral with one arm per class (2 to 8 classes), as in CS231n's example."""
    return _spirals(n_samples, noise, seed=seed, n_classes=n_classes, turns=1.0, radius=5.0)


def _spirals(
    n_samples: int, noise: float, *, seed: int, n_classes: int, turns: float, radius: float
) -> tuple[Tensor, Tensor]:
    gen = torch.Generator().manual_seed(seed)
    parts_x, parts_y = [], []
    for label in range(n_classes):
        count = n_samples // n_classes + (1 if label < n_samples % n_classes else 0)
        i = torch.arange(count, dtype=torch.float64)
        r = i / max(count, 1) * radius
        delta = 2 * math.pi * label / n_classes
        t = turns * i / max(count, 1) * 2 * math.pi + delta
        jitter = _uniform(gen, 2 * count, -1.0, 1.0).reshape(count, 2) * noise
        points = torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=1) + jitter
        # TF Playground's spiral: positive class first (label 1), so class index = (1 - label) for two arms.
        class_index = (1 - label) if n_classes == 2 else label
        parts_x.append(points)
        parts_y.append(torch.full((count,), class_index, dtype=torch.long))
    return torch.cat(parts_x).float(), torch.cat(parts_y)


def _fit_to_plane(points: np.ndarray, span: float = 5.0) -> Tensor:
    """Centre points and scale the larger extent to [-span, span]."""
    centre = (points.max(axis=0) + points.min(axis=0)) / 2
    extent = np.abs(points - centre).max()
    return torch.from_numpy((points - centre) / max(extent, 1e-9) * span).float()


def moons(n_samples: int = 500, noise: float = 0.0, *, seed: int = 0, n_classes: int = 2) -> tuple[Tensor, Tensor]:
    """scikit-learn's two interleaving half moons, scaled to the plane."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return _fit_to_plane(X), torch.from_numpy(y).long()


def circles(n_samples: int = 1000, noise: float = 0.03, *, seed: int = 0, n_classes: int = 2) -> tuple[Tensor, Tensor]:
    """scikit-learn's make_circles (the course's 1000 points, noise 0.03), scaled to the plane."""
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples=n_samples, noise=noise, random_state=seed)
    return torch.from_numpy(X * 5.0).float(), torch.from_numpy(y).long()


def blobs(n_samples: int = 500, noise: float = 0.0, *, seed: int = 0, n_classes: int = 4) -> tuple[Tensor, Tensor]:
    """scikit-learn's make_blobs with 2-8 classes; noise widens the blobs."""
    from sklearn.datasets import make_blobs

    std = 0.5 + min(max(noise, 0.0), 0.5) * 4.0
    X, y = make_blobs(
        n_samples=n_samples, centers=n_classes, cluster_std=std, center_box=(-4.0, 4.0), random_state=seed
    )
    return torch.from_numpy(np.clip(X, -PLANE_LIMIT, PLANE_LIMIT)).float(), torch.from_numpy(y).long()


def plane(n_samples: int = 500, noise: float = 0.0, *, seed: int = 0, n_classes: int = 2) -> tuple[Tensor, Tensor]:
    """TF Playground's regression plane: the value is (x1 + x2) / 10, read at a noise-moved point."""
    gen = torch.Generator().manual_seed(seed)
    points = _uniform(gen, 2 * n_samples, -PLANE_LIMIT, PLANE_LIMIT).reshape(n_samples, 2)
    jitter = _uniform(gen, 2 * n_samples, -PLANE_LIMIT, PLANE_LIMIT).reshape(n_samples, 2) * noise
    moved = points + jitter
    return points.float(), ((moved[:, 0] + moved[:, 1]) / 10.0).float()


# TF Playground's six bumps of its multi gaussian: centre (x1, x2) and sign.
GAUSSIAN_BUMPS: tuple[tuple[float, float, float], ...] = (
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
)


def multi_gauss(
    n_samples: int = 500, noise: float = 0.0, *, seed: int = 0, n_classes: int = 2
) -> tuple[Tensor, Tensor]:
    """TF Playground's multi gaussian: six bumps of +1 or -1 falling to 0 at distance 2; the strongest one counts."""
    gen = torch.Generator().manual_seed(seed)
    points = _uniform(gen, 2 * n_samples, -PLANE_LIMIT, PLANE_LIMIT).reshape(n_samples, 2)
    jitter = _uniform(gen, 2 * n_samples, -PLANE_LIMIT, PLANE_LIMIT).reshape(n_samples, 2) * noise
    moved = points + jitter
    centres = torch.tensor([bump[:2] for bump in GAUSSIAN_BUMPS], dtype=torch.float64)
    signs = torch.tensor([bump[2] for bump in GAUSSIAN_BUMPS], dtype=torch.float64)
    heights = signs * (1.0 - torch.cdist(moved, centres) / 2.0).clamp(0.0, 1.0)  # [N, 6]
    strongest = heights.abs().argmax(dim=1, keepdim=True)
    return points.float(), heights.gather(1, strongest).squeeze(1).float()


@dataclass(frozen=True)
class DatasetInfo:
    """A generator with its labels for the UI."""

    generate: DataGenerator
    title: str  # what the selectbox shows
    default_samples: int  # TF Playground uses 500 points; the course's circles use 1000
    multiclass: bool  # True: the class count is a control (2-8)
    regression: bool = False  # True: y holds values (about -1..1) to fit, not classes


DATASETS: dict[str, DatasetInfo] = {
    "circle": DatasetInfo(circle, "Circle (TF Playground)", 500, False),
    "xor": DatasetInfo(xor, "Exclusive or (TF Playground)", 500, False),
    "gauss": DatasetInfo(gauss, "Gaussian (TF Playground)", 500, False),
    "spiral": DatasetInfo(spiral, "Spiral (TF Playground)", 500, False),
    "moons": DatasetInfo(moons, "Moons (scikit-learn)", 500, False),
    "circles": DatasetInfo(circles, "Circles (scikit-learn, the course's)", 1000, False),
    "blobs": DatasetInfo(blobs, "Blobs, 2-8 classes (scikit-learn)", 500, True),
    "multi_spiral": DatasetInfo(multi_spiral, "Spiral, 2-8 classes", 600, True),
    "plane": DatasetInfo(plane, "Plane (TF Playground)", 500, False, regression=True),
    "multi_gauss": DatasetInfo(multi_gauss, "Multi gaussian (TF Playground)", 500, False, regression=True),
}


def split_train_test(
    X: Tensor, y: Tensor, train_fraction: float, *, seed: int
) -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
    """Shuffle with a local generator, then cut: at least one point on each side.

    Args:
        X: features [N, d]. y: labels [N].
        train_fraction: share of points for training, 0..1.
        seed: seed of the shuffle.

    Returns:
        ((X_train, y_train), (X_test, y_test)).
    """
    n = len(X)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_train = min(max(round(n * train_fraction), 1), n - 1)
    train_idx, test_idx = order[:n_train], order[n_train:]
    return (X[train_idx], y[train_idx]), (X[test_idx], y[test_idx])
