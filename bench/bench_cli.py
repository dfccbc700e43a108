"""What the training CLI adds on top of the engine: `python -m core.train` against the bare engine loop, same run.

Setup: TinyVGG on the digits (1,437 training images), 5 epochs, one thread. Three timings, interleaved:
the bare engine (build_vision + run_epoch), the CLI with its tqdm bar and saved files, and the CLI with
TensorBoard logging as well. Bound: none in the issue; the CLI should cost little more than the engine.

    python -m bench.bench_cli [--epochs 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

import torch

from core import train as cli
from core.data.images import digits
from core.vision import VisionConfig, build_vision


def bare(epochs: int) -> float:
    """The engine alone: the same model and data, no bar, no files."""
    started = time.perf_counter()
    trainer = build_vision(VisionConfig(), digits()).trainer
    for _ in range(epochs):
        trainer.run_epoch()
    return time.perf_counter() - started


def through_cli(epochs: int, tensorboard: bool) -> float:
    """main() in this process (no interpreter start-up), writing to a temporary runs folder."""
    with tempfile.TemporaryDirectory() as folder:
        argv = ["--data", "digits", "--epochs", str(epochs), "--out", folder, "--name", "bench"]
        if tensorboard:
            argv += ["--tensorboard", str(Path(folder) / "tb")]
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            cli.main(argv)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    through_cli(1, True)  # warm-up: imports tqdm, tensorboard and safetensors once
    times: dict[str, list[float]] = {"engine": [], "cli": [], "cli+tensorboard": []}
    for _ in range(args.repeats):
        times["engine"].append(bare(args.epochs))
        times["cli"].append(through_cli(args.epochs, False))
        times["cli+tensorboard"].append(through_cli(args.epochs, True))
    engine = statistics.median(times["engine"])
    for name, values in times.items():
        value = statistics.median(values)
        print(f"{name:16s} {value:6.2f} s for {args.epochs} epochs | {value / engine:4.2f}x the bare engine")


if __name__ == "__main__":
    main()
