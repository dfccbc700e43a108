import math
import pickle

import pytest

from core.classification import ClassificationConfig, DataConfig, TrainConfig, build_experiment, structure_key
from core.models import MLPConfig
from core.objectives import set_learning_rate
from playground.classification_view import classification_pictures
from playground.live import hub as live_hub
from playground.live import run as live_run
from playground.live.run import LiveRun, RateMeter
from playground.live.scheduler import SCHEDULER
from playground.live.session import get_run, namespaced, reset_run
from tests.helpers import wait_until


def _config(**train):
    return ClassificationConfig(data=DataConfig(dataset="gauss"), train=TrainConfig(**train))


def test_get_run_reuses_for_same_key_and_rebuilds_for_a_new_one():
    state = {}
    config = _config()
    run, rebuilt = get_run(state, "classification", structure_key(config), lambda: build_experiment(config))
    assert not rebuilt and state[namespaced("classification", "run")] is run
    assert live_hub.lookup(run.token) is run
    again, rebuilt = get_run(state, "classification", structure_key(_config(learning_rate=1.0)), lambda: 1 / 0)
    assert again is run and not rebuilt  # a learning-rate change keeps the model
    other = ClassificationConfig(data=DataConfig(dataset="xor"))
    fresh, rebuilt = get_run(state, "classification", structure_key(other), lambda: build_experiment(other))
    assert fresh is not run and rebuilt and fresh.token != run.token
    reset_run(state, "classification")
    assert namespaced("classification", "run") not in state


def test_sessions_are_separate_and_tokens_unguessable():
    config = _config()
    one, two = {}, {}
    run_one, _ = get_run(one, "classification", structure_key(config), lambda: build_experiment(config))
    run_two, _ = get_run(two, "classification", structure_key(config), lambda: build_experiment(config))
    run_one.step()
    assert run_one.epoch == 1 and run_two.epoch == 0
    assert run_one.trainer.model is not run_two.trainer.model
    assert run_one.token != run_two.token and len(run_one.token) >= 20
    assert live_hub.lookup("not-a-token") is None


def test_advance_trains_at_least_one_epoch_and_respects_max():
    run = LiveRun(build_experiment(_config()), key=None)
    assert run.advance(0.0) == 1
    assert run.advance(10.0, max_epochs=3) == 3
    assert len(run.history) == 4 and run.epoch == 4


def test_play_trains_in_the_background_and_pause_stops_it():
    run = LiveRun(build_experiment(_config()), key=None, pictures=classification_pictures)
    first_seq = run.frame.seq
    run.play()
    assert wait_until(lambda: run.epoch >= 5)
    assert wait_until(lambda: run.frame.seq > first_seq + 1 and run.frame.epoch > 0)
    assert run.frame.running and "boundary" in run.frame.pictures
    run.pause()
    stopped = run.epoch  # pause() returns only once no slice is training (it takes the run's lock)
    assert wait_until(lambda: not SCHEDULER.is_training(run))
    assert run.epoch == stopped and not run.frame.running
    assert [r.epoch for r in run.history] == list(range(1, stopped + 1))


def test_two_runs_play_at_once_and_both_progress():
    runs = [LiveRun(build_experiment(_config()), key=None) for _ in range(2)]
    for run in runs:
        run.play()
    assert wait_until(lambda: all(run.epoch >= 5 for run in runs))
    for run in runs:
        run.pause()
    assert wait_until(lambda: not any(SCHEDULER.is_training(run) for run in runs))


def test_a_run_nobody_looks_at_pauses_itself(monkeypatch):
    monkeypatch.setattr(live_run, "STALE_AFTER_S", 0.2)
    run = LiveRun(build_experiment(_config()), key=None)
    run.play()
    run.last_seen -= 1.0
    assert wait_until(lambda: not run.running, timeout_s=5)


def test_divergence_stops_keeps_history_and_tells_the_learner():
    config = ClassificationConfig(
        data=DataConfig(dataset="spiral"),
        features=("x1", "x2", "x1^2", "x2^2", "x1*x2"),
        model=MLPConfig((8, 8), "linear"),
        train=TrainConfig(learning_rate=0.001),
    )
    run = LiveRun(build_experiment(config), key=None)
    run.advance(10.0, max_epochs=2)
    set_learning_rate(run.trainer.optimizer, 10.0)
    run.play()
    assert wait_until(lambda: not run.running)
    assert "learning rate" in run.message and run.frame.message == run.message
    assert len(run.history) >= 2 and all(math.isfinite(r.train_loss) for r in run.history)
    set_learning_rate(run.trainer.optimizer, 0.001)
    assert run.step() == 1 and run.message is None  # Step (or Play) resumes from the restored weights


