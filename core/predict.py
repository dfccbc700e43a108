"""Classify one image with a run saved by `python -m core.train`: the course's predict.py.

    python -m core.predict --model runs/digits-tinyvgg-h10-Adam-lr0.001 --image seven.png

The image is decoded safely (format allow-list, pixel limit), prepared as the model's training images
were (core.drawing_input), and the weights are read from model.safetensors, never unpickled.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.checkpoints import CheckpointError, load_into_copy
from core.cnn import TinyVGG, TinyVGGConfig, build_tiny_vgg, class_probabilities
from core.drawing_input import BlankDrawing, prepare_image
from core.runs import RUN_FILE, WEIGHTS, RunRecord, read_run
from core.uploads import UploadError, decode_image

MAX_IMAGE_FILE_BYTES = 50_000_000


def build_parser() -> argparse.ArgumentParser:
    """The CLI's flags (`--help`)."""
    parser = argparse.ArgumentParser(
        prog="python -m core.predict",
        description="Print the class a trained TinyVGG gives an image, with its probability.",
    )
    parser.add_argument("--model", type=Path, required=True, help="a run folder from core.train (or its run.json)")
    parser.add_argument("--image", type=Path, required=True, help="a PNG, JPEG, GIF, BMP, WEBP or TIFF image")
    parser.add_argument("--top", type=int, default=1, choices=range(1, 11), metavar="{1..10}", help="classes shown")
    return parser


def load_run_model(path: Path) -> tuple[RunRecord, TinyVGG]:
    """The run and its TinyVGG with the saved weights (eval mode). Raises ValueError with the reason."""
    folder = path.parent if path.name in (RUN_FILE, WEIGHTS) else path
    if not (folder / RUN_FILE).is_file():
        raise ValueError(f"{str(folder)[:80]!r} holds no {RUN_FILE}: give a run folder made by python -m core.train")
    record = read_run(folder / RUN_FILE)
    settings = record.settings
    if settings.get("model") != "TinyVGG":
        raise ValueError(f"this run's model is {settings.get('model')!r}; core.predict reads TinyVGG runs")
    try:
        config = TinyVGGConfig(**{k.removeprefix("model."): v for k, v in settings.items() if k.startswith("model.")})
        skeleton = build_tiny_vgg(
            config, int(settings["in_channels"]), len(record.classes), seed=0, image_size=int(settings["image_size"])
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{RUN_FILE} does not describe a TinyVGG ({error})") from error
    weights = folder / WEIGHTS
    if not weights.is_file():
        raise ValueError(f"{str(folder)[:80]!r} holds no {WEIGHTS}")
    model = load_into_copy(skeleton, weights.read_bytes(), WEIGHTS).model
    return record, model.eval()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, load, classify; argparse-style errors (exit 2) for bad input, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        record, model = load_run_model(args.model)
    except (CheckpointError, OSError, ValueError) as error:
        parser.error(f"argument --model: {error}")
    try:
        if args.image.stat().st_size > MAX_IMAGE_FILE_BYTES:
            parser.error(f"argument --image: the file is over {MAX_IMAGE_FILE_BYTES // 1_000_000} MB")
        image = decode_image(args.image.read_bytes()).rgb
    except (OSError, UploadError) as error:
        parser.error(f"argument --image: {error}")
    settings = record.settings
    data = str(settings.get("data", ""))
    dataset = data if data in ("digits", "shapes", "FashionMNIST", "MNIST") else "custom"
    try:
        model_input, _ = prepare_image(image, dataset, int(settings["image_size"]), int(settings["in_channels"]))
    except BlankDrawing:
        parser.error("argument --image: the image is one flat colour; there is nothing to classify")
    probabilities = class_probabilities(model, model_input)
    order = probabilities.argsort(descending=True)[: args.top].tolist()
    best = order[0]
    print(f"Pred: {record.classes[best]} | Prob: {float(probabilities[best]):.3f}")
    for index in order[1:]:
        print(f"      {record.classes[index]} | Prob: {float(probabilities[index]):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
