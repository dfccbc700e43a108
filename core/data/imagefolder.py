"""Custom data sets: a zip in ImageFolder layout, read in memory and safely, as the course's Dataset subclass.

Layout: class folders (`pizza/1.jpg`, `steak/2.png`, ...), optionally under `train/` and
`test/` (split 80/20 when absent), optionally under one top folder. Nothing is written
to disk. A zip that tries to leave the archive (`../`, absolute paths, symlinks) or
expands too much is refused; junk (`__MACOSX/`, `.DS_Store`), nested zips, non-images
and damaged images are skipped and counted.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import torch
from PIL import Image
from torch import Tensor
from torch.utils.data import Dataset

from core.archive_limits import over_limits
from core.data.images import ImageDataset
from core.sizes import MB
from core.uploads import UploadError, decode_image

MAX_ZIP_BYTES = 10 * MB  # the upload limit (.streamlit/config.toml), checked again here
MAX_ENTRIES = 5_000  # files and folders in the archive
MAX_EXPANDED_BYTES = 200 * MB  # all entries uncompressed
MAX_RATIO = 200  # an entry may expand at most this many times (images barely compress)
MAX_CLASSES = 100
IMAGE_SIDE = 64  # the course trains TinyVGG on 64 x 64 food photos
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff")
JUNK_NAMES = ("__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini")


class DatasetError(ValueError):
    """A zip that cannot become a data set; the message says what was wrong and what to do."""


@dataclass
class Skipped:
    """What was left out of the data set, by reason."""

    junk: int = 0  # __MACOSX, .DS_Store, hidden files
    not_images: int = 0  # files that are not images (by name)
    nested_zips: int = 0  # archives inside the archive
    unreadable: list[str] = field(default_factory=list)  # images that could not be decoded (names, capped)
    empty_classes: list[str] = field(default_factory=list)  # class folders with no usable image

    def summary(self) -> str:
        """One line, or '' when nothing was skipped."""
        parts = []
        if self.junk:
            parts.append(f"{self.junk} junk file(s) such as __MACOSX/ or .DS_Store")
        if self.not_images:
            parts.append(f"{self.not_images} file(s) that are not images")
        if self.nested_zips:
            parts.append(f"{self.nested_zips} zip(s) inside the zip (not opened)")
        if self.unreadable:
            shown = ", ".join(name[:40] for name in self.unreadable[:3])
            more = f" and {len(self.unreadable) - 3} more" if len(self.unreadable) > 3 else ""
            parts.append(f"{len(self.unreadable)} damaged or unreadable image(s) ({shown}{more})")
        if self.empty_classes:
            parts.append(f"empty class folder(s): {', '.join(c[:40] for c in self.empty_classes[:5])}")
        return ("Skipped " + "; ".join(parts) + ".") if parts else ""


@dataclass(frozen=True)
class FolderData:
    """A custom data set: train and test images (uint8 [N, 3, 64, 64]), class names, and what was skipped."""

    train: ImageDataset
    test: ImageDataset
    classes: tuple[str, ...]
    split_given: bool  # True: the zip had train/ and test/; False: split 80/20 here
    skipped: Skipped

    def as_float(self) -> tuple[ImageDataset, ImageDataset]:
        """(train, test) as float images in 0..1, as the models take them."""
        return tuple(  # type: ignore[return-value]
            ImageDataset(d.images.float() / 255.0, d.labels, d.classes) for d in (self.train, self.test)
        )

    def counts(self) -> dict[str, tuple[int, int]]:
        """Images per class: (train, test)."""
        train = torch.bincount(self.train.labels, minlength=len(self.classes)).tolist()
        test = torch.bincount(self.test.labels, minlength=len(self.classes)).tolist()
        return {name: (train[i], test[i]) for i, name in enumerate(self.classes)}


def _safe_parts(name: str) -> tuple[str, ...]:
    """An entry's path parts; DatasetError when it could leave the archive."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or "\\" in name:
        raise DatasetError(f"Refused: the zip holds an absolute path ({name[:60]!r}); no file may leave the archive.")
    parts = PurePosixPath(name).parts
    if ".." in parts:
        raise DatasetError(f"Refused: the zip holds a path that climbs out ({name[:60]!r}); no file may leave it.")
    return tuple(p for p in parts if p not in ("", "."))


def _check_archive(entries: list[zipfile.ZipInfo], size: int) -> None:
    problem = over_limits(entries, size, MAX_ENTRIES, MAX_EXPANDED_BYTES)
    if problem:
        raise DatasetError(problem)
    for entry in entries:
        if entry.file_size > MAX_RATIO * max(entry.compress_size, 1) and entry.file_size > MB:
            raise DatasetError(
                f"Refused: {entry.filename[:60]!r} expands {entry.file_size // max(entry.compress_size, 1):,} times "
                "(a zip bomb); images barely compress."
            )
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise DatasetError(f"Refused: {entry.filename[:60]!r} is a symbolic link; only real files are read.")


