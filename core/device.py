"""Device choice, seeding and thread set-up."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import torch

DEVICE_CHOICES: tuple[str, ...] = ("auto", "cuda", "mps", "cpu")


@dataclass(frozen=True)
class DeviceChoice:
    """The device that will be used, and a sentence saying why."""

    device: torch.device
    reason: str


def cuda_available() -> bool:
    """True when a CUDA device can be used."""
    return torch.cuda.is_available()


def mps_available() -> bool:
    """True when Apple's Metal (MPS) device can be used."""
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def pick_device(prefer: str = "auto") -> DeviceChoice:
    """Resolve a preference (auto, cuda, mps, cpu) to an available device.

    Args:
        prefer: one of DEVICE_CHOICES; "auto" tries cuda, then mps, then cpu.

    Returns:
        The chosen device and a human-readable reason.
    """
    if prefer not in DEVICE_CHOICES:
        raise ValueError(f"Unknown device {prefer!r}; choose one of {', '.join(DEVICE_CHOICES)}.")
    has_cuda, has_mps = cuda_available(), mps_available()
    if prefer == "cpu":
        return DeviceChoice(torch.device("cpu"), "CPU chosen.")
    if prefer == "cuda":
        if has_cuda:
            return DeviceChoice(torch.device("cuda"), f"CUDA chosen: {torch.cuda.get_device_name(0)}.")
        return DeviceChoice(torch.device("cpu"), "CUDA asked for but not available here, so the CPU is used.")
    if prefer == "mps":
        if has_mps:
            return DeviceChoice(torch.device("mps"), "Apple MPS chosen.")
        return DeviceChoice(torch.device("cpu"), "MPS asked for but not available here, so the CPU is used.")
    if has_cuda:
        return DeviceChoice(torch.device("cuda"), f"Auto: found CUDA ({torch.cuda.get_device_name(0)}).")
    if has_mps:
        return DeviceChoice(torch.device("mps"), "Auto: no CUDA, found Apple MPS.")
    return DeviceChoice(torch.device("cpu"), "Auto: no CUDA or MPS found, so the CPU is used.")


def describe(device: torch.device) -> str:
    """A short label for a device, e.g. 'cpu (2 threads)' or 'cuda:0 (NVIDIA H100)'."""
    if device.type == "cuda":
        index = device.index if device.index is not None else 0
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    if device.type == "cpu":
        threads = torch.get_num_threads()
        return f"cpu ({threads} thread{'' if threads == 1 else 's'})"
    return str(device)


def versions() -> dict[str, str]:
    """Versions of torch and torchvision (torchvision may be missing)."""
    found = {"torch": torch.__version__}
    try:
        import torchvision

        found["torchvision"] = torchvision.__version__
    except Exception as error:  # a broken torchvision must not take the app down
        found["torchvision"] = f"not available ({type(error).__name__})"
    return found


@functools.cache
def configure_threads(max_threads: int = 1) -> int:
    """Set torch's intra-op threads once per process (cached): tiny models run fastest on one.

    Returns:
        The thread count in force.
    """
    torch.set_num_threads(max(1, max_threads))
    return torch.get_num_threads()
