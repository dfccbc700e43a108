"""The progress watch: finite losses that are unstable or stalled get one line; healthy runs get none."""

import pytest

from core.classification import ClassificationConfig, DataConfig, TrainConfig, build_experiment
from core.models import MLPConfig
from core.progress import STALLED_WINDOW, ProgressWatch


def _watch_training(dataset: str, hidden: tuple[int, ...], activation: str, lr: float, epochs: int):
    trainer = build_experiment(
        ClassificationConfig(
            data=DataConfig(dataset=dataset), model=MLPConfig(hidden, activation), train=TrainConfig(learning_rate=lr)
        )
    ).trainer
    watch = ProgressWatch()
    watch.reset(trainer.current_loss(), lr)
    for epoch in range(1, epochs + 1):
        verdict = watch.check(trainer.run_epoch().train_loss, lr)
        if verdict is not None:
            return epoch, verdict
    return None


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_learning_rate_ten_is_called_unstable_and_stopped(activation):
    found = _watch_training("circle", (4, 2), activation, 10.0, 400)
    assert found is not None, "a learning rate of 10 went unnoticed"
    epoch, verdict = found
    assert verdict.stop and "unstable" in verdict.message and "try 1" in verdict.message and epoch <= STALLED_WINDOW


@pytest.mark.parametrize(
    ("lr", "activation", "hint"),
    [(0.00001, "tanh", "too small"), (3.0, "relu", "killed the neurons")],
)
def test_a_loss_that_stays_at_its_start_is_called_not_learning_without_stopping(lr, activation, hint):
    found = _watch_training("circle", (4, 2), activation, lr, STALLED_WINDOW + 5)
    assert found is not None
    epoch, verdict = found
    assert not verdict.stop and verdict.message.startswith("Not learning") and hint in verdict.message
    assert epoch == STALLED_WINDOW


@pytest.mark.parametrize(
    ("dataset", "hidden", "activation", "lr"),
    [("circle", (4, 2), "tanh", 0.03), ("spiral", (4, 2), "tanh", 0.03), ("spiral", (8, 8, 8), "relu", 0.03)],
)
def test_healthy_runs_even_slow_ones_get_no_message(dataset, hidden, activation, lr):
    assert _watch_training(dataset, hidden, activation, lr, STALLED_WINDOW + 20) is None


def test_a_new_learning_rate_starts_a_new_watch():
    watch = ProgressWatch()
    watch.reset(1.0, 10.0)
    for _ in range(49):
        assert watch.check(5.0, 10.0) is None
    assert watch.check(5.0, 1.0) is None  # the learner lowered the rate: this loss is the new reference
    assert watch.start_loss == 5.0 and not watch.recent