def _to_pixels(data: bytes) -> np.ndarray:
    """Decode safely (format allow-list, pixel limit), then 64 x 64 RGB uint8."""
    decoded = decode_image(data)
    image = decoded.rgb.resize((IMAGE_SIDE, IMAGE_SIDE), Image.BILINEAR)
    return np.asarray(image, dtype=np.uint8)


def _layout(files: list[tuple[tuple[str, ...], zipfile.ZipInfo]]) -> tuple[list, bool]:
    """Drop one common top folder; find train/ and test/. Returns [(split, class, info)] and whether split given."""
    while files and all(len(parts) > 2 for parts, _ in files) and len({parts[0] for parts, _ in files}) == 1:
        files = [(parts[1:], info) for parts, info in files]
    tops = {parts[0].lower() for parts, _ in files if len(parts) > 2}
    split_given = {"train", "test"} <= tops
    rows = []
    for parts, info in files:
        if split_given and len(parts) >= 3 and parts[0].lower() in ("train", "test"):
            rows.append((parts[0].lower(), parts[1], info))
        elif not split_given and len(parts) >= 2:
            rows.append(("all", parts[-2], info))
    return rows, split_given


def read_image_zip(data: bytes, *, seed: int = 0, limit: int = MAX_ZIP_BYTES) -> FolderData:
    """Read an ImageFolder zip into a data set, in memory.

    Raises:
        DatasetError: not a zip, too big, unsafe paths or links, a zip bomb, fewer than 2 classes with images.
    """
    if not data:
        raise DatasetError("The file is empty. Zip a folder of class folders (one folder per class) and upload it.")
    if len(data) > limit:
        raise DatasetError(f"The zip is {len(data) / MB:.1f} MB; up to {limit // MB} MB are accepted.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise DatasetError("That is not a zip file. Zip a folder of class folders and upload the .zip.") from error
    entries = archive.infolist()
    _check_archive(entries, len(data))
    skipped, files = Skipped(), []
    for entry in entries:
        parts = _safe_parts(entry.filename)
        if entry.is_dir() or not parts:
            continue
        if any(p in JUNK_NAMES or p.startswith("._") or p.startswith(".") for p in parts):
            skipped.junk += 1
        elif parts[-1].lower().endswith(".zip"):
            skipped.nested_zips += 1
        elif not parts[-1].lower().endswith(IMAGE_SUFFIXES):
            skipped.not_images += 1
        else:
            files.append((parts, entry))
    rows, split_given = _layout(files)
    names = sorted({class_name for _, class_name, _ in rows})
    pixels: dict[str, list[tuple[np.ndarray, str]]] = {"train": [], "test": [], "all": []}
    found: Counter[str] = Counter()
    for split, class_name, info in rows:
        try:
            image = _to_pixels(archive.read(info))
        except (UploadError, zipfile.BadZipFile, OSError, ValueError, EOFError):
            skipped.unreadable.append(info.filename)
            continue
        pixels[split].append((image, class_name))
        found[class_name] += 1
    skipped.empty_classes = [name for name in names if not found[name]]
    classes = tuple(name for name in names if found[name])
    if len(classes) > MAX_CLASSES:
        raise DatasetError(f"The zip has {len(classes)} classes; up to {MAX_CLASSES} are supported.")
    if len(classes) < 2:
        raise DatasetError(
            f"A classifier needs at least 2 classes with images; this zip has {len(classes)}"
            + (f" ({classes[0][:40]})" if classes else "")
            + ". Put each class's images in a folder of its own: pizza/…, steak/…"
        )
    index = {name: i for i, name in enumerate(classes)}

    def dataset(items: list[tuple[np.ndarray, str]]) -> ImageDataset:
        images = torch.from_numpy(np.stack([p for p, _ in items])).permute(0, 3, 1, 2).contiguous()
        labels = torch.tensor([index[c] for _, c in items], dtype=torch.long)
        return ImageDataset(images, labels, classes)

    if split_given:
        if not pixels["train"] or not pixels["test"]:
            raise DatasetError("The zip has train/ and test/ folders, but one of them holds no images.")
        train, test = dataset(pixels["train"]), dataset(pixels["test"])
    else:
        everything = dataset(pixels["all"])
        if len(everything.labels) < 2:
            raise DatasetError("The zip needs at least two images to split into training and test sets.")
        train, test = _stratified_split(everything, 0.8, seed)
    return FolderData(train, test, classes, split_given, skipped)


def _stratified_split(data: ImageDataset, train_fraction: float, seed: int) -> tuple[ImageDataset, ImageDataset]:
    """80/20 within every class (each class keeps at least one image in training), shuffled by a local generator."""
    generator = torch.Generator().manual_seed(seed)
    train_idx, test_idx = [], []
    for label in range(len(data.classes)):
        members = torch.nonzero(data.labels == label).flatten()
        members = members[torch.randperm(len(members), generator=generator)]
        cut = max(1, round(len(members) * train_fraction)) if len(members) > 1 else 1
        train_idx.append(members[:cut])
        test_idx.append(members[cut:])
    train, test = torch.cat(train_idx), torch.cat(test_idx)
    if len(test) == 0:  # every class has one image: keep the last image out for testing
        train, test = train[:-1], train[-1:]
    return (
        ImageDataset(data.images[train], data.labels[train], data.classes),
        ImageDataset(data.images[test], data.labels[test], data.classes),
    )


class ImageFolderCustom(Dataset):
    """The course's custom Dataset: images and labels in memory, a transform applied in __getitem__."""

    def __init__(self, data: ImageDataset, transform=None) -> None:  # noqa: ANN001 - any callable on a tensor
        self.images, self.labels = data.images, data.labels
        self.classes = list(data.classes)
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}
        self.transform = transform

    def __len__(self) -> int:
        """How many images."""
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[Tensor, int]:
        """(image as float [3, 64, 64] in 0..1, class index) with the transform applied."""
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image.float() / 255.0 if image.dtype == torch.uint8 else image, int(self.labels[index])


