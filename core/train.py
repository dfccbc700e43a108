"""Train TinyVGG from the command line: the course's going-modular train.py, on the app's own modules.

    python -m core.train --data digits --epochs 5
    python -m core.train --data path/to/pizza_steak_sushi --epochs 10 --tensorboard runs/tb
    python -m core.train --help

The data, model and engine are the ones the app trains live (core.data, core.cnn, core.engine): no second
copy of the logic. A tqdm bar shows the loss and accuracy; the run (state_dict as .safetensors and .pt, and
a run.json of its settings and metrics) goes to --out/--name, where the Experiments page finds it.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import torch

from core.cnn import ShapeProblem, TinyVGGConfig, trace
from core.data import download as downloads
from core.data.imagefolder import DatasetError, read_image_folder
from core.data.images import OFFLINE_SETS, ONLINE_SETS, ImageDataset, digits, shapes, torchvision_set
from core.device import pick_device
from core.engine import TrainingDiverged
from core.objectives import OPTIMIZERS
from core.runs import RunRecord, history_rows, runs_folder, safe_name, save_run, unused_name
from core.vision import VisionConfig, VisionTrain, build_vision

BUILTIN_SETS = (*OFFLINE_SETS, *ONLINE_SETS)
MAX_EPOCHS = 10_000


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} must be a finite number")
    return value


def _learning_rate(text: str) -> float:
    value = _number(text)
    if value <= 0 or value > 10:
        raise argparse.ArgumentTypeError(f"{text} must be above 0 and at most 10 (try 0.001 for Adam, 0.1 for SGD)")
    return value


def _momentum(text: str) -> float:
    value = _number(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 0 and below 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The CLI's flags, each explained (`--help`)."""
    parser = argparse.ArgumentParser(
        prog="python -m core.train",
        description="Train the course's TinyVGG on an image data set, with a progress bar, and save the run.",
        epilog="The run lands in OUT/NAME (run.json, model.safetensors, model.pt); the app's Experiments page "
        "shows every run in OUT. Predict with: python -m core.predict --model OUT/NAME --image picture.png",
    )
    data = parser.add_argument_group("data")
    data.add_argument(
        "--data",
        default="digits",
        help=f"a built-in set ({', '.join(BUILTIN_SETS)}; FashionMNIST and MNIST must be on this machine or "
        "downloadable) or the path of an ImageFolder folder (class folders, optionally under train/ and test/) "
        "or a .zip of one (default: digits)",
    )
    data.add_argument("--limit", type=_positive_int, help="train on at most this many images (default: all)")
    data.add_argument("--data-root", type=Path, default=downloads.DEFAULT_ROOT, help="where torchvision sets live")
    model = parser.add_argument_group("model: TinyVGG")
    defaults = TinyVGGConfig()
    model.add_argument("--hidden-units", type=_positive_int, default=defaults.hidden, help="channels per conv layer")
    model.add_argument("--blocks", type=_positive_int, default=defaults.blocks, help="conv blocks, each ends in a pool")
    model.add_argument("--kernel", type=_positive_int, default=defaults.kernel, help="conv kernel size")
    model.add_argument("--stride", type=_positive_int, default=defaults.stride, help="conv stride")
    model.add_argument(
        "--padding", type=int, default=defaults.padding, choices=range(0, 8), metavar="{0..7}", help="zero border"
    )
    training = parser.add_argument_group("training")
    train = VisionTrain()
    training.add_argument(
        "--epochs", type=_positive_int, default=5, help=f"passes over the data (at most {MAX_EPOCHS})"
    )
    training.add_argument("--batch-size", type=_positive_int, default=train.batch_size, help="images per step")
    training.add_argument("--lr", type=_learning_rate, default=train.learning_rate, help="the learning rate")
    training.add_argument("--optimizer", choices=OPTIMIZERS, default=train.optimizer, help="SGD or Adam")
    training.add_argument("--momentum", type=_momentum, default=0.0, help="SGD's momentum (0 to below 1)")
    training.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto", help="where to train")
    training.add_argument("--seed", type=int, default=42, help="starting weights, split and batch order")
    output = parser.add_argument_group("output")
    output.add_argument(
        "--out", type=Path, default=runs_folder(), help=f"runs folder (default: $PLAYGROUND_RUNS or {runs_folder()})"
    )
    output.add_argument("--name", help="the run's name (default: data-model-settings, numbered if taken)")
    output.add_argument("--tensorboard", type=Path, help="also log the curves to TensorBoard in this folder")
    output.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def load_data(args: argparse.Namespace) -> tuple[str, ImageDataset, ImageDataset | None]:
    """(data name, images, their own test set or None for an 80/20 split). Raises DatasetError, FileNotFoundError."""
    if args.data == "digits":
        data, test = digits(), None
    elif args.data == "shapes":
        data, test = shapes(seed=args.seed), None
    elif args.data in ONLINE_SETS:
        root = args.data_root
        if not downloads.use_local_copy(args.data, root):
            downloads.download(args.data, root)
        data, test = torchvision_set(args.data, root), torchvision_set(args.data, root, train=False)
    else:
        folder = read_image_folder(Path(args.data), seed=args.seed)
        data, test = folder.as_float()
    if args.limit is not None:
        data = ImageDataset(data.images[: args.limit], data.labels[: args.limit], data.classes)
    return args.data, data, test


