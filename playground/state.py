"""Per-session live runs, kept in st.session_state under namespaced keys.

Nothing here calls Streamlit: the session state mapping is passed in, so the
logic is testable with a plain dict.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.engine import EpochRecord, Trainer, TrainingDiverged


class HasTrainer(Protocol):
    """Anything a page trains live: it exposes a core.engine.Trainer."""

    trainer: Trainer


def namespaced(page: str, name: str) -> str:
    """A session-state key that belongs to one page, e.g. 'classification/run'."""
    return f"{page}/{name}"


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


@dataclass
class LiveRun:
    """One learner's training run on one page: the experiment, its history and play state."""

    experiment: Any  # a HasTrainer built by the page's core module
    key: Hashable  # the settings that built it; other settings mean a new run
    history: list[EpochRecord] = field(default_factory=list)
    running: bool = False
    message: str | None = None  # the last thing the learner must be told (divergence)
    meter: RateMeter = field(default_factory=RateMeter)

    @property
    def trainer(self) -> Trainer:
        """The experiment's Trainer."""
        return self.experiment.trainer

    @property
    def epoch(self) -> int:
        """Epochs trained so far."""
        return self.trainer.epoch

    def play(self) -> None:
        """Start (or resume) training; after a divergence, resume from the restored weights."""
        self.trainer.restart_after_divergence()
        self.message = None
        self.meter.clear()
        self.meter.add(self.epoch)
        self.running = True

    def pause(self) -> None:
        """Stop training after the current tick."""
        self.running = False
        self.meter.clear()

    def step(self) -> int:
        """Train exactly one epoch (the Step button); returns epochs done (0 if it diverged)."""
        self.trainer.restart_after_divergence()
        self.message = None
        return self.advance(0.0, max_epochs=1)

    def advance(self, budget_s: float, max_epochs: int | None = None) -> int:
        """Train whole epochs until `budget_s` seconds pass (at least one); returns epochs done.

        A non-finite loss stops the run, keeps the history and sets `message`.
        """
        started = time.perf_counter()
        done = 0
        while True:
            try:
                record = self.trainer.run_epoch()
            except TrainingDiverged as error:
                self.running = False
                self.message = str(error)
                break
            self.history.append(record)
            done += 1
            if (max_epochs is not None and done >= max_epochs) or time.perf_counter() - started >= budget_s:
                break
        if self.running:
            self.meter.add(self.epoch)
        return done


def get_run(
    state: MutableMapping[str, Any], page: str, key: Hashable, build: Callable[[], Any]
) -> tuple[LiveRun, bool]:
    """The page's run for these settings: reused when `key` matches, else built afresh.

    Returns:
        (run, rebuilt) where rebuilt says a new model was made.
    """
    slot = namespaced(page, "run")
    run = state.get(slot)
    if isinstance(run, LiveRun) and run.key == key:
        return run, False
    state[slot] = LiveRun(experiment=build(), key=key)
    return state[slot], run is not None


def reset_run(state: MutableMapping[str, Any], page: str) -> None:
    """Forget the page's run; the next get_run builds a fresh model."""
    state.pop(namespaced(page, "run"), None)
