"""Image data, TinyVGG, the shape tracer, feature maps, the conv explainer and the CNN script."""

import gzip
import hashlib
import http.server
import os
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch

from core.cnn import (
    ShapeProblem,
    TinyVGG,
    TinyVGGConfig,
    build_tiny_vgg,
    class_probabilities,
    conv_output_size,
    explain_conv_pixel,
    feature_maps,
    trace,
)
from core.codegen_cnn import cnn_script
from core.data import download as downloads
from core.data.images import SHAPES, ImageDataset, digits, draw_shape, shapes, split_images, torchvision_set
from core.vision import VisionConfig, VisionTrain, build_vision
from tests.helpers import assert_script_matches_engine


def test_digits_are_28x28_in_0_1_with_ten_classes():
    data = digits()
    assert data.images.shape == (1797, 1, 28, 28) and data.images.dtype == torch.float32
    assert data.images.min() >= 0 and data.images.max() <= 1
    assert data.classes == tuple("0123456789") and set(data.labels.tolist()) == set(range(10))


def test_shapes_repeat_for_a_seed_and_every_class_appears():
    first, second = shapes(per_class=20, seed=3), shapes(per_class=20, seed=3)
    assert torch.equal(first.images, second.images) and torch.equal(first.labels, second.labels)
    assert first.images.shape == (120, 1, 28, 28) and first.classes == SHAPES
    assert torch.bincount(first.labels).tolist() == [20] * len(SHAPES)
    assert not torch.equal(first.images, shapes(per_class=20, seed=4).images)
    rng = np.random.default_rng(0)
    for kind in SHAPES:
        assert draw_shape(kind, rng, noise=0).max() > 0.5  # something was drawn
    with pytest.raises(ValueError):
        draw_shape("hexagon", rng)


def test_split_is_80_20_and_disjoint():
    train, test = split_images(digits(), 0.8, seed=1)
    assert len(train.labels) == 1437 and len(test.labels) == 360


@pytest.mark.parametrize("hidden", [1, 10, 64])
@pytest.mark.parametrize("blocks", [1, 2, 3])
@pytest.mark.parametrize("kernel,stride,padding", [(3, 1, 1), (5, 1, 2), (3, 2, 1), (1, 1, 0)])
def test_model_shapes_across_the_controls(hidden, blocks, kernel, stride, padding):
    config = TinyVGGConfig(hidden, blocks, kernel, stride, padding)
    try:
        rows = trace(config, 1, 28, 10)
    except ShapeProblem:
        return  # explained in words instead (tested below)
    model = build_tiny_vgg(config, 1, 10, seed=0)
    assert model(torch.rand(3, 1, 28, 28)).shape == (3, 10)
    assert sum(r.parameters for r in rows) == sum(p.numel() for p in model.parameters())
    maps = feature_maps(model, torch.rand(1, 28, 28))
    conv_rows = [r for r in rows if "conv" in r.name or "relu" in r.name or "pool" in r.name]
    assert [tuple(m.shape) for _, m in maps] == [r.output for r in conv_rows]


@pytest.mark.parametrize(
    "config,words",
    [
        (TinyVGGConfig(blocks=4, kernel=5, padding=0), "does not fit"),
        (TinyVGGConfig(blocks=3, stride=2), "too small for the 2 × 2 max-pool"),
        (TinyVGGConfig(kernel=3, padding=3), "cover nothing but the added zeros"),
        (TinyVGGConfig(hidden=0), "1-64 hidden units"),
    ],
)
def test_the_tracer_explains_impossible_settings(config, words):
    with pytest.raises(ShapeProblem, match=words):
        trace(config)
    with pytest.raises(ShapeProblem):
        TinyVGG(config, 1, 10)


def test_initialisation_equals_torch_manual_seed():
    model = build_tiny_vgg(TinyVGGConfig(), 1, 10, seed=42)
    torch.manual_seed(42)
    reference = TinyVGG(TinyVGGConfig(), 1, 10)
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), reference.parameters(), strict=True))


def test_conv_output_size_formula():
    assert (
        conv_output_size(28, 3, 1, 1) == 28 and conv_output_size(7, 3, 2, 0) == 3 and conv_output_size(2, 5, 1, 0) < 1
    )


