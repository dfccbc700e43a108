"""The worker pool: runs train in worker processes, frames come home, Pause brings the whole run back."""

import gc
import math
import os
import signal
import time

import pytest
import torch

from core.augment import TRAINING_DEFAULT, BatchAugmenter
from core.augment_experiment import experiment_data
from core.classification import ClassificationConfig, DataConfig, TrainConfig, build_experiment
from core.data.images import digits
from core.few_shot import few_shot, source_splits
from core.models import MLPConfig
from core.regression import RegressionConfig, build_regression
from core.transfer import TransferConfig, build_transfer
from core.vision import VisionConfig, VisionTrain, build_vision
from playground.classification_view import classification_pictures
from playground.live import hub as live_hub
from playground.live import pool as live_pool
from playground.live.pool import POOL, RUNS_PER_SESSION, WorkerPool, shared_for_workers
from playground.live.run import LiveRun
from playground.live.scheduler import SCHEDULER
from playground.live.session import start
from playground.regression_view import regression_pictures
from playground.vision_view import vision_pictures
from tests.helpers import wait_until


@pytest.fixture(scope="module")
def pool():
    workers = WorkerPool(2, max_runs=16)
    workers.start()
    yield workers
    for worker in workers._workers:  # an orderly exit: each worker leaves its loop when told
        if worker.alive:
            worker.send(None)
            worker.process.join(10)


def _run(pictures=classification_pictures, **train):
    config = ClassificationConfig(data=DataConfig(dataset="gauss"), train=TrainConfig(**train))
    run = LiveRun(build_experiment(config), key=None, pictures=pictures)
    live_hub.register(run)
    return run


def _first_weight(run):
    return next(run.trainer.model.parameters()).detach().clone()


def _pause_all(*runs):
    for run in runs:
        run.pause()


def test_a_run_trains_in_a_worker_and_its_frames_and_weights_reach_this_process(pool):
    run = _run()
    before = _first_weight(run)
    run.play(pool)
    assert run.host is pool and sum(pool.worker_loads()) == 1
    assert wait_until(lambda: run.epoch >= 5 and len(run.history) >= 5, timeout_s=60)
    assert run.trainer.epoch == 0  # this process's trainer did not train: a worker did
    assert "boundary" in run.frame.pictures and run.frame.running
    assert not torch.equal(before, _first_weight(run))  # shared memory: the weights here move as it trains
    run.pause()
    assert run.host is None and not run.running and sum(pool.worker_loads()) == 0
    stopped = run.epoch
    assert run.trainer.epoch == stopped == len(run.history)  # the whole trainer came home
    assert [record.epoch for record in run.history] == list(range(1, stopped + 1))
    assert run.step() == 1 and run.epoch == stopped + 1  # Step trains here, from where the worker stopped


def test_play_again_goes_on_from_where_it_stopped(pool):
    run = _run(optimizer="Adam")
    run.play(pool)
    assert wait_until(lambda: run.epoch >= 3, timeout_s=60)
    run.pause()
    stopped = run.epoch
    assert run.trainer.optimizer.state  # Adam's moments came home too
    run.play(pool)
    assert wait_until(lambda: run.epoch >= stopped + 3, timeout_s=60)
    run.pause()
    assert [record.epoch for record in run.history] == list(range(1, run.epoch + 1))


def test_live_settings_reach_the_worker(pool):
    run = _run(learning_rate=0.03)
    run.play(pool)
    run.apply_live_settings(TrainConfig(learning_rate=0.3))
    run.speed = 10.0
    assert wait_until(lambda: run.epoch >= 12, timeout_s=60)  # (it may train at full speed until the message lands)
    mark = run.epoch
    time.sleep(2.0)  # an upper bound on what happens in two seconds: a slower machine only trains less
    slowed = run.epoch - mark
    run.pause()
    assert slowed <= 2 * 13  # slowed to 10 epochs a second in the worker
    assert run.trainer.learning_rate == pytest.approx(0.3)  # applied there, and it came home with the run


def test_a_budget_stops_the_run_in_its_worker_and_it_comes_home(pool):
    run = _run()
    run.stop_at = 9
    run.play(pool)
    assert wait_until(lambda: not run.running, timeout_s=60)
    assert run.host is None and run.epoch == 9 == run.trainer.epoch == len(run.history)
    assert "Stopped after 9 epochs" in run.message


def test_a_divergence_in_a_worker_stops_with_the_message_and_finite_weights(pool):
    config = ClassificationConfig(
        data=DataConfig(dataset="spiral"),
        features=("x1", "x2", "x1^2", "x2^2", "x1*x2"),
        model=MLPConfig((8, 8), "linear"),
        train=TrainConfig(learning_rate=10.0),
    )
    run = LiveRun(build_experiment(config), key=None)
    live_hub.register(run)
    run.play(pool)
    assert wait_until(lambda: not run.running, timeout_s=60)
    assert run.host is None and "learning rate" in run.message
    assert all(torch.isfinite(p).all() for p in run.trainer.model.parameters())
    assert len(run.stops) == 1 and run.stops[0] == (run.stops[0][0], 10.0)  # where it blew up came home too
    assert run.stops[0][0] >= 1 and all(r.epoch < run.stops[0][0] for r in run.history)


def test_at_home_holds_the_run_here_and_sends_it_back(pool):
    run = _run()
    run.play(pool)
    assert wait_until(lambda: run.epoch >= 3, timeout_s=60)
    with run.at_home():
        assert run.host is None
        run.trainer.model.load_state_dict({k: torch.zeros_like(v) for k, v in run.trainer.model.state_dict().items()})
        held = run.trainer.epoch
    assert run.host is pool and run.running
    assert wait_until(lambda: run.epoch > held + 2, timeout_s=60)
    run.pause()


