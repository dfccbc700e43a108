"""The process's one trainer thread: it trains every playing run in turn.

Why one thread for everyone: tiny PyTorch ops release and retake the GIL
every few microseconds, so two training threads in one process spend their
time handing the GIL back and forth. Taking turns in one thread lets each of
two learners keep most of their solo speed, and the duty cap leaves the
interpreter free often enough for the server to answer clicks at once.

This is one of the two process-wide mutable objects (with playground.live.hub):
a trainer thread is per process by nature.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Protocol

RUN_DUTY = 0.5  # share of wall time one run may train here: TF Playground too paces itself (one step per frame)
TOTAL_DUTY = 0.85  # share the trainer thread may be busy with all runs: the rest keeps the server responsive


class Schedulable(Protocol):
    """What the scheduler needs of a run (playground.live.run.LiveRun)."""

    running: bool
    message: str | None
    next_turn: float

    def train_slice(self) -> bool: ...


class TrainerScheduler:
    """One daemon thread that trains every playing run in turn: each at most RUN_DUTY, all at most TOTAL_DUTY."""

    def __init__(self, total_duty: float = TOTAL_DUTY, run_duty: float = RUN_DUTY) -> None:
        self.total_duty = total_duty  # a worker process, with no server to keep responsive, raises it
        self.run_duty = run_duty  # share of wall time one run may train (a worker lets a lone run use its core)
        self._runs: list[Schedulable] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._holds = 0  # script runs in progress: the trainer steps aside so clicks are answered at once

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """While a page's script runs, train nothing: a learner's click is answered before anyone's epochs."""
        with self._lock:
            self._holds += 1
        try:
            yield
        finally:
            with self._lock:
                self._holds -= 1

    def add(self, run: Schedulable) -> None:
        """Train `run` until it stops playing."""
        with self._lock:
            if run not in self._runs:
                self._runs.append(run)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, daemon=True, name="playground-trainer")
                self._thread.start()
        self._wake.set()

    def playing(self) -> int:
        """How many runs are being trained."""
        with self._lock:
            return len(self._runs)

    def is_training(self, run: Schedulable) -> bool:
        """Whether `run` is still on the trainer's list (it leaves after its first turn once paused)."""
        with self._lock:
            return run in self._runs

    def _loop(self) -> None:
        while True:
            with self._lock:
                runs = list(self._runs)
            if not runs:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            if self._holds:
                time.sleep(0.003)
                continue
            now = time.perf_counter()
            due = [run for run in runs if run.next_turn <= now]
            if not due:
                time.sleep(max(min(run.next_turn for run in runs) - now, 0.001))
                continue
            run = min(due, key=lambda r: r.next_turn)  # the longest-waiting run goes first
            started = time.perf_counter()
            try:
                keep = run.train_slice()
            except Exception as error:  # a broken run must not stop everyone else's training
                run.running, run.message, keep = False, f"Training stopped: {error}", False
            if not keep:
                with self._lock:
                    if run in self._runs and not run.running:
                        self._runs.remove(run)
            busy = time.perf_counter() - started
            time.sleep(max(busy * (1 - self.total_duty) / self.total_duty, 0.001))


SCHEDULER = TrainerScheduler()
