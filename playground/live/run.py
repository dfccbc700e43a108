"""One learner's live training run: the experiment, its history, its frames.

While playing, a trainer trains the run in short slices under its lock and
publishes frames (epoch, speed, pictures of the model) at most 15 times a
second; the browser receives them over a server-sent-events stream
(playground.live.stream) without any Streamlit rerun.

Where it trains: on a CPU server, in one of the worker processes
(playground.live.pool), so learners train on every core and a page's script
never waits for anyone's epochs; there the same class trains under that
process's scheduler and sends its frames home. Without workers (or on a GPU)
the web process's own trainer thread (playground.live.scheduler) trains it.
The tensors travel as shared memory, so the web process reads the weights
live while a worker trains them. Nothing here calls Streamlit.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.engine import EpochRecord, Trainer, TrainingDiverged
from core.progress import ProgressWatch
from playground.live.experiment import LiveExperiment
from playground.live.scheduler import SCHEDULER

SLICE_S = 0.02  # training time per slice, holding the lock; the script thread waits at most this long
FRAME_INTERVAL_S = 1 / 15  # at most 15 frames a second reach the browser (redraws stay well above 8 a second)
PICTURE_BUDGET = 5.0  # a frame waits for 5x its pictures' cost in training: with many runs on a core, pictures
# (~5 ms a frame) would otherwise take a third of each run's share; alone, a run still gets 15 frames a second
MAX_FRAME_GAP_S = 1.0  # ...but a frame never waits longer than this: one slow picture (a busy worker's first)
# must not silence a run for minutes
STALE_AFTER_S = 30.0  # no script run and no connected viewer for this long: the tab is gone, pause
MAX_HISTORY = 20_000  # epoch records kept per run; beyond it every other record goes (curves draw ~2k points)

PictureMaker = Callable[["LiveRun"], dict[str, Any]]  # page-specific pictures of the model, called under the lock


class RunHost(Protocol):
    """Where a run trains when not in this process (playground.live.pool.WorkerPool)."""

    def ship(self, run: LiveRun) -> None:
        """Send the playing run to a worker, which trains it and sends frames home."""
        ...

    def take_home(self, run: LiveRun) -> None:
        """Stop the run in its worker and wait until its state is back here."""
        ...

    def forward(self, run: LiveRun, name: str, value: Any) -> None:
        """Set a live setting on the run in its worker."""
        ...


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
    samples_seen: int  # training examples processed so far (a version of the weights)
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
        self.stops: list[tuple[int, float]] = []  # (epoch, learning rate) where it stopped by itself: blew up
        self.changes: list[int] = []  # epochs at which live settings changed after training began
        self.meter = RateMeter()
        self.sample_meter = RateMeter()  # training examples per second (images per second on image pages)
        self.lock = threading.RLock()  # held while training or reading the model
        self.trip_lock = threading.RLock()  # held while the run starts, stops or travels to or from a worker
        self.token = secrets.token_urlsafe(18)  # names this run's frame stream; unguessable
        self.make_pictures = pictures
        self.last_seen = time.monotonic()
        self._next_frame = 0.0
        self.next_turn = 0.0  # perf_counter time before which this run rests (its duty cap)
        self._speed: float | None = None  # epochs per second to aim for; None trains as fast as allowed
        self._stop_at: int | None = None  # epochs after which playing stops by itself (an experiment's length)
        self._credit = 0.0  # epochs owed at `speed`
        self._picture_cost = 0.0  # seconds the last frame's pictures took
        self._trained_since_frame = 0.0  # seconds of training since the last frame
        self._last_slice = time.perf_counter()
        self._applied: Any = None  # the live settings last applied (sent to a worker only when they change)
        self.host: RunHost | None = None  # the worker pool while the run trains in a worker; None: it is here
        self.generation = 0  # bumped on every trip to a worker, so late frames of an earlier trip are dropped
        self.sink: Callable[[LiveRun], None] | None = None  # in a worker: sends each new frame home
        self.taken_while_playing = False  # whether the worker was still training it when it came home
        self.listeners: set[Callable[[], None]] = set()  # called (from any thread) on each new frame: the streams
        self._frame = Frame(0, 0, False, 0.0, 0.0, 0, None, {})
        self.publish()

    def __getstate__(self) -> dict[str, Any]:
        """What travels to (and from) a worker: no lock, no host; the history only from a worker (its new records)."""
        state = self.__dict__.copy()
        if self.host is not None:  # on its way to a worker: the history stays here; a worker sends only what is new
            state["history"] = []
        for name in ("lock", "trip_lock", "host", "sink", "listeners"):
            state.pop(name)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.lock = threading.RLock()
        self.trip_lock = threading.RLock()
        self.host = None
        self.sink = None
        self.listeners = set()

    @property
    def frame(self) -> Frame:
        """What the browser shows now; replaced whole, and every listener is told."""
        return self._frame

    @frame.setter
    def frame(self, frame: Frame) -> None:
        self._frame = frame
        for listener in list(self.listeners):
            listener()

    @property
    def speed(self) -> float | None:
        """Epochs per second to aim for; None trains as fast as allowed."""
        return self._speed

    @speed.setter
    def speed(self, value: float | None) -> None:
        self._set_forwarded("speed", value)

    @property
    def stop_at(self) -> int | None:
        """Epochs after which playing stops by itself; None plays on."""
        return self._stop_at

    @stop_at.setter
    def stop_at(self, value: int | None) -> None:
        self._set_forwarded("stop_at", value)

    def _set_forwarded(self, name: str, value: Any) -> None:
        if value != getattr(self, "_" + name):
            setattr(self, "_" + name, value)
            if self.host is not None:  # the worker that trains it changes it too
                self.host.forward(self, name, value)

    def apply_live_settings(self, train: Any) -> None:
        """Apply the settings that change without a fresh model (learning rate, batch size...), wherever it trains."""
        if train == self._applied:
            return
        if self._applied is not None and self.epoch > 0:
            self.changes.append(self.epoch)  # a replay from the settings alone would differ from here on
        self._applied = train
        with self.lock:
            self.experiment.apply_live_settings(train)
        if self.host is not None:
            self.host.forward(self, "apply_live_settings", train)

    @property
    def trainer(self) -> Trainer:
        """The experiment's Trainer."""
        return self.experiment.trainer

    @property
    def epoch(self) -> int:
        """Epochs trained so far (in a worker: as of its latest frame)."""
        return self.frame.epoch if self.host is not None else self.trainer.epoch

    @property
    def samples_seen(self) -> int:
        """Training examples processed so far: changes whenever the weights do."""
        return self.frame.samples_seen if self.host is not None else self.trainer.samples_seen

    def touch(self) -> None:
        """Note that someone is looking (a script run or a connected stream)."""
        self.last_seen = time.monotonic()

    def play(self, host: RunHost | None = None) -> None:
        """Start training in the background (after a divergence, from the restored weights).

        Args:
            host: a worker pool to train it in; None trains it in this process's trainer thread.
        """
        with self.trip_lock:
            if self.running:
                return
            with self.lock:
                self.trainer.restart_after_divergence()
                self.message = None
                self.watch.reset(self.trainer.current_loss(), self.trainer.learning_rate)
            self.touch()
            self._go(host)

    def _go(self, host: RunHost | None) -> None:
        self.running = True
        if host is not None:
            host.ship(self)
        else:
            self.train_here()

    def train_here(self) -> None:
        """Join this process's trainer thread (a playing run, just arrived or just started)."""
        with self.lock:
            self.meter.clear()
            self.meter.add(self.epoch)
            self.sample_meter.clear()
            self.sample_meter.add(self.trainer.samples_seen)
            self._credit, self._last_slice = 1.0, time.perf_counter()
        SCHEDULER.add(self)

    def pause(self) -> None:
        """Stop training; the trainer finishes its slice (at most SLICE_S) and a last frame is published.

        A run in a worker comes home first: its weights, optimizer state and history are here after this.
        """
        with self.trip_lock:
            if self.host is not None:
                self.host.take_home(self)
            with self.lock:
                self.running = False
                self.meter.clear()
                self.sample_meter.clear()
            self.publish()

    @contextlib.contextmanager
    def at_home(self) -> Iterator[None]:
        """Hold the run here, not training, to change its model; a run that was playing in a worker goes back."""
        with self.trip_lock:
            host, playing = self.host, self.running
            if host is not None:
                host.take_home(self)
            with self.lock:
                yield
            if host is not None and playing and self.host is None and self.taken_while_playing:
                self._go(host)

    def arrive(self, returned: LiveRun) -> None:
        """Take back the state a worker sends home (the run stopped or was asked home); the run is local again.

        No lock: a page that reads the old experiment meanwhile reads the same shared weights.
        """
        self.taken_while_playing = returned.running  # False when it stopped by itself (a budget, a divergence)
        self.experiment = returned.experiment
        self.watch, self.message, self.stops = returned.watch, returned.message, returned.stops
        self._extend(returned.history)
        self.running = False
        self.host = None
        self.frame = returned.frame  # last: a stream that sees it stopped finds the run stopped here

    def receive(self, frame: Frame, records: list[EpochRecord]) -> None:
        """A frame from the worker that trains this run, with the epoch records it made since the last one."""
        self._extend(records)
        self.frame = frame

    def _extend(self, records: list[EpochRecord]) -> None:
        self.history.extend(records)
        if len(self.history) > MAX_HISTORY:
            self.history = [*self.history[:-1:2], self.history[-1]]
            self.history_version += 1

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
                self.stops.append((record.epoch, self.trainer.learning_rate))
        elif self.message and self.running and not self.watch.recent:  # a new learning rate: a new watch
            self.message = None
        self._extend([record])

    def _diverged(self, error: TrainingDiverged) -> None:
        self.running = False
        self.message = str(error)
        self.stops.append((error.epoch, error.learning_rate if error.learning_rate is not None else math.inf))

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
                self.trainer.samples_seen,
                self.message,
                pictures,
            )
        if self.sink is not None:
            self.sink(self)

    def train_slice(self) -> bool:
        """The trainer thread's turn: about SLICE_S of training, a frame when one is due; False when done."""
        if not self.running:
            return False
        if self.sink is None and time.monotonic() - self.last_seen > STALE_AFTER_S:  # (the pool watches its runs)
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
        self._trained_since_frame += now - started
        enough = self._trained_since_frame >= PICTURE_BUDGET * self._picture_cost  # pictures stay a small share
        overdue = now >= self._next_frame + MAX_FRAME_GAP_S
        if (now >= self._next_frame and (enough or overdue)) or not self.running:
            self.publish()
            self._picture_cost = time.perf_counter() - now
            self._trained_since_frame = 0.0
            self._next_frame = now + FRAME_INTERVAL_S
        busy = time.perf_counter() - started
        self.next_turn = started + busy / SCHEDULER.run_duty
        if self.speed is not None:  # no need to come back before the next epoch is owed
            self.next_turn = max(self.next_turn, started + min(1.0 / self.speed, FRAME_INTERVAL_S))
        return self.running