def _settings(args: argparse.Namespace, config: VisionConfig, device: torch.device, data: ImageDataset) -> dict:
    return {
        "data": str(args.data),
        "limit": args.limit,
        "model": "TinyVGG",
        **{f"model.{k}": v for k, v in asdict(config.model).items()},
        "optimizer": config.train.optimizer,
        "learning_rate": config.train.learning_rate,
        "momentum": config.train.momentum,
        "batch_size": config.train.batch_size,
        "epochs": args.epochs,
        "seed": config.seed,
        "device": str(device),
        "in_channels": int(data.images.shape[1]),
        "image_size": int(data.images.shape[-1]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, train, save; argparse-style errors (exit 2) for bad input, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.epochs > MAX_EPOCHS:
        parser.error(f"argument --epochs: {args.epochs} is more than {MAX_EPOCHS}")
    try:
        name, data, test = load_data(args)
    except (DatasetError, FileNotFoundError, OSError, RuntimeError, ValueError) as error:
        parser.error(f"argument --data: {error}")
    model = TinyVGGConfig(args.hidden_units, args.blocks, args.kernel, args.stride, args.padding)
    try:
        trace(model, data.images.shape[1], data.images.shape[-1], len(data.classes))
    except ShapeProblem as problem:
        parser.error(f"these model settings cannot work: {problem}")
    choice = pick_device(args.device)
    if args.device != "auto" and choice.device.type != args.device:
        parser.error(f"argument --device: {args.device} is not available here ({choice.reason})")
    train = VisionTrain(args.optimizer, args.lr, args.momentum if args.optimizer == "SGD" else 0.0, args.batch_size)
    config = VisionConfig(name, model, train, args.seed)
    experiment = build_vision(config, data, choice.device, test)
    stem = f"{Path(name).name}-tinyvgg-h{model.hidden}-{train.optimizer}-lr{train.learning_rate:g}"
    run_name = safe_name(args.name) if args.name else unused_name(args.out, stem)
    record = RunRecord(run_name, "cli", _settings(args, config, choice.device, data), classes=list(data.classes))
    writer = _tensorboard(args.tensorboard / run_name) if args.tensorboard else None
    print(
        f"{run_name}: {len(experiment.train.labels):,} training and {len(experiment.test.labels):,} test images "
        f"of {len(data.classes)} classes, on {choice.device}"
    )
    status, epochs = 0, []
    with _progress(args.epochs, args.quiet) as bar:
        for _ in range(args.epochs):
            try:
                epoch = experiment.trainer.run_epoch()
            except TrainingDiverged as error:
                print(f"\n{error}", file=sys.stderr)
                status = 1
                break
            epochs.append(epoch)
            record.history = history_rows(epochs)
            bar.set_postfix(
                loss=f"{epoch.train_loss:.4f}", acc=f"{epoch.train_acc:.3f}", test_acc=f"{epoch.test_acc:.3f}"
            )
            bar.update(1)
            if writer is not None:
                _log(writer, epoch)
    if writer is not None:
        writer.close()
    folder = save_run(args.out, record, experiment.trainer.model)
    last = record.final
    if last:
        print(
            f"epoch {last['epoch']}: train loss {last['train_loss']:.4f} acc {last['train_acc']:.4f} | "
            f"test loss {last['test_loss']:.4f} acc {last['test_acc']:.4f}"
        )
    print(f"saved {folder}/ (run.json, model.safetensors, model.pt)")
    if writer is not None:
        print(f"TensorBoard: tensorboard --logdir {args.tensorboard}")
    return status


def _progress(total: int, quiet: bool):  # noqa: ANN202 (tqdm is imported only when training)
    from tqdm import tqdm

    return tqdm(total=total, unit="epoch", disable=quiet, dynamic_ncols=True)


def _tensorboard(folder: Path):
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(log_dir=str(folder))


def _log(writer, epoch) -> None:
    """The course's curves: loss and accuracy, train and test, one point per epoch."""
    writer.add_scalar("Loss/train", epoch.train_loss, epoch.epoch)
    writer.add_scalar("Loss/test", epoch.test_loss, epoch.epoch)
    writer.add_scalar("Accuracy/train", epoch.train_acc, epoch.epoch)
    writer.add_scalar("Accuracy/test", epoch.test_acc, epoch.epoch)


if __name__ == "__main__":
    sys.exit(main())