def test_one_conv_pixel_by_hand_equals_the_layer():
    model = build_tiny_vgg(TinyVGGConfig(blocks=1, kernel=5, padding=2, stride=2), 1, 10, seed=0)
    image = torch.rand(1, 28, 28)
    for row, col in [(0, 0), (5, 9), (13, 13)]:  # the first conv is 14 x 14
        pixel = explain_conv_pixel(model.blocks[0][0], image, 3, row, col)
        assert pixel.patch.shape == (1, 5, 5)
        assert pixel.value == pytest.approx(pixel.check, abs=1e-5)


def test_probabilities_sum_to_one():
    probabilities = class_probabilities(build_tiny_vgg(TinyVGGConfig(), 1, 6, seed=0), torch.rand(1, 28, 28))
    assert probabilities.shape == (6,) and float(probabilities.sum()) == pytest.approx(1.0)


def test_training_on_digits_learns_and_reports_running_metrics():
    experiment = build_vision(VisionConfig(), digits())
    first = experiment.trainer.run_epoch()
    second = experiment.trainer.run_epoch()
    assert second.train_loss < first.train_loss and second.test_acc > 0.8
    assert experiment.trainer.samples_seen == 2 * 1437
    assert experiment.trainer.model.channels_last


def test_training_in_slices_carries_the_epoch_over():
    experiment = build_vision(VisionConfig(train=VisionTrain(batch_size=128)), digits())
    trainer = experiment.trainer
    assert trainer.train_for(0.0) == [] and 0 < trainer.epoch_progress < 1
    records = trainer.train_for(60.0, max_epochs=1)
    assert len(records) == 1 and records[0].epoch == 1 and trainer.epoch_progress == 0


@pytest.mark.parametrize("dataset", ["digits", "shapes"])
def test_the_script_reproduces_the_engine(tmp_path, dataset):
    config = VisionConfig(dataset=dataset, model=TinyVGGConfig(hidden=6), train=VisionTrain(batch_size=64))
    script = tmp_path / "tinyvgg.py"
    script.write_text(cnn_script(config, epochs=2))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[B, C, H, W] = [64, 1, 28, 28]" in done.stdout
    data = digits() if dataset == "digits" else shapes(seed=config.seed)
    trainer = build_vision(config, data).trainer
    assert_script_matches_engine(done.stdout, trainer, 2)


def _idx_images(images: np.ndarray) -> bytes:
    return b"\x00\x00\x08\x03" + np.array(images.shape, dtype=">i4").tobytes() + images.astype(np.uint8).tobytes()


def _idx_labels(labels: np.ndarray) -> bytes:
    return b"\x00\x00\x08\x01" + np.array(labels.shape, dtype=">i4").tobytes() + labels.astype(np.uint8).tobytes()


@pytest.fixture
def tiny_mnist_server(tmp_path):
    """Serve tiny MNIST-format .gz files on loopback, as a mirror would."""
    served = tmp_path / "mirror"
    served.mkdir()
    rng = np.random.default_rng(0)
    files = {
        "train-images-idx3-ubyte.gz": _idx_images(rng.integers(0, 255, (12, 28, 28))),
        "train-labels-idx1-ubyte.gz": _idx_labels(np.arange(12) % 10),
        "t10k-images-idx3-ubyte.gz": _idx_images(rng.integers(0, 255, (4, 28, 28))),
        "t10k-labels-idx1-ubyte.gz": _idx_labels(np.arange(4)),
    }
    resources = []
    for name, raw in files.items():
        packed = gzip.compress(raw)
        (served / name).write_bytes(packed)
        resources.append((name, hashlib.md5(packed).hexdigest()))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(served), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", resources
    server.shutdown()


def test_download_with_progress_checksums_and_torchvision_loading(tmp_path, tiny_mnist_server):
    mirror, resources = tiny_mnist_server
    root = tmp_path / "data"
    seen = []
    assert not downloads.is_downloaded("MNIST", root, resources)
    folder = downloads.download(
        "MNIST",
        root,
        lambda fraction, message: seen.append(fraction),
        mirrors=["http://127.0.0.1:9/", mirror],
        resources=resources,
    )
    assert downloads.is_downloaded("MNIST", root, resources) and folder == root / "MNIST" / "raw"
    assert seen[-1] == 1.0 and seen == sorted(seen)
    train = torchvision_set("MNIST", root, train=True)
    assert train.images.shape == (12, 1, 28, 28) and train.labels.tolist()[:3] == [0, 1, 2]
    assert len(torchvision_set("MNIST", root, train=False).labels) == 4


