import math

import pytest

from core.classification import ClassificationConfig, DataConfig, TrainConfig, build_experiment, structure_key
from core.features import DEFAULT_FEATURES
from core.models import MLPConfig
from core.objectives import set_learning_rate
from playground.state import LiveRun, RateMeter, get_run, namespaced, reset_run


def _config(**train):
    return ClassificationConfig(data=DataConfig(dataset="gauss"), train=TrainConfig(**train))


def test_get_run_reuses_for_same_key_and_rebuilds_for_a_new_one():
    state = {}
    config = _config()
    run, rebuilt = get_run(state, "classification", structure_key(config), lambda: build_experiment(config))
    assert not rebuilt and state[namespaced("classification", "run")] is run
    again, rebuilt = get_run(state, "classification", structure_key(_config(learning_rate=1.0)), lambda: 1 / 0)
    assert again is run and not rebuilt  # a learning-rate change keeps the model
    other = ClassificationConfig(data=DataConfig(dataset="xor"))
    fresh, rebuilt = get_run(state, "classification", structure_key(other), lambda: build_experiment(other))
    assert fresh is not run and rebuilt
    reset_run(state, "classification")
    assert namespaced("classification", "run") not in state


def test_sessions_are_separate():
    config = _config()
    one, two = {}, {}
    run_one, _ = get_run(one, "classification", structure_key(config), lambda: build_experiment(config))
    run_two, _ = get_run(two, "classification", structure_key(config), lambda: build_experiment(config))
    run_one.step()
    assert run_one.epoch == 1 and run_two.epoch == 0
    assert run_one.trainer.model is not run_two.trainer.model


def test_advance_trains_at_least_one_epoch_and_respects_max():
    run = LiveRun(build_experiment(_config()), key=None)
    assert run.advance(0.0) == 1
    assert run.advance(10.0, max_epochs=3) == 3
    assert len(run.history) == 4 and run.epoch == 4


def test_divergence_stops_keeps_history_and_tells_the_learner():
    config = ClassificationConfig(
        data=DataConfig(dataset="spiral"),
        features=("x1", "x2", "x1^2", "x2^2", "x1*x2"),
        model=MLPConfig((8, 8), "linear"),
        train=TrainConfig(learning_rate=0.001),
    )
    run = LiveRun(build_experiment(config), key=None)
    run.play()
    run.advance(10.0, max_epochs=2)
    set_learning_rate(run.trainer.optimizer, 10.0)
    run.advance(10.0, max_epochs=20)
    assert not run.running and "learning rate" in run.message
    assert len(run.history) >= 2 and all(math.isfinite(r.train_loss) for r in run.history)
    set_learning_rate(run.trainer.optimizer, 0.001)
    run.play()  # Play again resumes from the restored weights
    assert run.message is None and run.advance(0.0) == 1


def test_rate_meter():
    meter = RateMeter(window_s=2.0)
    assert meter.rate() == 0.0
    for i in range(11):
        meter.add(i * 10, now=i * 0.5)  # 20 epochs per second
    assert meter.rate() == pytest.approx(20.0)
    assert meter.samples[0][0] >= 5.0 - 2.0 - 0.5
    meter.clear()
    assert meter.rate() == 0.0


def test_default_features_are_tf_playgrounds():
    assert DEFAULT_FEATURES == ("x1", "x2")
