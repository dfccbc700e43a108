import re
import subprocess
import sys

import pytest
import torch
from torch import nn

from core.codegen_regression import regression_script
from core.engine import TrainingDiverged
from core.regression import (
    TARGETS,
    LinearRegressionModel,
    RegressionConfig,
    RegressionData,
    RegressionModelConfig,
    RegressionTrain,
    build_regression,
    loss_landscape,
    make_data,
    split,
    weight_and_bias,
)


def test_course_data_split_and_initial_parameters():
    X, y = make_data(RegressionData(), seed=42)
    assert X.shape == (50, 1) and torch.allclose(X[1], torch.tensor([0.02]))
    assert torch.allclose(y, 0.7 * X + 0.3)
    (X_train, _), (X_test, _) = split(X, y, 80)
    assert len(X_train) == 40 and len(X_test) == 10 and X_train.max() < X_test.min()
    model = build_regression(RegressionConfig()).trainer.model
    assert isinstance(model, LinearRegressionModel)
    w, b = weight_and_bias(model)
    assert w == pytest.approx(0.3367, abs=1e-4) and b == pytest.approx(0.1288, abs=1e-4)  # the course's numbers


def test_hundred_epochs_of_sgd_reach_the_courses_numbers_and_record_the_path():
    experiment = build_regression(RegressionConfig())
    for _ in range(100):
        record = experiment.trainer.run_epoch()
    w, b = weight_and_bias(experiment.trainer.model)
    assert w == pytest.approx(0.5784, abs=1e-3) and b == pytest.approx(0.3513, abs=1e-3)
    assert record.train_acc is None and record.test_loss < 0.1
    assert len(experiment.path) == 101 and experiment.path[-1] == (w, b)


@pytest.mark.parametrize("target", list(TARGETS))
def test_targets_and_noise(target):
    X, y = make_data(RegressionData(target=target, noise=0.1, n_points=100), seed=1)
    clean = TARGETS[target](X, 0.7, 0.3)
    assert X.shape == y.shape == (100, 1)
    assert 0.05 < (y - clean).std() < 0.15
    again = make_data(RegressionData(target=target, noise=0.1, n_points=100), seed=1)[1]
    assert torch.equal(y, again)


def test_mlp_fits_a_sine_better_than_a_line():
    data = RegressionData(target="sine")
    train = RegressionTrain(loss="MSE", optimizer="Adam", learning_rate=0.01)
    line = build_regression(RegressionConfig(data, RegressionModelConfig("linear"), train))
    mlp = build_regression(RegressionConfig(data, RegressionModelConfig("mlp", (32, 32), "tanh"), train))
    for _ in range(300):
        line_record = line.trainer.run_epoch()
        mlp_record = mlp.trainer.run_epoch()
    assert mlp_record.train_loss < line_record.train_loss / 3
    assert weight_and_bias(mlp.trainer.model) is None and mlp.path == []


def test_nn_linear_starts_like_torch_manual_seed():
    model = build_regression(RegressionConfig(model=RegressionModelConfig("linear"))).trainer.model
    torch.manual_seed(42)
    reference = nn.Linear(1, 1)
    assert torch.equal(model.weight, reference.weight) and torch.equal(model.bias, reference.bias)


def test_loss_landscape_has_its_minimum_at_the_truth():
    X, y = make_data(RegressionData(), seed=0)
    for loss in ("L1", "MSE"):
        grid = loss_landscape(X, y, loss, [(0.3, 0.1), (0.7, 0.3)], resolution=141)
        row, col = divmod(int(grid.losses.argmin()), 141)
        w = grid.weights[0] + (grid.weights[1] - grid.weights[0]) * col / 140
        b = grid.biases[1] - (grid.biases[1] - grid.biases[0]) * row / 140
        assert w == pytest.approx(0.7, abs=0.03) and b == pytest.approx(0.3, abs=0.03)


def test_live_settings_change_the_running_optimizer_and_loss():
    experiment = build_regression(RegressionConfig())
    experiment.apply_live_settings(RegressionTrain(loss="MSE", learning_rate=0.1, momentum=0.9))
    group = experiment.trainer.optimizer.param_groups[0]
    assert group["lr"] == 0.1 and group["momentum"] == 0.9
    assert isinstance(experiment.trainer.loss_fn, nn.MSELoss)


def test_a_huge_learning_rate_diverges_and_keeps_finite_weights():
    experiment = build_regression(RegressionConfig(train=RegressionTrain(loss="MSE", learning_rate=10.0)))
    with pytest.raises(TrainingDiverged):
        for _ in range(200):
            experiment.trainer.run_epoch()
    assert all(torch.isfinite(p).all() for p in experiment.trainer.model.parameters())


LINE = re.compile(r"Epoch (\d+) \| train loss ([\d.e-]+) \| test loss ([\d.e-]+)")


@pytest.mark.parametrize(
    "config",
    [
        RegressionConfig(),
        RegressionConfig(
            RegressionData(noise=0.05, n_points=80, train_percent=70),
            RegressionModelConfig("linear"),
            RegressionTrain("MSE", "SGD", 0.1, 0.9),
            seed=3,
        ),
        RegressionConfig(
            RegressionData(target="step", weight=1.2, bias=-0.4),
            RegressionModelConfig("mlp", (8, 8), "gelu"),
            RegressionTrain("L1", "Adam", 0.003),
        ),
    ],
    ids=["course", "linear-mse-momentum-noise", "mlp-step-adam"],
)
def test_the_script_reproduces_the_engine(tmp_path, config):
    script = tmp_path / "workflow.py"
    script.write_text(regression_script(config, epochs=4))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = [LINE.match(line).groups() for line in done.stdout.splitlines() if LINE.match(line)]
    assert len(printed) == 4 and "same predictions: True" in done.stdout
    trainer = build_regression(config).trainer
    for epoch, train_loss, test_loss in printed:
        record = trainer.run_epoch()
        assert int(epoch) == record.epoch
        assert float(train_loss) == pytest.approx(record.train_loss, abs=1e-5)
        assert float(test_loss) == pytest.approx(record.test_loss, abs=1e-5)
    assert (tmp_path / "model.pt").exists()
