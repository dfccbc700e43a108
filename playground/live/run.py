"""One learner's live training run: the experiment, its history, its frames.

While playing, the process's trainer thread (playground.live.scheduler) trains
the run in short slices under its lock and publishes frames (epoch, speed,
pictures of the model) at most 15 times a second; the browser receives them
over a server-sent-events stream (playground.live.stream) without any
Streamlit rerun. Nothing here calls Streamlit.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from core.engine import EpochRecord, Trainer, TrainingDiverged
from core.progress import ProgressWatch
from playground.live.experiment import LiveExperiment
from playground.live.scheduler import SCHEDULER

SLICE_S = 0.02  # training time per slice, holding the lock; the script thread waits at most this long
RUN_DUTY = 0.5  # share of wall time one run may train: TF Playground too paces itself (one step per frame)
FRAME_INTERVAL_S = 1 / 15  # at most 15 frames a second reach the browser (redraws stay well above 8 a second)
STALE_AFTER_S = 30.0  # no script run and no connected viewer for this long: the tab is gone, pause
MAX_HISTORY = 20_000  # epoch records kept per run; beyond it every other record goes (curves draw ~2k points)

PictureMaker = Callable[["LiveRun"], dict[str, Any]]  # page-specific pictures of the model, called under the lock


@dataclass
class RateMeter:
    """Epochs per second over the last few seconds of wall time."""

    window_s: float = 2.0  # seconds of history the rate averages over
    samples: deque[tuple[float, int]] = field(default_factory=deque)

    def add(self, epoch: int, now: float | None = None) -> None:
        """Note that `epoch` was reached at `now`."""
        now = time.perf_counter() if now is None else now
        self.samples.append((now, epoch))
        while len(self.samples) > 2 and now - self.samples[1][0] > self.window_s:
            self.samples.popleft()

    def rate(self) -> float:
        """Epochs per second across the window; 0 until two samples exist."""
        if len(self.samples) < 2:
            return 0.0
        (t0, e0), (t1, e1) = self.samples[0], self.samples[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0

    def clear(self) -> None:
        """Forget the samples (on pause, so a pause does not count as slow training)."""
        self.samples.clear()


@dataclass(frozen=True)
class Frame:
    """What the browser shows at one moment; immutable, replaced whole."""

    seq: int  # increases with every frame
    epoch: int  # epochs trained so far
    running: bool  # whether the trainer is playing
    epochs_per_s: float  # measured over the last two seconds
    samples_per_s: float  # training examples per second, same window
    message: str | None  # why training stopped, if it stopped by itself
    pictures: dict[str, Any]  # the page's pictures, e.g. the decision boundary as a data URI


class LiveRun:
    """A training run that a page plays, pauses, steps and draws."""

    def __init__(self, experiment: LiveExperiment, key: Hashable, pictures: PictureMaker | None = None) -> None:
        self.experiment = experiment  # the page's experiment: a Trainer and the settings that change live
        self.key = key  # the settings that built it; other settings mean a new run
        self.history: list[EpochRecord] = []
        self.history_version = 0  # bumped when the history is thinned, so streams resend it
        self.running = False
        self.message: str | None = None  # why training stopped, or a notice that it is not learning
        self.watch = ProgressWatch()  # notices a finite loss that is unstable or not falling
        self.meter = RateMeter()
        self.sample_meter = RateMeter()  # training examples per second (images per second on image pages)
        self.lock = threading.RLock()  # held while training or reading the model
        self.token = secrets.token_urlsafe(18)  # names this run's frame stream; unguessable
        self.make_pictures = pictures
        self.options: dict[str, Any] = {}  # view options the pictures depend on
        self.last_seen = time.monotonic()
        self._next_frame = 0.0
        self.next_turn = 0.0  # perf_counter time before which this run rests (its duty cap)
        self.speed: float | None = None  # epochs per second to aim for; None trains as fast as allowed
        self.stop_at: int | None = None  # epochs after which playing stops by itself (an experiment's length)
        self._credit = 0.0  # epochs owed at `speed`
        self._last_slice = time.perf_counter()
        self.frame = Frame(0, 0, False, 0.0, 0.0, None, {})
        self.publish()

    @property
    def trainer(self) -> Trainer:
        """The experiment's Trainer."""
        return self.experiment.trainer

    @property
    def epoch(self) -> int:
        """Epochs trained so far."""
        return self.trainer.epoch

    def touch(self) -> None:
        """Note that someone is looking (a script run or a connected stream)."""
        self.last_seen = time.monotonic()

    def play(self) -> None:
        """Start training in the background (after a divergence, from the restored weights)."""
        with self.lock:
            self.trainer.restart_after_divergence()
            self.message = None
            self.watch.reset(self.trainer.current_loss(), self.trainer.learning_rate)
            self.meter.clear()
            self.meter.add(self.epoch)
            self.sample_meter.clear()
            self.sample_meter.add(self.trainer.samples_seen)
            self.running = True
            self._credit, self._last_slice = 1.0, time.perf_counter()
        self.touch()
        SCHEDULER.add(self)

    def pause(self) -> None:
        """Stop training; the thread finishes its slice (at most SLICE_S) and publishes a last frame."""
        with self.lock:
            self.running = False
            self.meter.clear()
            self.sample_meter.clear()
        self.publish()

    def step(self) -> int:
        """Pause, then train exactly one epoch (the Step button); returns epochs done."""
        self.pause()
        with self.lock:
            self.trainer.restart_after_divergence()
            self.message = None
            done = self.advance(0.0, max_epochs=1)
        self.publish()
        return done

    def _keep(self, record: EpochRecord) -> None:
        verdict = self.watch.check(record.train_loss, self.trainer.learning_rate)
        if verdict is not None:
            self.message = verdict.message
            if verdict.stop:
                self.running = False  # the trainer takes this run off its list after this slice
        elif self.message and self.running and not self.watch.recent:  # a new learning rate: a new watch
            self.message = None
        self.history.append(record)
        if len(self.history) > MAX_HISTORY:
            self.history = [*self.history[:-1:2], self.history[-1]]
            self.history_version += 1

    def _diverged(self, error: TrainingDiverged) -> None:
        self.running = False
        self.message = str(error)

    def advance(self, budget_s: float, max_epochs: int | None = None) -> int:
        """Train whole epochs until `budget_s` seconds pass (at least one); returns epochs done.

        A non-finite loss stops the run, keeps the history and sets `message`.
        """
        started = time.perf_counter()
        done = 0
        with self.lock:
            while True:
                try:
                    self._keep(self.trainer.run_epoch())
                except TrainingDiverged as error:
                    self._diverged(error)
                    break
                done += 1
                if (max_epochs is not None and done >= max_epochs) or time.perf_counter() - started >= budget_s:
                    break
            self._measure()
        return done

    def _epochs_left(self) -> int | None:
        return None if self.stop_at is None else self.stop_at - self.epoch

    def _reached_stop(self) -> None:
        self.running = False
        self.message = f"Stopped after {self.epoch} epochs, as the page asks; raise its epochs to train on."

    def advance_slice(self, budget_s: float, max_epochs: int | None = None) -> int:
        """Train batch by batch for about `budget_s` (epochs carry over between slices); returns epochs ended.

        A run with `stop_at` stops by itself once it has trained that many epochs.
        """
        with self.lock:
            left = self._epochs_left()
            if left is not None:
                if left <= 0:
                    self._reached_stop()
                    return 0
                max_epochs = left if max_epochs is None else min(max_epochs, left)
            try:
                records = self.trainer.train_for(budget_s, max_epochs)
            except TrainingDiverged as error:
                self._diverged(error)
                records = []
            for record in records:
                self._keep(record)
            if self.running and self.stop_at is not None and self.epoch >= self.stop_at:
                self._reached_stop()
            self._measure()
        return len(records)

    def _measure(self) -> None:
        if self.running:
            self.meter.add(self.epoch)
            self.sample_meter.add(self.trainer.samples_seen)

    def publish(self) -> None:
        """Make a new frame from the model as it is now."""
        with self.lock:
            pictures = self.make_pictures(self) if self.make_pictures is not None else {}
            self.frame = Frame(
                self.frame.seq + 1,
                self.epoch,
                self.running,
                round(self.meter.rate(), 1),
                round(self.sample_meter.rate()),
                self.message,
                pictures,
            )

    def train_slice(self) -> bool:
        """The trainer thread's turn: about SLICE_S of training, a frame when one is due; False when done."""
        if not self.running:
            return False
        if time.monotonic() - self.last_seen > STALE_AFTER_S:
            self.pause()  # nobody is looking any more (the tab was closed)
            return False
        started = time.perf_counter()
        with self.lock:
            if not self.running:  # paused between the check above and taking the lock: train nothing
                return False
            if self.speed is None:
                self.advance_slice(SLICE_S)
            else:  # a learner slowed it down to watch: train only the epochs owed since the last slice
                owed = self._credit + (started - self._last_slice) * self.speed
                self._credit = min(owed, max(1.0, self.speed / 5))
                if self._credit >= 1:
                    self._credit -= self.advance_slice(SLICE_S, max_epochs=int(self._credit))
        self._last_slice = started
        now = time.perf_counter()
        if now >= self._next_frame or not self.running:
            self.publish()
            self._next_frame = now + FRAME_INTERVAL_S
        busy = time.perf_counter() - started
        self.next_turn = started + busy / RUN_DUTY
        if self.speed is not None:  # no need to come back before the next epoch is owed
            self.next_turn = max(self.next_turn, started + min(1.0 / self.speed, FRAME_INTERVAL_S))
        return self.running
