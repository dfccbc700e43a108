"""Transfer learning: the real pretrained network, its parts and freezing, cached fronts, few-shot data, the script."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
import torch

from core import transfer
from core.codegen_transfer import transfer_script
from core.data import download as downloads
from core.data.images import ImageDataset
from core.data.photos import load_photo
from core.few_shot import FewShotError, few_shot, pick_per_class, source_splits
from core.transfer import (
    FREEZABLE,
    PretrainedMissing,
    TransferConfig,
    build_transfer,
    efficientnet_lite0,
    imagenet_classes,
    part_rows,
    photo_input,
    set_trainable,
    split_at_first_trainable,
    top_k,
)
from core.vision import VisionTrain
from tests.helpers import assert_script_matches_engine

BACKBONE_PARAMETERS = 4_652_008 - 1_281_000  # the wheel's network without its ImageNet classifier


@pytest.fixture(scope="module")
def imagenet_model():
    return efficientnet_lite0(None, size=transfer.TRAINED_SIZE).eval()


@pytest.fixture(scope="module")
def digits_splits():
    return source_splits("digits", seed=42)


def test_the_regrouped_parts_compute_exactly_what_the_package_computes(imagenet_model):
    from efficientnet_lite_pytorch import EfficientNet

    net = EfficientNet.from_name("efficientnet-lite0", num_classes=1000, image_size=224)
    net.load_state_dict(transfer._imagenet_weights())
    image = photo_input(load_photo("chelsea"))
    with torch.inference_mode():
        ours = imagenet_model(image[None])
        theirs = net.eval()((image[None] - transfer.PIXEL_MEAN) / transfer.PIXEL_STD)
    assert torch.equal(ours, theirs)
    assert [name for name, _ in imagenet_model.named_children()] == ["prepare", *FREEZABLE, "pool", "classifier"]


def test_it_is_really_pretrained_on_imagenet(imagenet_model):
    classes = imagenet_classes()
    assert len(classes) == 1000
    for photo, expected in transfer.IMAGENET_SAMPLE_TOP1.items():
        assert top_k(imagenet_model, photo_input(load_photo(photo)), classes, 5)[0][0] == expected
    rocket = [name for name, _ in top_k(imagenet_model, photo_input(load_photo("rocket")), classes, 5)]
    assert "missile" in rocket
    top = top_k(imagenet_model, photo_input(load_photo("chelsea")), classes, 5)
    assert len(top) == 5 and all(a[1] >= b[1] for a, b in zip(top, top[1:], strict=False))


def test_photo_input_crops_the_centre_square_and_keeps_0_1():
    wide = torch.zeros(300, 600, 3, dtype=torch.uint8).numpy()
    wide[:, 250:350] = 255  # a white band in the centre
    x = photo_input(wide, 64)
    assert x.shape == (3, 64, 64) and float(x.min()) >= 0 and float(x.max()) <= 1
    assert float(x[:, :, 32].mean()) == 1.0 and float(x[:, :, 0].mean()) == 0.0  # cropped to the centre


def test_grey_images_of_any_size_go_in_and_the_size_must_suit_the_padding():
    model = efficientnet_lite0(3, size=64)
    with torch.inference_mode():
        assert model.eval()(torch.rand(2, 1, 28, 28)).shape == (2, 3)
        assert model(torch.rand(2, 3, 100, 50)).shape == (2, 3)
    with pytest.raises(ValueError, match="multiple of 32"):
        efficientnet_lite0(3, size=100)


def test_freeze_counts_follow_each_part():
    model = efficientnet_lite0(5, size=96)
    set_trainable(model, ())
    rows = {row.name: row for row in part_rows(model)}
    assert sum(row.parameters for row in rows.values()) == BACKBONE_PARAMETERS + 1280 * 5 + 5
    assert rows["stem"].parameters == 32 * 3 * 3 * 3 + 2 * 32  # conv without bias, BatchNorm's weight and bias
    assert rows["head"].parameters == 320 * 1280 + 2 * 1280
    assert rows["classifier"].trainable and not any(rows[name].trainable for name in FREEZABLE)
    assert (
        rows["pool"].output == (1280,) and rows["stage7"].output == (320, 3, 3) and rows["stem"].output == (32, 48, 48)
    )
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) == 1280 * 5 + 5
    set_trainable(model, ("stage7", "head"))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert trainable == rows["stage7"].parameters + rows["head"].parameters + 1280 * 5 + 5
    front, tail = split_at_first_trainable(model)
    assert [name for name, _ in front.named_children()][-1] == "stage6"
    assert [name for name, _ in tail.named_children()] == ["stage7", "head", "pool", "classifier"]


def test_few_shot_picks_the_classes_relabels_them_and_more_examples_only_add(digits_splits):
    train, test = digits_splits
    small, _ = few_shot(train, test, ("3", "7"), 2, seed=1)
    big, big_test = few_shot(train, test, ("3", "7"), 5, seed=1)
    assert small.classes == ("3", "7") and Counter(big.labels.tolist()) == {0: 5, 1: 5}
    assert Counter(big_test.labels.tolist()) == {0: 30, 1: 30}
    for label in (0, 1):  # the 2 per class are the first of the 5
        assert torch.equal(big.images[big.labels == label][:2], small.images[small.labels == label])
    assert big_test.labels[:6].unique().numel() == 2  # mixed, not one class after the other
    with pytest.raises(FewShotError, match="at least two"):
        pick_per_class(train, ("3",), 5, 0)
    with pytest.raises(FewShotError, match="No class named"):
        pick_per_class(train, ("3", "cat"), 5, 0)
    empty = ImageDataset(train.images[:3], torch.zeros(3, dtype=torch.long), train.classes)
    with pytest.raises(FewShotError, match="no images"):
        pick_per_class(empty, ("0", "1"), 5, 0)


def test_a_frozen_backbone_runs_once_and_the_head_learns_in_milliseconds(digits_splits):
    train, test = few_shot(*digits_splits, ("0", "1", "2", "3", "4"), 10, seed=42)
    calls = []

    def counted(front, which, data):
        calls.append(which)
        return transfer.frozen_outputs(front, data.images)

    experiment = build_transfer(TransferConfig(size=64), train, test, front_outputs=counted)
    assert calls == ["train", "test"] and experiment.cached == "pool"
    assert experiment.trainer.X_train.shape == (50, 1280)
    frozen_before = experiment.model.stem[0].weight.clone()
    stats_before = experiment.model.head[1].running_mean.clone()
    records = [experiment.trainer.run_epoch() for _ in range(30)]
    assert records[-1].test_acc > 0.85  # 10 digits of each class suffice with ImageNet's features
    assert torch.equal(experiment.model.stem[0].weight, frozen_before)
    assert torch.equal(experiment.model.head[1].running_mean, stats_before)


def test_training_upper_stages_keeps_frozen_batchnorm_in_eval_and_caches_below(digits_splits):
    train, test = few_shot(*digits_splits, ("0", "1"), 4, seed=0, test_per_class=4)
    config = TransferConfig(size=64, trainable=("stage7",), train=VisionTrain(batch_size=4))
    experiment = build_transfer(config, train, test)
    assert experiment.cached == "stage6" and experiment.trainer.X_train.shape == (8, 192, 2, 2)
    head_stats = experiment.model.head[1].running_mean.clone()
    stage7_stats = experiment.model.stage7.blocks[0]._bn0.running_mean.clone()
    weights = experiment.model.stage7.blocks[0]._project_conv.weight.clone()
    experiment.trainer.run_epoch()
    assert torch.equal(experiment.model.head[1].running_mean, head_stats)  # frozen: ImageNet's statistics
    assert not torch.equal(experiment.model.stage7.blocks[0]._bn0.running_mean, stage7_stats)
    assert not torch.equal(experiment.model.stage7.blocks[0]._project_conv.weight, weights)


def test_a_scratch_network_trains_every_part_on_the_images(digits_splits):
    train, test = few_shot(*digits_splits, ("0", "1"), 2, seed=0, test_per_class=2)
    experiment = build_transfer(TransferConfig(pretrained=False, size=64), train, test)
    assert experiment.cached == "" and experiment.trainer.model is experiment.model
    assert all(p.requires_grad for p in experiment.model.parameters())
    pretrained = efficientnet_lite0(2, size=64)
    assert not torch.equal(experiment.model.stem[0].weight, pretrained.stem[0].weight)
    again = build_transfer(TransferConfig(pretrained=False, size=64), train, test)
    assert torch.equal(again.model.stem[0].weight, experiment.model.stem[0].weight)  # seeded


def test_missing_packages_say_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "efficientnet_lite_pytorch", None)
    with pytest.raises(PretrainedMissing, match="pip install efficientnet-lite-pytorch"):
        efficientnet_lite0(3)


def _script_matches(tmp_path, config, source, classes, per_class, splits, data_root=None):
    script = tmp_path / "transfer.py"
    script.write_text(transfer_script(config, source, classes, per_class, epochs=2))
    args = [sys.executable, str(script)] + (["--data", str(data_root)] if data_root else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    train, test = few_shot(*splits, classes, per_class, seed=config.seed)
    experiment = build_transfer(config, train, test)
    torch.manual_seed(config.seed)  # dropout's masks, as the script seeds them
    assert_script_matches_engine(done.stdout, experiment.trainer, 2)
    return done.stdout


@pytest.mark.parametrize(
    "config",
    [
        TransferConfig(size=64, train=VisionTrain(batch_size=8)),
        TransferConfig(size=64, trainable=("stage7", "head"), train=VisionTrain("SGD", 0.01, 0.9, 8)),
        TransferConfig(pretrained=False, size=64, train=VisionTrain(batch_size=8)),
    ],
    ids=["head", "fine-tune", "scratch"],
)
def test_the_script_prints_the_page_numbers(tmp_path, config):
    splits = source_splits("digits", seed=config.seed)
    out = _script_matches(tmp_path, config, "digits", ("1", "7", "9"), 5, splits)
    assert "15 training and 90 test images of 3 classes" in out


def test_the_fashion_mnist_script_prints_the_page_numbers(tmp_path):
    if not downloads.use_local_copy("FashionMNIST", downloads.DEFAULT_ROOT):
        pytest.skip("FashionMNIST is not on this machine (CI installs dataset-fashion-mnist)")
    config = TransferConfig(size=64)
    splits = source_splits("FashionMNIST")
    out = _script_matches(tmp_path, config, "FashionMNIST", ("Trouser", "Bag"), 5, splits, downloads.DEFAULT_ROOT)
    assert "cached: each image is now [1280] numbers" in out


def test_the_custom_data_script_reads_the_downloaded_tensors_and_prints_the_page_numbers(tmp_path):
    digits_train, digits_test = source_splits("digits", seed=0)

    def as_uint8_rgb(data, count):
        rows = torch.cat([torch.nonzero(data.labels == c).flatten()[:count] for c in (0, 1)])
        big = torch.nn.functional.interpolate(data.images[rows], size=(64, 64), mode="bilinear")
        return (big.expand(-1, 3, -1, -1) * 255).round().to(torch.uint8), data.labels[rows]

    train_images, train_labels = as_uint8_rgb(digits_train, 6)
    test_images, test_labels = as_uint8_rgb(digits_test, 4)
    torch.save(
        {
            "train_images": train_images,
            "train_labels": train_labels,
            "test_images": test_images,
            "test_labels": test_labels,
            "classes": ["zero", "one"],
        },
        tmp_path / "custom_dataset.pt",
    )
    config = VisionTrain(batch_size=4)
    transfer_config = TransferConfig(size=64, train=config)
    script = tmp_path / "transfer.py"
    script.write_text(transfer_script(transfer_config, "custom", ("zero", "one"), 5, epochs=2))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "10 training and 8 test images of 2 classes" in done.stdout
    train = ImageDataset(train_images.float() / 255.0, train_labels, ("zero", "one"))
    test = ImageDataset(test_images.float() / 255.0, test_labels, ("zero", "one"))
    experiment = build_transfer(transfer_config, *few_shot(train, test, ("zero", "one"), 5, seed=42))
    torch.manual_seed(42)
    assert_script_matches_engine(done.stdout, experiment.trainer, 2)
