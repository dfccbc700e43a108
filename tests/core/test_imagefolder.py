"""Custom data sets from zips the tests write: layouts, every kind of image, and every bad archive."""

import io
import stat
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.transforms import v2

from core.data.imagefolder import (
    MAX_ENTRIES,
    MAX_ZIP_BYTES,
    DatasetError,
    ImageFolderCustom,
    example_zip,
    read_image_zip,
)


def _png(colour=(200, 30, 30), size=(20, 12), mode="RGB", fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def _zip(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_class_folders_under_a_top_folder_are_split_80_20_per_class():
    files = {f"food/pizza/{i}.png": _png((200, 30, 30)) for i in range(10)}
    files |= {f"food/steak/{i}.jpg": _png((90, 50, 20), fmt="JPEG") for i in range(5)}
    data = read_image_zip(_zip(files))
    assert data.classes == ("pizza", "steak") and not data.split_given
    assert data.counts() == {"pizza": (8, 2), "steak": (4, 1)}
    assert data.train.images.shape == (12, 3, 64, 64) and data.train.images.dtype == torch.uint8
    assert data.skipped.summary() == ""


def test_train_and_test_folders_are_kept_and_odd_class_names_survive():
    odd = "crème brûlée *bold* <b>"
    files = {f"train/{odd}/{i}.png": _png() for i in range(3)} | {f"test/{odd}/0.png": _png()}
    files |= {f"train/sushi/{i}.png": _png((250, 250, 250)) for i in range(3)} | {"test/sushi/0.png": _png()}
    data = read_image_zip(_zip(files))
    assert data.split_given and data.classes == (odd, "sushi") and data.counts()[odd] == (3, 1)


def test_every_image_mode_and_size_becomes_64_by_64_rgb():
    buffer = io.BytesIO()
    Image.frombytes("I;16", (30, 20), (np.arange(600, dtype="<u2") * 90).tobytes()).save(buffer, format="PNG")
    files = {
        "a/rgba.png": _png((0, 0, 0, 0), mode="RGBA"),
        "a/palette.gif": _png(3, mode="P", fmt="GIF"),
        "a/grey.bmp": _png(100, mode="L", fmt="BMP"),
        "a/one.png": _png(1, (1, 1), mode="1"),
        "b/cmyk.jpg": _png((0, 255, 0, 0), mode="CMYK", fmt="JPEG"),
        "b/sixteen.png": buffer.getvalue(),
        "b/wide.webp": _png((10, 200, 10), (3000, 40), fmt="WEBP"),
    }
    data = read_image_zip(_zip(files))
    assert len(data.train.labels) + len(data.test.labels) == 7
    assert data.train.images.shape[1:] == (3, 64, 64)


def test_junk_nested_zips_non_images_and_damaged_images_are_skipped_and_counted():
    files = {f"cats/{i}.png": _png() for i in range(3)} | {f"dogs/{i}.png": _png((0, 0, 200)) for i in range(3)}
    files |= {
        "__MACOSX/cats/._0.png": b"junk",
        "cats/.DS_Store": b"junk",
        "cats/more.zip": _zip({"x.png": _png()}),
        "dogs/notes.txt": b"hello",
        "dogs/broken.png": _png()[:30],
        "birds/readme.md": b"no images here",
        "fish/empty.jpg": b"",
    }
    data = read_image_zip(_zip(files))
    assert data.classes == ("cats", "dogs")
    summary = data.skipped.summary()
    assert "2 junk file(s)" in summary and "1 zip(s) inside the zip" in summary
    assert "2 file(s) that are not images" in summary and "2 damaged or unreadable image(s)" in summary
    assert "empty class folder(s): fish" in summary


def _with_entry(name: str, data: bytes = b"x", mode: int | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cats/0.png", _png())
        archive.writestr("dogs/0.png", _png())
        info = zipfile.ZipInfo(name)
        if mode is not None:
            info.external_attr = mode << 16
        archive.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (_with_entry("../../etc/evil.png", _png()), "climbs out"),
        (_with_entry("cats/../../evil.png", _png()), "climbs out"),
        (_with_entry("/tmp/evil.png", _png()), "absolute path"),
        (_with_entry("C:/evil.png", _png()), "absolute path"),
        (_with_entry("cats/link.png", b"/etc/passwd", stat.S_IFLNK | 0o777), "symbolic link"),
        (_zip({"cats/0.png": _png(), "dogs/bomb.png": b"\0" * 30_000_000}), "expands"),
        (_zip({f"cats/{i}.png": b"" for i in range(MAX_ENTRIES + 1)}), "entries"),
        (b"PK\x03\x04 not really a zip", "not a zip file"),
        (b"hello, this is text", "not a zip file"),
        (b"", "empty"),
        (b"0" * (MAX_ZIP_BYTES + 1), "up to 10 MB"),
        (_zip({f"cats/{i}.png": _png() for i in range(4)}), r"at least 2 classes with images; this zip has 1 \(cats\)"),
        (_zip({"cats/a.txt": b"x", "dogs/b.txt": b"y"}), "at least 2 classes with images; this zip has 0"),
    ],
    ids=[
        "dot-dot", "dot-dot-inside", "absolute", "drive", "symlink", "bomb", "too-many", "fake-zip", "text", "empty",
        "too-big", "one-class", "no-images",
    ],
)  # fmt: skip
def test_bad_archives_get_one_clear_line(archive, message):
    with pytest.raises(DatasetError, match=message):
        read_image_zip(archive)


def test_the_custom_dataset_class_and_a_dataloader_batch():
    data = read_image_zip(example_zip())
    dataset = ImageFolderCustom(data.train, transform=v2.RandomHorizontalFlip(p=1.0))
    assert len(dataset) == len(data.train.labels) == 96
    image, label = dataset[0]
    assert image.dtype == torch.float32 and image.shape == (3, 64, 64) and 0 <= image.min() <= image.max() <= 1
    assert torch.equal(image, data.train.images[0].flip(-1).float() / 255) and label == int(data.train.labels[0])
    batch, labels = next(iter(torch.utils.data.DataLoader(dataset, batch_size=32)))
    assert batch.shape == (32, 3, 64, 64) and labels.shape == (32,)
    assert dataset.class_to_idx == {"digit_0": 0, "digit_1": 1, "digit_7": 2}
