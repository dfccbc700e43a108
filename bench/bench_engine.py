"""Engine speed against a plain course-style PyTorch loop, measured in the same run.

Setups (TF Playground's): default = spiral, noise 0, 50 % train, batch 10,
hidden [4, 2], tanh, lr 0.03, features x1 x2; largest = 6 x 8 neurons, all 7
features; regression = the default network on TF's multi gaussian (MSE). Every epoch includes one 100 x 100
decision grid, as the page draws.

    python -m bench.bench_engine [--epochs 200] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

from core.classification import ClassificationConfig, DataConfig, Experiment, TrainConfig, build_experiment
from core.features import FEATURES, expand_features
from core.introspect import decision_grid, output_grid, plane_grid
from core.models import MLPConfig

SETUPS: dict[str, ClassificationConfig] = {
    "default": ClassificationConfig(
        data=DataConfig(dataset="spiral", noise=0, train_percent=50),
        model=MLPConfig((4, 2), "tanh"),
        train=TrainConfig(learning_rate=0.03, batch_size=10),
    ),
    "largest": ClassificationConfig(
        data=DataConfig(dataset="spiral", noise=0, train_percent=50),
        features=tuple(FEATURES),
        model=MLPConfig((8,) * 6, "tanh"),
        train=TrainConfig(learning_rate=0.03, batch_size=10),
    ),
    "regression": ClassificationConfig(  # TF Playground's multi gaussian: MSE on one output (the 'sq' fast path)
        data=DataConfig(dataset="multi_gauss", noise=0, train_percent=50),
        model=MLPConfig((4, 2), "tanh"),
        train=TrainConfig(learning_rate=0.03, batch_size=10),
    ),
}


def engine_epochs(experiment: Experiment, epochs: int) -> list[float]:
    """The playground's engine: Trainer.run_epoch plus one decision grid per epoch."""
    losses = []
    for _ in range(epochs):
        losses.append(experiment.trainer.run_epoch().train_loss)
        picture = output_grid if experiment.regression else decision_grid  # a surface, or class probabilities
        picture(experiment.trainer.model, experiment.config.features, 100)
    return losses


def plain_loop_epochs(experiment: Experiment, epochs: int) -> list[float]:
    """The course's loop: per batch forward, loss, loss.item(), zero_grad, backward, step; then the grid."""
    trainer = experiment.trainer
    model, loss_fn, optimizer = trainer.model, trainer.loss_fn, trainer.optimizer
    X_train, y_train = trainer.X_train, trainer.y_train
    grid = expand_features(plane_grid(100).points, experiment.config.features)
    batch = experiment.config.train.batch_size
    shuffle = torch.Generator().manual_seed(experiment.config.seed)
    losses = []
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(X_train), generator=shuffle)
        train_loss = 0.0
        for start in range(0, len(X_train), batch):
            idx = order[start : start + batch]
            y_logits = model(X_train[idx])
            loss = loss_fn(y_logits, y_train[idx])
            train_loss += loss.item()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.inference_mode():
            losses.append(loss_fn(model(X_train), y_train).item())
            torch.sigmoid(model(grid))
    return losses


def time_epochs(run: Callable[[Experiment, int], list[float]], config: ClassificationConfig, epochs: int) -> float:
    """Epochs per second of `run` on a fresh experiment."""
    experiment = build_experiment(config)
    run(experiment, 3)  # warm-up
    started = time.perf_counter()
    run(experiment, epochs)
    return epochs / (time.perf_counter() - started)


def same_losses(config: ClassificationConfig, epochs: int = 20) -> float:
    """Largest difference between the engine's and the plain loop's losses for the same seed."""
    ours = engine_epochs(build_experiment(config), epochs)
    plain = plain_loop_epochs(build_experiment(config), epochs)
    return max(abs(a - b) for a, b in zip(ours, plain, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the app runs
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); median of {args.repeats} runs")
    for name, config in SETUPS.items():
        engine, plain = [], []
        for _ in range(args.repeats):  # interleaved, so drift hits both alike
            plain.append(time_epochs(plain_loop_epochs, config, args.epochs))
            engine.append(time_epochs(engine_epochs, config, args.epochs))
        e, p = statistics.median(engine), statistics.median(plain)
        print(
            f"{name:8s} engine {e:7.1f} epochs/s | plain loop {p:7.1f} epochs/s | ratio {e / p:5.2f}x"
            f" | max loss difference {same_losses(config):.2e}"
        )


if __name__ == "__main__":
    main()
