"""Going-modular projects: each zip runs on its own in a subprocess and prints the page's numbers."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest
import torch

from core.cnn import TinyVGGConfig
from core.codegen_project import project_zip, transfer_project, vision_project
from core.data.images import digits, shapes
from core.few_shot import few_shot, source_splits
from core.transfer import TransferConfig, build_transfer
from core.vision import VisionConfig, VisionTrain, build_vision
from tests.helpers import assert_script_matches_engine

FILES = {"data_setup.py", "model_builder.py", "engine.py", "utils.py", "train.py", "README.md"}


def _run_project(files: dict[str, str], tmp_path, folder: str, *args: str) -> str:
    with zipfile.ZipFile(io.BytesIO(project_zip(files, folder))) as archive:
        assert {name.split("/", 1)[1] for name in archive.namelist()} == FILES
        assert all(name.startswith(folder + "/") for name in archive.namelist())
        archive.extractall(tmp_path)
    done = subprocess.run(
        [sys.executable, "train.py", "--epochs", "2", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path / folder,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize("dataset", ["digits", "shapes"])
def test_the_vision_project_prints_the_pages_losses_and_saves_the_model(tmp_path, dataset):
    config = VisionConfig(dataset=dataset, model=TinyVGGConfig(hidden=6), train=VisionTrain(batch_size=64))
    out = _run_project(vision_project(config, epochs=2), tmp_path, "tinyvgg_project")
    data = digits() if dataset == "digits" else shapes(seed=config.seed)
    assert_script_matches_engine(out, build_vision(config, data).trainer, 2)
    saved = torch.load(tmp_path / "tinyvgg_project" / "models" / "tinyvgg.pt", weights_only=True)
    assert "classifier.1.weight" in saved


@pytest.mark.parametrize(
    "config",
    [TransferConfig(size=64, train=VisionTrain(batch_size=8)), TransferConfig(size=64, trainable=("stage7",))],
    ids=["head", "fine-tune"],
)
def test_the_transfer_project_prints_the_pages_losses(tmp_path, config):
    classes = ("1", "7", "9")
    out = _run_project(transfer_project(config, "digits", classes, 5, epochs=2), tmp_path, "transfer_project")
    experiment = build_transfer(config, *few_shot(*source_splits("digits", seed=config.seed), classes, 5, seed=42))
    torch.manual_seed(config.seed)
    assert_script_matches_engine(out, experiment.trainer, 2)
    assert (tmp_path / "transfer_project" / "models" / "efficientnet_lite0.pt").is_file()


@pytest.mark.parametrize(
    "name", ["tf-default-spiral-l2-momentum", "blobs-crossentropy-adam-l1", "multi-gauss-regression-adam-l2-features"]
)
def test_the_classification_project_prints_the_pages_losses(tmp_path, name):
    from core.classification import build_experiment
    from core.codegen_project import classification_project
    from tests.core.test_codegen import CONFIGS

    config = CONFIGS[name]
    out = _run_project(classification_project(config, epochs=2), tmp_path, "classification_project")
    assert_script_matches_engine(out, build_experiment(config).trainer, 2)


@pytest.mark.parametrize("index", [0, 1, 2], ids=["course", "linear-mse-momentum-noise", "mlp-step-adam"])
def test_the_workflow_project_prints_the_pages_losses(tmp_path, index):
    from core.codegen_project import regression_project
    from core.regression import build_regression
    from tests.core.test_regression import LINE, test_the_script_reproduces_the_engine

    config = test_the_script_reproduces_the_engine.pytestmark[0].args[1][index]
    out = _run_project(regression_project(config, epochs=3), tmp_path, "workflow_project")
    printed = [LINE.match(line).groups() for line in out.splitlines() if LINE.match(line)]
    trainer = build_regression(config).trainer
    assert len(printed) == 2  # _run_project trains 2 epochs
    for epoch, train_loss, test_loss in printed:
        record = trainer.run_epoch()
        assert int(epoch) == record.epoch
        assert float(train_loss) == pytest.approx(record.train_loss, abs=1e-5)
        assert float(test_loss) == pytest.approx(record.test_loss, abs=1e-5)


@pytest.mark.parametrize("dataset", ["digits", "FashionMNIST"])
def test_the_augmentation_project_prints_both_runs_losses(tmp_path, dataset):
    from core.augment import TRAINING_DEFAULT, BatchAugmenter
    from core.augment_experiment import TEST_IMAGES, _subset
    from core.codegen_project import augmentation_project
    from core.data import download as downloads
    from core.data.images import split_images, torchvision_set

    seed, count = 7, 100
    if dataset == "FashionMNIST":
        if not downloads.use_local_copy("FashionMNIST", downloads.DEFAULT_ROOT):
            pytest.skip("FashionMNIST is not on this machine (CI installs dataset-fashion-mnist)")
        full = (
            torchvision_set(dataset, downloads.DEFAULT_ROOT),
            torchvision_set(dataset, downloads.DEFAULT_ROOT, train=False),
        )
    else:
        full = split_images(digits(), 0.5, seed=seed)
    train, test = _subset(full[0], count, seed), _subset(full[1], TEST_IMAGES, seed)
    files = augmentation_project(TRAINING_DEFAULT, dataset, count, seed, epochs=2)
    data = ["--data", str(downloads.DEFAULT_ROOT)]
    config = VisionConfig(dataset, TinyVGGConfig(), VisionTrain(), seed)
    augmented = _run_project(files, tmp_path / "a", "augmentation_project", *data)
    augment = BatchAugmenter(TRAINING_DEFAULT, tuple(train.images.shape[1:]), seed)
    assert_script_matches_engine(augmented, build_vision(config, train, "cpu", test, augment=augment).trainer, 2)
    plain = _run_project(files, tmp_path / "p", "augmentation_project", *data, "--no-augment")
    assert_script_matches_engine(plain, build_vision(config, train, "cpu", test).trainer, 2)
