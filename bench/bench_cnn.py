"""TinyVGG training speed: the playground's engine against the course's training loop, in the same run.

Setup: TinyVGG (hidden 10, 2 blocks), batch 32, 28 x 28 images (scikit-learn's digits, 1,437 for
training), Adam lr 0.001, one thread. The course's loop: a shuffled DataLoader, and per batch
loss.item() and accuracy with .item(), as its train_step does.

    python -m bench.bench_cnn [--epochs 2] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from core.data.images import ImageDataset, digits
from core.vision import VisionConfig, build_vision


def engine_seconds(data: ImageDataset, epochs: int) -> tuple[float, list[float]]:
    experiment = build_vision(VisionConfig(), data)
    experiment.trainer.run_epoch()  # warm-up
    started = time.perf_counter()
    losses = [experiment.trainer.run_epoch().train_loss for _ in range(epochs)]
    return time.perf_counter() - started, losses


def course_seconds(data: ImageDataset, epochs: int) -> tuple[float, list[float]]:
    experiment = build_vision(VisionConfig(), data)  # same split, same initial weights
    model = experiment.trainer.model
    model.channels_last = False
    model.to(memory_format=torch.contiguous_format)
    loader = DataLoader(
        TensorDataset(experiment.train.images, experiment.train.labels),
        batch_size=32,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)

    def one_epoch() -> float:
        model.train()
        train_loss, train_acc = 0.0, 0.0
        for X, y in loader:
            y_pred = model(X)
            loss = loss_fn(y_pred, y)
            train_loss += loss.item()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            y_pred_class = torch.argmax(torch.softmax(y_pred, dim=1), dim=1)
            train_acc += (y_pred_class == y).sum().item() / len(y_pred)
        model.eval()
        with torch.inference_mode():
            loss_fn(model(experiment.test.images), experiment.test.labels).item()
        return train_loss / len(loader)

    one_epoch()  # warm-up
    started = time.perf_counter()
    losses = [one_epoch() for _ in range(epochs)]
    return time.perf_counter() - started, losses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = digits()
    images = int(0.8 * len(data.labels)) * args.epochs
    ours, theirs = [], []
    for _ in range(args.repeats):  # interleaved, so drift hits both alike
        theirs.append(images / course_seconds(data, args.epochs)[0])
        ours.append(images / engine_seconds(data, args.epochs)[0])
    e, c = statistics.median(ours), statistics.median(theirs)
    seconds_per_epoch = int(0.8 * len(data.labels)) / e
    print(f"TinyVGG hidden 10, batch 32, 28x28 digits, 1 thread, median of {args.repeats}:")
    print(f"engine {e:7.0f} images/s | course loop {c:7.0f} images/s | ratio {e / c:4.2f}x")
    print(f"one epoch of the digits (1,437 training images + test evaluation): {seconds_per_epoch:.2f} s")


if __name__ == "__main__":
    main()
