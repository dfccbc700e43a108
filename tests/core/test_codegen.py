"""The "Show the PyTorch code" script runs on its own and reproduces the engine's numbers."""

import subprocess
import sys

import pytest

from core.classification import ClassificationConfig, DataConfig, TrainConfig, build_experiment
from core.codegen_classification import classification_script
from core.data.own_points import OwnPoints, OwnValues
from core.models import MLPConfig
from tests.helpers import SCRIPT_LINE, assert_script_matches_engine

CONFIGS = {
    "tf-default-spiral-l2-momentum": ClassificationConfig(
        data=DataConfig(dataset="spiral", noise=10),
        train=TrainConfig(regularization="L2", regularization_rate=0.001, momentum=0.5),
    ),
    "blobs-crossentropy-adam-l1": ClassificationConfig(
        data=DataConfig(dataset="blobs", n_classes=4, noise=20),
        features=("x1", "x2", "sin x1"),
        model=MLPConfig((6, 3), "relu"),
        train=TrainConfig(optimizer="Adam", learning_rate=0.01, regularization="L1", regularization_rate=0.003),
        seed=7,
    ),
    "moons-mse-full-batch-logistic": ClassificationConfig(
        data=DataConfig(dataset="moons", train_percent=70),
        features=("x1", "x2", "x1^2", "x2^2", "x1*x2"),
        model=MLPConfig((), "tanh"),
        train=TrainConfig(loss="mse", batch_size=0, learning_rate=0.3),
    ),
    "multi-spiral-mse-gelu": ClassificationConfig(
        data=DataConfig(dataset="multi_spiral", n_classes=3, version=2),
        model=MLPConfig((8, 8), "gelu"),
        train=TrainConfig(loss="mse", learning_rate=0.1, batch_size=7),
    ),
    "circles-course": ClassificationConfig(
        data=DataConfig(dataset="circles", noise=5), model=MLPConfig((8,), "leaky relu")
    ),
    "xor-sigmoid-second-start": ClassificationConfig(
        data=DataConfig(dataset="xor"), model=MLPConfig((3,), "sigmoid", start=2)
    ),
    "gauss-linear": ClassificationConfig(data=DataConfig(dataset="gauss", noise=30), model=MLPConfig((2,), "linear")),
    "circle": ClassificationConfig(),
    "own-points-three-classes": ClassificationConfig(
        data=DataConfig(
            dataset="own",
            train_percent=60,
            own=OwnPoints(
                xy=tuple((0.5 * i - 4.0, (-1) ** i * 0.3 * i) for i in range(17)),
                labels=tuple(i % 3 for i in range(17)),
                names=("a", "b", "c"),
            ),
        ),
        model=MLPConfig((4,), "tanh"),
    ),
    "plane-regression": ClassificationConfig(data=DataConfig(dataset="plane", noise=5)),
    "multi-gauss-regression-adam-l2-features": ClassificationConfig(
        data=DataConfig(dataset="multi_gauss", noise=10, version=1),
        features=("x1", "x2", "x1^2", "sin x2"),
        model=MLPConfig((6, 3), "relu", start=1),
        train=TrainConfig(optimizer="Adam", learning_rate=0.01, regularization="L2", regularization_rate=0.001),
    ),
    "own-values-regression": ClassificationConfig(
        data=DataConfig(
            dataset="own",
            problem="regression",
            train_percent=60,
            own=OwnValues(
                xy=tuple((0.5 * i - 4.0, (-1) ** i * 0.3 * i) for i in range(17)),
                values=tuple(round(0.1 * i - 0.8, 2) for i in range(17)),
            ),
        ),
        model=MLPConfig((4,), "tanh"),
        train=TrainConfig(batch_size=0),
    ),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_script_reproduces_the_engine(tmp_path, name):
    config = CONFIGS[name]
    script = tmp_path / "script.py"
    script.write_text(classification_script(config, epochs=3))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    trainer = build_experiment(config).trainer
    assert_script_matches_engine(done.stdout, trainer, 3)


def _plots(tmp_path, source: str, picture: str) -> None:
    """The script runs with --plot and saves `picture`."""
    script = tmp_path / "script.py"
    script.write_text(source)
    done = subprocess.run(
        [sys.executable, str(script), "--plot"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / picture).stat().st_size > 1000


def test_script_plots_the_decision_boundary(tmp_path):
    pytest.importorskip("matplotlib")
    _plots(tmp_path, classification_script(ClassificationConfig(), epochs=1), "decision_boundary.png")


def test_a_regression_script_plots_the_surface_and_fits_with_mse(tmp_path):
    pytest.importorskip("matplotlib")
    source = classification_script(CONFIGS["plane-regression"], epochs=1)
    assert "loss_fn = nn.MSELoss()" in source and "nn.Linear(2, 1),  # output: the predicted value" in source
    assert "acc" not in source.split("# ---- 4.")[1].split("# ---- 5.")[0]  # no accuracy in the training loop
    _plots(tmp_path, source, "surface.png")


def test_script_shows_the_five_numbered_steps_and_settings():
    source = classification_script(CONFIGS["blobs-crossentropy-adam-l1"])
    for step in (
        "# 1. forward pass",
        "# 2. loss",
        "# 3. zero gradients",
        "# 4. backpropagation",
        "# 5. gradient descent",
    ):
        assert step in source
    assert "nn.CrossEntropyLoss()" in source and "torch.optim.Adam" in source and "nn.ReLU()" in source
    assert "SEED = 7" in source
    compile(source, "script.py", "exec")


LONG_HORIZON = {
    # Momentum 0.9 amplifies any rounding difference.
    "xor-chaotic-momentum-500": (
        ClassificationConfig(
            data=DataConfig(dataset="xor", noise=35),
            model=MLPConfig((5, 5), "tanh"),
            train=TrainConfig(learning_rate=0.1, momentum=0.9, batch_size=10),
            seed=5,
        ),
        500,
    ),
    # Seven features and 6 x 8 neurons: BLAS rounds by memory alignment too, so the batches must be alike.
    "tf-largest-200": (
        ClassificationConfig(
            data=DataConfig(dataset="spiral"),
            features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2"),
            model=MLPConfig((8,) * 6, "tanh"),
        ),
        200,
    ),
}


@pytest.mark.parametrize("name", list(LONG_HORIZON))
def test_the_script_prints_the_pages_numbers_at_a_long_horizon(tmp_path, name):
    config, epochs = LONG_HORIZON[name]
    script = tmp_path / "script.py"
    script.write_text(classification_script(config, epochs=epochs))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = [SCRIPT_LINE.match(line).groups() for line in done.stdout.splitlines() if SCRIPT_LINE.match(line)]
    assert len(printed) == epochs
    trainer = build_experiment(config).trainer
    for epoch, train_loss, train_acc, test_loss, test_acc in printed:
        record = trainer.run_epoch()
        page = [f"{record.train_loss:.6f}", f"{record.train_acc:.4f}", f"{record.test_loss:.6f}"]
        assert [train_loss, train_acc, test_loss] == page, f"epoch {epoch}"
        assert test_acc == f"{record.test_acc:.4f}", f"epoch {epoch}"