def test_a_damaged_download_is_refused(tmp_path, tiny_mnist_server):
    mirror, resources = tiny_mnist_server
    wrong = [(name, "0" * 32) for name, _ in resources]
    with pytest.raises(downloads.DownloadError, match="checksum"):
        downloads.download("MNIST", tmp_path, mirrors=[mirror], resources=wrong)


def test_offline_download_fails_with_a_clear_message(tmp_path):
    with pytest.raises(downloads.DownloadError, match="may be offline: the digits and shapes data sets work"):
        downloads.download("FashionMNIST", tmp_path, mirrors=["http://127.0.0.1:9/"], timeout_s=2)


def test_two_learners_downloading_at_once_do_not_clash(tmp_path, tiny_mnist_server):
    import threading

    mirror, resources = tiny_mnist_server
    root, errors = tmp_path / "data", []

    def fetch() -> None:
        try:
            downloads.download("MNIST", root, mirrors=[mirror], resources=resources)
        except Exception as error:  # noqa: BLE001 - any failure fails the test below
            errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and downloads.is_downloaded("MNIST", root, resources)
    assert sorted(p.name for p in (root / "MNIST" / "raw").iterdir()) == sorted(
        name.removesuffix(".gz") for name, _ in resources
    )  # no partial or temporary files left behind
    assert len(torchvision_set("MNIST", root, train=True).labels) == 12


def test_a_local_copy_is_found_unpacked_and_read_by_torchvision(tmp_path, tiny_mnist_server):
    _, resources = tiny_mnist_server
    served = tmp_path / "mirror"  # the fixture's files: re-compressed gzips, as Debian's package ships them
    assert downloads.find_local_copy("FashionMNIST", [tmp_path / "nowhere", served], resources) == served
    assert downloads.find_local_copy("FashionMNIST", [tmp_path / "nowhere"], resources) is None
    root = tmp_path / "data"
    folder = downloads.unpack_local_copy("FashionMNIST", served, root, resources)
    assert downloads.is_downloaded("FashionMNIST", root, resources) and folder == root / "FashionMNIST" / "raw"
    train = torchvision_set("FashionMNIST", root, train=True)
    assert train.images.shape == (12, 1, 28, 28) and train.classes[0] == "T-shirt/top"


def test_a_damaged_local_copy_is_refused_and_leaves_nothing_behind(tmp_path):
    source = tmp_path / "copy"
    source.mkdir()
    resources = [("train-images-idx3-ubyte.gz", "")]
    (source / "train-images-idx3-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(downloads.DownloadError, match="not a valid .gz file"):
        downloads.unpack_local_copy("FashionMNIST", source, tmp_path / "data", resources)
    assert list((tmp_path / "data" / "FashionMNIST" / "raw").iterdir()) == []


@pytest.mark.skipif(
    not os.environ.get("CI") and downloads.find_local_copy("FashionMNIST") is None,
    reason="Debian's dataset-fashion-mnist is not installed (CI installs it)",
)
def test_the_real_fashion_mnist_from_debians_package(tmp_path):
    source = downloads.find_local_copy("FashionMNIST")
    assert source is not None, "CI must install Debian's dataset-fashion-mnist"
    downloads.unpack_local_copy("FashionMNIST", source, tmp_path)
    train, test = (torchvision_set("FashionMNIST", tmp_path, train=flag) for flag in (True, False))
    assert train.images.shape == (60_000, 1, 28, 28) and len(test.labels) == 10_000
    assert train.classes == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    )  # fmt: skip
    assert torch.bincount(train.labels).tolist() == [6_000] * 10


def test_the_script_reproduces_the_engine_on_a_custom_data_set(tmp_path):
    from core.data.imagefolder import example_zip, read_image_zip, tensors_file

    folder = read_image_zip(example_zip(per_class=20))
    (tmp_path / "custom_dataset.pt").write_bytes(tensors_file(folder))
    config = VisionConfig(dataset="custom", model=TinyVGGConfig(hidden=6), train=VisionTrain(batch_size=16))
    (tmp_path / "tinyvgg.py").write_text(cnn_script(config, epochs=2))
    done = subprocess.run([sys.executable, "tinyvgg.py"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[B, C, H, W] = [16, 3, 64, 64]" in done.stdout
    as_float = lambda d: ImageDataset(d.images.float() / 255.0, d.labels, d.classes)  # noqa: E731
    trainer = build_vision(config, as_float(folder.train), test=as_float(folder.test)).trainer
    assert_script_matches_engine(done.stdout, trainer, 2)
