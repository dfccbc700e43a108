"""What augmentation costs: one TinyVGG epoch with and without the gentle training pipeline, in the same run.

Setup: the augmentation page's experiment: 300 training images (FashionMNIST when on the machine, else
the digits), 28 x 28, batch 32, Adam, one thread. The issue's bound: an augmented epoch at most 1.5x.

    python -m bench.bench_augment [--epochs 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from core.augment import TRAINING_DEFAULT, BatchAugmenter
from core.augment_experiment import experiment_data
from core.vision import VisionConfig, build_vision


def seconds_per_epoch(augmented: bool, epochs: int) -> float:
    """Mean wall time of an epoch (training and evaluation) after one warm-up epoch."""
    _, train, test = experiment_data()
    augment = BatchAugmenter(TRAINING_DEFAULT, tuple(train.images.shape[1:])) if augmented else None
    trainer = build_vision(VisionConfig(), train, test=test, augment=augment).trainer
    trainer.run_epoch()
    started = time.perf_counter()
    for _ in range(epochs):
        trainer.run_epoch()
    return (time.perf_counter() - started) / epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    plain, augmented = [], []
    for _ in range(args.repeats):  # interleaved, so drift hits both alike
        plain.append(seconds_per_epoch(False, args.epochs))
        augmented.append(seconds_per_epoch(True, args.epochs))
    p, a = statistics.median(plain), statistics.median(augmented)
    print(f"epoch without augmentation {p * 1000:6.1f} ms | with {a * 1000:6.1f} ms | ratio {a / p:4.2f}x (bound 1.5x)")


if __name__ == "__main__":
    main()
