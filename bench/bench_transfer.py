"""What transfer learning costs on this machine, each figure against a reference measured in the same run.

Setup: the Transfer learning page (one intra-op thread, as the app sets; frozen fronts spread their
batches over the cores). FashionMNIST when on the machine, else the digits.

1. Frozen-backbone features of 300 images at each input size (the issue's bound: under 15 s at the
   page's size), against one plain single-thread loop over the same batches.
2. One epoch of the new classifier on the cached features (bound: under 50 ms), against the same
   epoch running the frozen backbone every time (what the cache saves).
3. An epoch with every part unfrozen (fine-tuning all of it, as the scratch run trains; bound: under
   10 s at the page's size), and one with only stage 7 and the head unfrozen.

    python -m bench.bench_transfer [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch
from torch import nn

from core.engine import Trainer
from core.few_shot import DEFAULT_CLASSES, DEFAULT_PER_CLASS, few_shot, few_shot_source, source_splits
from core.transfer import (
    DEFAULT_SIZE,
    FEATURE_BATCH,
    FREEZABLE,
    INPUT_SIZES,
    TRAINED_SIZE,
    TransferConfig,
    build_transfer,
    efficientnet_lite0,
    frozen_outputs,
    set_trainable,
    split_at_first_trainable,
)

FEATURE_IMAGES = 300


def _best(repeats: int, work: Callable[[], object]) -> float:
    """Median wall time of `work` over `repeats` runs."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def feature_seconds(size: int, images: torch.Tensor, repeats: int) -> tuple[float, float]:
    """(the page's way: batches spread over the cores, one plain loop on one thread) for the frozen backbone."""
    model = efficientnet_lite0(5, size=size)
    set_trainable(model, ())
    front, _ = split_at_first_trainable(model)
    front.eval()

    def plain() -> None:
        with torch.inference_mode():
            torch.cat([front(batch) for batch in images.split(FEATURE_BATCH)])

    frozen_outputs(front, images[:FEATURE_BATCH])  # warm-up
    return _best(repeats, lambda: frozen_outputs(front, images)), _best(repeats, plain)


def epoch_seconds(config: TransferConfig, train, test, repeats: int, epochs: int = 3) -> float:
    """Mean epoch time (training and test evaluation) after one warm-up epoch."""
    trainer = build_transfer(config, train, test).trainer
    trainer.run_epoch()
    return _best(repeats, lambda: [trainer.run_epoch() for _ in range(epochs)]) / epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the app: configure_threads() sets one intra-op thread per process
    source = few_shot_source()
    all_train, all_test = source_splits(source, seed=42)
    images = all_train.images[:FEATURE_IMAGES]
    print(f"{source}; {FEATURE_IMAGES} images for features; one intra-op thread")
    for size in (*INPUT_SIZES, TRAINED_SIZE):
        page, plain = feature_seconds(size, images, args.repeats)
        mark = " (the page's default)" if size == DEFAULT_SIZE else ""
        mark = " (ImageNet's; not offered)" if size not in INPUT_SIZES else mark
        print(
            f"features of 300 images at {size:3d} px{mark}: {page:5.2f} s (bound 15 s: {page / 15:4.2f}x) | "
            f"one plain loop {plain:5.2f} s | speed-up {plain / page:4.2f}x"
        )
    train, test = few_shot(all_train, all_test, DEFAULT_CLASSES[source], DEFAULT_PER_CLASS, seed=42)
    print(f"few-shot: {len(train.labels)} training and {len(test.labels)} test images at {DEFAULT_SIZE} px")
    head = epoch_seconds(TransferConfig(), train, test, args.repeats, epochs=20)
    frozen_every_epoch = _frozen_every_epoch(train, test, args.repeats)
    print(
        f"head epoch on cached features: {head * 1000:6.2f} ms (bound 50 ms: {head / 0.05:5.3f}x) | "
        f"backbone run every epoch {frozen_every_epoch * 1000:7.1f} ms | cache {frozen_every_epoch / head:5.0f}x faster"
    )
    everything = epoch_seconds(TransferConfig(trainable=FREEZABLE), train, test, 1)
    top = epoch_seconds(TransferConfig(trainable=("stage7", "head")), train, test, args.repeats)
    print(
        f"epoch with every part unfrozen: {everything:5.2f} s (bound 10 s: {everything / 10:4.2f}x) | "
        f"stage 7 and head only {top:5.2f} s ({everything / top:4.1f}x less)"
    )


def _frozen_every_epoch(train, test, repeats: int) -> float:
    """An epoch of the head when the frozen backbone runs on every batch and the test set (no cache)."""
    experiment = build_transfer(TransferConfig(), train, test)
    model = experiment.model
    trainer = Trainer(
        model,
        nn.CrossEntropyLoss(),
        torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.001),
        (train.images, train.labels),
        (test.images, test.labels),
        batch_size=32,
        running_train_metrics=True,
    )
    trainer.run_epoch()
    return _best(repeats, trainer.run_epoch)


if __name__ == "__main__":
    main()