def test_rate_meter():
    meter = RateMeter(window_s=2.0)
    assert meter.rate() == 0.0
    for i in range(11):
        meter.add(i * 10, now=i * 0.5)  # 20 epochs per second
    assert meter.rate() == pytest.approx(20.0)
    assert meter.samples[0][0] >= 5.0 - 2.0 - 0.5
    meter.clear()
    assert meter.rate() == 0.0


def test_frames_carry_the_pictures_of_the_model():
    run = LiveRun(
        build_experiment(ClassificationConfig(model=MLPConfig((3, 2), "relu"))), None, classification_pictures
    )
    pictures = run.frame.pictures
    assert pictures["boundary"].startswith("data:image/png;base64,")
    assert [layer["title"] for layer in pictures["neurons"]] == [
        "Inputs (2)",
        "Hidden layer 1 (3)",
        "Hidden layer 2 (2)",
    ]


def test_long_histories_are_thinned_and_streams_are_told(monkeypatch):
    monkeypatch.setattr(live_run, "MAX_HISTORY", 10)
    run = LiveRun(build_experiment(_config()), key=None)
    run.advance(10.0, max_epochs=11)
    assert run.history_version == 1 and len(run.history) <= 10
    assert run.history[-1].epoch == 11 and run.history[0].epoch == 1


def test_no_epoch_is_trained_after_pause_returns():
    run = LiveRun(build_experiment(_config()), key=None)
    for attempt in range(20):  # pause at many moments of the trainer's slice
        run.play()
        if attempt % 2:  # every other pause waits for the trainer to be mid-epoch
            started = run.trainer.samples_seen
            assert wait_until(lambda started=started: run.trainer.samples_seen > started, timeout_s=20)
        run.pause()
        stopped = run.epoch
        assert wait_until(lambda: not SCHEDULER.is_training(run))
        assert run.epoch == stopped


def test_a_new_network_keeps_playing_like_tf_playground():
    state: dict = {}
    config = _config()
    run, _ = get_run(state, "classification", structure_key(config), lambda: build_experiment(config))
    run.play()
    wider = ClassificationConfig(model=MLPConfig((4, 4, 2), "tanh"))  # a layer added while it trains
    fresh, rebuilt = get_run(state, "classification", structure_key(wider), lambda: build_experiment(wider))
    assert rebuilt and fresh is not run and not run.running and fresh.running
    assert wait_until(lambda: fresh.epoch >= 2)
    fresh.pause()
    idle, _ = get_run(state, "classification", structure_key(config), lambda: build_experiment(config))
    assert not idle.running  # a paused run's replacement waits for Play


def test_a_run_with_an_epoch_budget_stops_there_by_itself_and_says_so():
    run = LiveRun(build_experiment(_config()), key=None)
    run.stop_at = 7
    run.play()
    assert wait_until(lambda: not run.running)
    assert run.epoch == 7 and len(run.history) == 7
    assert "Stopped after 7 epochs" in run.message and run.frame.message == run.message
    run.play()  # at the budget already: it stops again, training nothing
    assert wait_until(lambda: not run.running)
    assert run.epoch == 7
    run.stop_at = 9
    run.play()
    assert wait_until(lambda: not run.running) and run.epoch == 9


def test_one_slow_picture_does_not_silence_a_run(monkeypatch):
    # A busy worker's first picture can take long; pictures then wait for 5x that in training, but never more
    # than MAX_FRAME_GAP_S of wall time (before, a learner sharing a core with 14 others saw no frame for minutes).
    monkeypatch.setattr(live_run, "MAX_FRAME_GAP_S", 0.2)
    run = LiveRun(build_experiment(_config()), key=None, pictures=classification_pictures)
    run.running = True
    run.train_slice()
    run._picture_cost = 1000.0  # as if the last picture had taken that long: 5000 s of training before the next
    seq = run.frame.seq

    def a_frame_came() -> bool:
        run.train_slice()
        return run.frame.seq > seq

    assert wait_until(a_frame_came, timeout_s=30, poll_s=0.0)
    assert run.frame.running and run.frame.epoch > 0  # a frame of the run training, not of it stopping
    run.running = False


def test_every_new_frame_wakes_the_runs_listeners():
    run = LiveRun(build_experiment(_config()), key=None)
    woken = []
    run.listeners.add(lambda: woken.append(run.frame.seq))
    run.step()
    assert woken and woken[-1] == run.frame.seq
    restored = pickle.loads(pickle.dumps(run))  # what travels to a worker carries no listener of this process
    assert restored.listeners == set() and restored.frame.seq == run.frame.seq
