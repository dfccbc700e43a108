"""Get FashionMNIST or MNIST for torchvision: from a copy already on the machine, or downloaded.

A local copy comes first: Debian's dataset-fashion-mnist package installs the
four idx files (re-compressed, so torchvision's md5s differ); they are unpacked
into the layout torchvision.datasets.FashionMNIST(root, download=False) reads.
Otherwise the download reports progress, checks every file and unpacks it; offline
it fails fast with DownloadError and a clear message, and the offline data sets
keep working. Tests exercise both on tiny files they write or serve on loopback.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

Progress = Callable[[float, str], None]  # (fraction done 0..1, what is happening)
DEFAULT_ROOT = Path(os.environ.get("PLAYGROUND_DATA", Path.home() / ".cache" / "pytorch-playground"))
CHUNK = 64 * 1024
LOCAL_FOLDERS: dict[str, tuple[Path, ...]] = {  # where packages install the idx files
    "FashionMNIST": (Path("/usr/share/datasets/fashion-mnist"),),
    "MNIST": (Path("/usr/share/datasets/mnist"),),
}
INSTALL_HINT: dict[str, str] = {
    "FashionMNIST": "sudo apt-get install dataset-fashion-mnist (Debian, Ubuntu)",
    "MNIST": "a machine with internet access",
}
MAX_DOWNLOAD_BYTES = 100_000_000  # the largest MNIST-family file is about 26 MB


_LOCKS: dict[Path, threading.Lock] = {}  # one per data folder: two learners' downloads take turns
_LOCKS_GUARD = threading.Lock()


def _folder_lock(folder: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(folder.resolve(), threading.Lock())


class DownloadError(RuntimeError):
    """The data set could not be fetched; the message says why and what still works."""


def _sources(name: str) -> tuple[list[str], list[tuple[str, str]]]:
    from torchvision import datasets

    maker = {"FashionMNIST": datasets.FashionMNIST, "MNIST": datasets.MNIST}.get(name)
    if maker is None:
        raise DownloadError(f"Unknown data set {name!r}.")
    return list(maker.mirrors), list(maker.resources)


def raw_folder(root: Path, name: str) -> Path:
    """Where torchvision looks for the unpacked files."""
    return Path(root) / name / "raw"


def is_downloaded(name: str, root: Path = DEFAULT_ROOT, resources: Sequence[tuple[str, str]] | None = None) -> bool:
    """True when every unpacked file is in place."""
    files = resources if resources is not None else _sources(name)[1]
    folder = raw_folder(root, name)
    return all((folder / filename.removesuffix(".gz")).exists() for filename, _ in files)


def _fetch(
    url: str, destination: Path, expected_md5: str | None, report: Callable[[int, int], None], timeout_s: float
) -> None:
    digest = hashlib.md5(usedforsecurity=False)
    with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - http(s) URLs we chose
        total = int(response.headers.get("Content-Length") or 0)
        if total > MAX_DOWNLOAD_BYTES:
            raise DownloadError(f"{url} is {total / 1e6:.0f} MB, more than expected; not downloading it.")
        done = 0
        with open(destination, "wb") as out:
            while chunk := response.read(CHUNK):
                done += len(chunk)
                if done > MAX_DOWNLOAD_BYTES:
                    raise DownloadError(f"{url} sent more than {MAX_DOWNLOAD_BYTES / 1e6:.0f} MB; stopped.")
                digest.update(chunk)
                out.write(chunk)
                report(done, total)
    if expected_md5 and digest.hexdigest() != expected_md5:
        destination.unlink(missing_ok=True)
        raise DownloadError(f"{destination.name} arrived damaged (its checksum does not match); try again.")


def download(
    name: str,
    root: Path = DEFAULT_ROOT,
    progress: Progress | None = None,
    *,
    mirrors: Sequence[str] | None = None,
    resources: Sequence[tuple[str, str]] | None = None,
    timeout_s: float = 10.0,
) -> Path:
    """Fetch every file of `name` (FashionMNIST or MNIST) into root/name/raw and unpack it.

    Args:
        name: "FashionMNIST" or "MNIST".
        root: the data folder.
        progress: called with (fraction done, message) as bytes arrive.
        mirrors, resources: override torchvision's lists (tests serve tiny files from loopback).
        timeout_s: per connection.

    Returns:
        The raw folder, ready for torchvision with download=False.

    Raises:
        DownloadError: offline, refused, damaged or too big; the message says so.
    """
    default_mirrors, default_resources = _sources(name) if mirrors is None or resources is None else ([], [])
    mirrors = list(mirrors if mirrors is not None else default_mirrors)
    resources = list(resources if resources is not None else default_resources)
    folder = raw_folder(root, name)
    folder.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda fraction, message: None)
    with _folder_lock(folder):  # a second learner waits, then finds the files in place
        for index, (filename, md5) in enumerate(resources):
            _fetch_and_unpack(name, folder, index, len(resources), filename, md5, mirrors, report, timeout_s)
    report(1.0, f"{name} is ready.")
    return folder


def _fetch_and_unpack(
    name: str,
    folder: Path,
    index: int,
    count: int,
    filename: str,
    md5: str | None,
    mirrors: Sequence[str],
    report: Progress,
    timeout_s: float,
) -> None:
    """One file: fetched from the first mirror that answers, checked, unpacked; written under temporary names."""
    target = folder / filename.removesuffix(".gz")
    if target.exists():
        return
    packed = folder / f".{filename}.{uuid.uuid4().hex[:8]}.part"  # a private name: no clash with another process
    errors = []

    def step(done: int, total: int) -> None:
        within = done / total if total else 0.0
        report((index + within) / count, f"Downloading {filename}: {done / 1e6:.1f} MB")

    try:
        for mirror in mirrors:
            try:
                _fetch(mirror + filename, packed, md5, step, timeout_s)
                break
            except (urllib.error.URLError, OSError, TimeoutError) as error:
                errors.append(f"{mirror}: {getattr(error, 'reason', error)}")
        else:
            raise DownloadError(
                f"Could not download {name} ({'; '.join(errors)[:200]}). This machine may be offline: "
                "the digits and shapes data sets work without the internet."
            )
        _unpack(packed, target)
    finally:
        packed.unlink(missing_ok=True)


def find_local_copy(
    name: str, folders: Sequence[Path] | None = None, resources: Sequence[tuple[str, str]] | None = None
) -> Path | None:
    """The first folder that holds every idx file of `name` (gzipped or not), or None."""
    files = [filename for filename, _ in (resources if resources is not None else _sources(name)[1])]
    for folder in folders if folders is not None else LOCAL_FOLDERS.get(name, ()):
        if all((folder / f).is_file() or (folder / f.removesuffix(".gz")).is_file() for f in files):
            return Path(folder)
    return None


def use_local_copy(name: str, root: Path) -> bool:
    """Whether `name` is ready in `root` for torchvision, unpacking a copy found on the machine if needed."""
    if not is_downloaded(name, root):
        local = find_local_copy(name)
        if local is not None:
            unpack_local_copy(name, local, root)
    return is_downloaded(name, root)


def unpack_local_copy(
    name: str, source: Path, root: Path = DEFAULT_ROOT, resources: Sequence[tuple[str, str]] | None = None
) -> Path:
    """Unpack (or copy) a local copy's idx files into root/name/raw for torchvision; returns that folder.

    Raises:
        DownloadError: a file is not a valid .gz file.
    """
    files = [filename for filename, _ in (resources if resources is not None else _sources(name)[1])]
    folder = raw_folder(root, name)
    folder.mkdir(parents=True, exist_ok=True)
    with _folder_lock(folder):
        for filename in files:
            target = folder / filename.removesuffix(".gz")
            if target.exists():
                continue
            packed = source / filename
            if packed.is_file():
                _unpack(packed, target)
            else:
                _replace_with_copy(source / target.name, target)
    return folder


def _unpack(packed: Path, target: Path) -> None:
    """Gunzip `packed` to `target` through a private temporary name, so `target` appears whole or not at all."""
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with gzip.open(packed, "rb") as source, open(partial, "wb") as out:
            shutil.copyfileobj(source, out)
        os.replace(partial, target)
    except (OSError, EOFError) as error:
        raise DownloadError(f"{packed.name} is not a valid .gz file; try again or get a fresh copy.") from error
    finally:
        partial.unlink(missing_ok=True)


def _replace_with_copy(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
