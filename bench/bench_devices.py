"""Every device-agnostic path of core/ on each device found, and CPU-vs-GPU speed, in the same run.

For each device (cpu, then cuda or mps when present): the classification playground's fast step
against autograd, TinyVGG training, the layer views and one convolution by hand, the workflow's
regression, and a state_dict saved on one device and loaded safely into a model on another.
Speeds print as ratios against the CPU measured in this run.

    python -m bench.bench_devices [--epochs 40]
"""

from __future__ import annotations

import argparse
import time

import torch

from core.checkpoints import load_into_copy, same_predictions, to_bytes
from core.classification import ClassificationConfig, DataConfig, TrainConfig, build_experiment
from core.cnn import class_probabilities, explain_conv_pixel, feature_maps
from core.data.images import digits
from core.models import MLPConfig
from core.regression import RegressionConfig, build_regression
from core.vision import VisionConfig, build_vision

CHAOTIC = ClassificationConfig(
    data=DataConfig(dataset="xor", noise=35),
    model=MLPConfig((5, 5), "tanh"),
    train=TrainConfig(learning_rate=0.1, momentum=0.9, batch_size=10),
    seed=5,
)


def devices() -> list[torch.device]:
    """The CPU and every accelerator PyTorch sees."""
    found = [torch.device("cpu")]
    if torch.cuda.is_available():
        found.append(torch.device("cuda"))
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        found.append(torch.device("mps"))
    return found


def synchronize(device: torch.device) -> None:
    """Wait for queued kernels before reading the clock."""
    if device.type == "cuda":
        torch.cuda.synchronize()
    elif device.type == "mps":
        torch.mps.synchronize()


def classification(device: torch.device, epochs: int) -> dict[str, float]:
    """Epochs/s of the fast step, and the largest loss difference from autograd on the same device."""
    fast, plain = build_experiment(CHAOTIC, device).trainer, build_experiment(CHAOTIC, device).trainer
    plain.fused = None
    fast.run_epoch(), plain.run_epoch()  # warm-up
    synchronize(device)
    started = time.perf_counter()
    a = [fast.run_epoch().train_loss for _ in range(epochs)]
    synchronize(device)
    seconds = time.perf_counter() - started
    b = [plain.run_epoch().train_loss for _ in range(epochs)]
    return {"epochs_per_s": epochs / seconds, "max_loss_difference": max(abs(x - y) for x, y in zip(a, b, strict=True))}


def vision(device: torch.device, data) -> dict[str, float]:
    """TinyVGG images/s for one epoch, the layer views, and one conv pixel by hand against the layer."""
    experiment = build_vision(VisionConfig(), data, device)
    trainer = experiment.trainer
    trainer.run_epoch()  # warm-up (cuDNN picks its kernels)
    synchronize(device)
    seen, started = trainer.samples_seen, time.perf_counter()
    record = trainer.run_epoch()
    synchronize(device)
    images_per_s = (trainer.samples_seen - seen) / (time.perf_counter() - started)
    image = experiment.test.images[0]
    probabilities = class_probabilities(trainer.model, image)
    maps = feature_maps(trainer.model, image)
    pixel = explain_conv_pixel(trainer.model.blocks[0][0], image, 0, 5, 5)
    assert abs(float(probabilities.sum()) - 1) < 1e-5 and len(maps) == 10 and record.test_acc > 0.5
    return {"images_per_s": images_per_s, "by_hand_error": abs(pixel.value - pixel.check)}


def checkpoints(device: torch.device) -> dict[str, float]:
    """Train the workflow's model on `device`, save it, load it into a fresh model on every device."""
    trained = build_regression(RegressionConfig(), device)
    for _ in range(30):
        trained.trainer.run_epoch()
    worst = 0.0
    for target in devices():
        fresh = build_regression(RegressionConfig(seed=7), target).trainer.model
        for file_format in ("pt", "safetensors"):
            loaded = load_into_copy(fresh, to_bytes(trained.trainer.model, file_format), f"model.{file_format}")
            X = trained.test[0].to(target)
            equal, difference = same_predictions(loaded.model, trained.trainer.model.to(target), X)
            trained.trainer.model.to(device)
            assert equal, (device, target, difference)
            worst = max(worst, difference)
    return {"largest_difference_after_load": worst}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the app trains
    data = digits()
    rows = {}
    for device in devices():
        name = torch.cuda.get_device_name() if device.type == "cuda" else device.type
        rows[device.type] = {**classification(device, args.epochs), **vision(device, data), **checkpoints(device)}
        print(f"{device.type} ({name}):", {k: round(v, 8) for k, v in rows[device.type].items()})
    for device_type, row in rows.items():
        if device_type != "cpu":
            epochs = row["epochs_per_s"] / rows["cpu"]["epochs_per_s"]
            images = row["images_per_s"] / rows["cpu"]["images_per_s"]
            print(f"{device_type} / cpu: classification epochs/s x{epochs:.2f}, TinyVGG images/s x{images:.2f}")
    print("all device paths ran")


if __name__ == "__main__":
    main()
