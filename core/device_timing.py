"""A fair CPU-vs-GPU timing of matrix multiplication: warm-up, synchronise before reading the clock."""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

DEFAULT_SIZES: tuple[int, ...] = (64, 128, 256, 512, 1024)
MAX_SIZE = 2048  # one 2048 x 2048 matmul is 17 GFLOP: seconds on a shared CPU


@dataclass(frozen=True)
class Timing:
    """Seconds per n x n matmul on one device."""

    device: str
    size: int
    seconds: float

    @property
    def gflops(self) -> float:
        """Billions of floating-point operations per second (2 n^3 per matmul)."""
        return 2 * self.size**3 / self.seconds / 1e9


def synchronize(device: torch.device) -> None:
    """Wait for queued GPU work: GPU calls return before the work is done, so clocks lie without this."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def time_matmul(device: torch.device | str, size: int, min_seconds: float = 0.05, max_repeats: int = 50) -> Timing:
    """Mean seconds per n x n matmul: a warm-up, then repeats for `min_seconds`, synchronising before the clock."""
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"Matrix size must be 1..{MAX_SIZE}.")
    device = torch.device(device)
    generator = torch.Generator().manual_seed(0)
    a = torch.rand(size, size, generator=generator).to(device)
    b = torch.rand(size, size, generator=generator).to(device)
    a @ b  # warm-up: the first call pays for kernel selection and memory allocation
    synchronize(device)
    repeats, started = 0, time.perf_counter()
    while True:
        a @ b
        repeats += 1
        synchronize(device)
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds or repeats >= max_repeats:
            return Timing(str(device), size, elapsed / repeats)


def available_devices() -> list[str]:
    """The devices this machine can time: always cpu, plus cuda and mps when present."""
    found = ["cpu"]
    if torch.cuda.is_available():
        found.append("cuda")
    backend = getattr(torch.backends, "mps", None)
    if backend is not None and backend.is_available():
        found.append("mps")
    return found


def compare(sizes: tuple[int, ...] = DEFAULT_SIZES, devices: list[str] | None = None) -> list[Timing]:
    """Time every size on every available device."""
    return [time_matmul(device, size) for device in (devices or available_devices()) for size in sizes]


DEVICE_AGNOSTIC_CODE = """device = "cuda" if torch.cuda.is_available() else "cpu"
model = model.to(device)      # parameters move to the GPU (or stay on the CPU)
X, y = X.to(device), y.to(device)   # the data must live where the model lives
y_logits = model(X)           # runs on whichever device was found"""
