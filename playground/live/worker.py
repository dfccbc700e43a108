"""A training worker process: it trains the runs the web process sends it and sends their frames home.

The web process (playground.live.pool) ships a playing LiveRun over a pipe;
its tensors travel as shared memory, so both processes see the same weights.
Here the run joins this process's own trainer thread (the same scheduler and
the same LiveRun code as in the web process); every frame it publishes goes
home with the epoch records it made since the last one. When the run stops
by itself (an epoch budget, a divergence) or the web process asks for it,
the whole run goes home: experiment, optimizer state, loss watch.

Messages in: ("play", run) | ("take", token) | ("drop", token) | ("set", token, name, value) | None (exit).
Messages out: ("frame", token, generation, frame, records) | ("home", token, generation, run)
| ("home", token, generation, None[, why it could not travel]).
"""

from __future__ import annotations

import contextlib
import os
import threading
from multiprocessing.connection import Connection
from typing import Any

import torch.multiprocessing

from core.device import configure_threads
from playground.live.run import LiveRun
from playground.live.scheduler import SCHEDULER

WORKER_NICE = 10  # workers yield the CPU to the web process (clicks) and to browsers on the same machine
WORKER_DUTY = 0.97  # a worker (and one run alone in it) may train this share of the time: no server shares it
SHARING_STRATEGY = "file_system"  # tensors travel as named shared memory: no file descriptor per tensor


class WorkerSide:
    """The runs this worker trains, and the pipe home."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.runs: dict[str, LiveRun] = {}  # token -> run, while it trains here
        self.runs_lock = threading.Lock()  # whoever removes a run from `runs` sends it home, exactly once
        self.send_lock = threading.Lock()

    def send(self, message: tuple[Any, ...]) -> None:
        """Send one message home (frames come from the trainer thread, replies from the command loop)."""
        with self.send_lock:
            self.conn.send(message)

    def send_home(self, run: LiveRun) -> None:
        """Send the whole run home; if it cannot travel (shared memory full), say why and keep nothing here."""
        try:
            self.send(("home", run.token, run.generation, run))
        except Exception as error:  # e.g. /dev/shm is full: the web process keeps the weights it shares
            self.send(("home", run.token, run.generation, None, f"{type(error).__name__}: {error}"[:200]))

    def _leave(self, token: str) -> LiveRun | None:
        with self.runs_lock:
            return self.runs.pop(token, None)

    def sink(self, run: LiveRun) -> None:
        """Called after every frame the run publishes here: send it home, or send the run home when it stopped."""
        with run.lock:
            if run.frame.running:
                records, run.history = run.history, []
                self.send(("frame", run.token, run.generation, run.frame, records))
            elif self._leave(run.token) is run:  # it stopped by itself: the whole run goes home
                self.send_home(run)

    def play(self, run: LiveRun) -> None:
        """Train an arriving run in this process's trainer thread."""
        run.sink = self.sink
        with self.runs_lock:
            self.runs[run.token] = run
        run.train_here()

    def take(self, token: str, generation: int) -> None:
        """Stop a run and send it home (or say it is already on its way)."""
        run = self._leave(token)
        if run is None:
            self.send(("home", token, generation, None))
            return
        with run.lock:  # waits for the current slice (at most SLICE_S)
            self.send_home(run)  # still marked running: it did not stop by itself
            run.running = False

    def drop(self, token: str) -> None:
        """Forget a run whose session is gone."""
        run = self._leave(token)
        if run is not None:
            with run.lock:
                run.running = False

    def set(self, token: str, name: str, value: Any) -> None:
        """Change a live setting of a run training here."""
        with self.runs_lock:
            run = self.runs.get(token)
        if run is None:
            return
        with run.lock:
            if name == "apply_live_settings":
                run.apply_live_settings(value)
            else:
                setattr(run, name, value)

    def serve(self) -> None:
        """Answer the web process's messages until it closes the pipe."""
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                return
            if message is None:
                return
            kind = message[0]
            if kind == "play":
                self.play(message[1])
            elif kind == "take":
                self.take(message[1], message[2])
            elif kind == "drop":
                self.drop(message[1])
            elif kind == "set":
                self.set(message[1], message[2], message[3])


def main(conn: Connection) -> None:
    """A worker process's entry point (multiprocessing target)."""
    with contextlib.suppress(OSError):  # not allowed here: train at the same priority
        os.nice(WORKER_NICE)
    torch.multiprocessing.set_sharing_strategy(SHARING_STRATEGY)
    configure_threads()
    SCHEDULER.total_duty = SCHEDULER.run_duty = WORKER_DUTY
    WorkerSide(conn).serve()