def test_runs_are_spread_over_the_workers_and_evened_out_when_some_stop(pool):
    runs = [_run() for _ in range(4)]
    for run in runs:
        run.play(pool)
    assert sorted(pool.worker_loads()) == [2, 2]
    first = [run for run in runs if pool._where[run.token][0] is pool._workers[0]]
    _pause_all(*first)  # one worker is left idle
    assert wait_until(lambda: sorted(pool.worker_loads()) == [1, 1], timeout_s=30)
    rest = [run for run in runs if run.running]
    assert wait_until(lambda: all(len(run.history) > 3 for run in rest), timeout_s=60)
    _pause_all(*rest)


def test_fair_shares_between_runs_in_one_worker(pool):
    runs = [_run() for _ in range(4)]
    for run in runs:
        run.play(pool)
    started = [run.epoch for run in runs]
    assert wait_until(lambda: min(run.epoch - s for run, s in zip(runs, started, strict=True)) >= 30, timeout_s=90)
    gains = [run.epoch - s for run, s in zip(runs, started, strict=True)]
    _pause_all(*runs)
    assert min(gains) >= 0.5 * max(gains)  # taking turns: nobody starves (measured: 0.8-1.0 in bench_classroom)


def test_a_run_whose_session_ended_is_dropped_from_its_worker(pool):
    run = _run()
    run.play(pool)
    assert wait_until(lambda run=run: run.epoch >= 2, timeout_s=60)
    del run  # the session ended: nothing here holds its run any more
    gc.collect()
    assert wait_until(lambda: sum(pool.worker_loads()) == 0, timeout_s=30)


def test_a_run_nobody_looks_at_is_paused_by_the_watcher(pool, monkeypatch):
    monkeypatch.setattr(live_pool, "STALE_AFTER_S", 0.5)
    run = _run()
    run.play(pool)
    run.last_seen -= 5.0
    assert wait_until(lambda: not run.running, timeout_s=30)
    assert run.host is None and run.trainer.epoch == run.epoch


def test_a_dead_worker_stops_its_runs_with_a_message_and_is_replaced(pool):
    run = _run()
    run.play(pool)
    assert wait_until(lambda: run.epoch >= 2, timeout_s=60)
    worker = pool._where[run.token][0]
    os.kill(worker.process.pid, signal.SIGKILL)
    assert wait_until(lambda: not run.running, timeout_s=30)
    assert run.host is None and "worker stopped" in run.message
    run.play(pool)  # a fresh worker takes its place
    assert wait_until(lambda: len(pool.worker_loads()) == 2 and run.epoch >= 4, timeout_s=90)
    run.pause()


def test_every_kind_of_experiment_travels_to_a_worker_and_back(pool):
    images = shared_for_workers(digits())
    train, test = experiment_data(60, seed=0)[1:]
    few_train, few_test = few_shot(*source_splits("digits", seed=0), ("0", "1"), 2, seed=0, test_per_class=2)
    vision = VisionConfig(train=VisionTrain(batch_size=32))
    shape = tuple(train.images.shape[1:])
    experiments = [
        (build_regression(RegressionConfig()), regression_pictures),
        (build_vision(vision, images), vision_pictures),
        (build_vision(vision, train, "cpu", test, augment=BatchAugmenter(TRAINING_DEFAULT, shape, 0)), vision_pictures),
        (build_transfer(TransferConfig(size=64), few_train, few_test), vision_pictures),
    ]
    for experiment, pictures in experiments:
        run = LiveRun(experiment, key=None, pictures=pictures)
        live_hub.register(run)
        run.play(pool)
        assert wait_until(lambda run=run: run.epoch >= 1, timeout_s=120), type(experiment).__name__
        run.pause()
        assert run.host is None and run.message is None and run.trainer.epoch == run.epoch >= 1
        assert all(math.isfinite(record.train_loss) for record in run.history)


def test_a_session_may_train_only_a_few_models_at_once():
    state = {f"page{i}/run": _run() for i in range(RUNS_PER_SESSION + 1)}
    runs = list(state.values())
    assert start(state, *runs[:RUNS_PER_SESSION]) is None
    refusal = start(state, runs[-1])
    assert refusal is not None and f"at most {RUNS_PER_SESSION}" in refusal and not runs[-1].running
    _pause_all(*runs)


def test_a_full_server_says_so_in_one_line(monkeypatch):
    assert wait_until(lambda: POOL.playing() == 0)  # paused runs leave the trainer's list after their last slice
    monkeypatch.setattr(POOL, "max_runs", 1)
    busy, waiting = _run(), _run()
    assert start({"a/run": busy}, busy) is None
    refusal = start({"b/run": waiting}, waiting)
    assert refusal is not None and "as many models as it may" in refusal and "\n" not in refusal
    assert not waiting.running
    busy.pause()
    assert wait_until(lambda: POOL.playing() == 0)  # its last slice may still be running: then it leaves
    assert start({"b/run": waiting}, waiting) is None
    waiting.pause()


def test_a_run_that_cannot_travel_trains_here_instead(pool, monkeypatch):
    def full(self, message):
        raise RuntimeError("unable to write to file </torch_1>: No space left on device (28)")

    monkeypatch.setattr(live_pool._Worker, "send", full)  # as when /dev/shm is full
    run = _run()
    run.play(pool)
    assert run.host is None and run.running and SCHEDULER.is_training(run)
    assert wait_until(lambda: run.epoch >= 3)
    run.pause()
    assert sum(pool.worker_loads()) == 0