def tensors_file(folder: FolderData) -> bytes:
    """The data set as a weights-only .pt file (uint8 images, labels, class names) for the generated script."""
    buffer = io.BytesIO()
    torch.save(
        {
            "train_images": folder.train.images,
            "train_labels": folder.train.labels,
            "test_images": folder.test.images,
            "test_labels": folder.test.labels,
            "classes": list(folder.classes),
        },
        buffer,
    )
    return buffer.getvalue()


def example_zip(per_class: int = 40, digits_shown: tuple[int, ...] = (0, 1, 7)) -> bytes:
    """A bundled example: real handwritten digits from scikit-learn written out as class folders in a zip."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for digit in digits_shown:
            images = bunch.images[bunch.target == digit][:per_class]
            for i, small in enumerate(images):
                grey = Image.fromarray((small / 16 * 255).astype(np.uint8), "L").resize((32, 32), Image.BILINEAR)
                png = io.BytesIO()
                grey.convert("RGB").save(png, format="PNG")
                archive.writestr(f"digits/digit_{digit}/{i:03d}.png", png.getvalue())
    return buffer.getvalue()


DATASET_SOURCE = '''import torch
from torch.utils.data import DataLoader, Dataset


class ImageFolderCustom(Dataset):
    """The images and labels of one split, and a transform applied to each image."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, classes: list[str], transform=None):
        self.images, self.labels, self.classes = images, labels, classes  # uint8 [N, 3, 64, 64], [N]
        self.class_to_idx = {name: i for i, name in enumerate(classes)}
        self.transform = transform

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image.float() / 255.0, int(self.labels[index])


train_data = ImageFolderCustom(train_images, train_labels, classes)
train_loader = DataLoader(train_data, batch_size=32, shuffle=True)
images, labels = next(iter(train_loader))
print(images.shape)  # [B, C, H, W]
'''


MAX_FOLDER_BYTES = 100 * MB  # a folder read from disk (the CLI) may be bigger than an upload


def read_image_folder(path: Path, *, seed: int = 0) -> FolderData:
    """An ImageFolder directory (or a .zip of one) on disk, read through the zip path's checks.

    Symbolic links are not followed; the files are zipped in memory (stored, not compressed) and read
    by read_image_zip, so a folder gets exactly the same rules as an upload.

    Raises:
        DatasetError: a missing path, an empty or too big folder, or anything read_image_zip refuses.
    """
    if not path.exists():
        raise DatasetError(f"{str(path)[:80]!r} does not exist.")
    if path.is_file():
        if path.suffix.lower() != ".zip":
            raise DatasetError(f"{path.name[:60]!r} is a file; give a folder of class folders or a .zip of one.")
        return read_image_zip(path.read_bytes(), seed=seed, limit=MAX_FOLDER_BYTES)
    buffer, total = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(path.rglob("*")):
            if file.is_symlink() or not file.is_file():
                continue
            total += file.stat().st_size
            if total > MAX_FOLDER_BYTES:
                raise DatasetError(f"The folder holds more than {MAX_FOLDER_BYTES // MB} MB; use a smaller one.")
            archive.write(file, file.relative_to(path).as_posix())
    return read_image_zip(buffer.getvalue(), seed=seed, limit=MAX_FOLDER_BYTES + MB)
