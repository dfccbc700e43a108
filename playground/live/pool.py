"""The worker pool: learners' runs train in worker processes, so a classroom server trains on every core.

The web process keeps each learner's LiveRun (pages read it as always) and
ships a playing run to the least busy worker (playground.live.worker). Frames
come back over the worker's pipe and feed the run's history and frame, which
the frame stream relays to the browser; a page's script never waits for
anyone's epochs, and one learner's click never pauses another's training.
Settings that change live (learning rate, speed...) are forwarded; Pause,
Step and anything that writes the model bring the run home first.

A watcher thread pauses runs nobody looks at any more, drops runs whose
session is gone, and moves a run when one worker has two more than another,
so every learner gets about the same share of the machine.

The pool is process-wide by nature (like the trainer thread): the workers
serve every session, but each run is reachable only by its own token.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import torch
import torch.multiprocessing

from playground.live import hub as live_hub
from playground.live import worker as live_worker
from playground.live.run import STALE_AFTER_S, LiveRun
from playground.live.scheduler import SCHEDULER

WORKERS_ENV = "PLAYGROUND_WORKERS"  # worker processes; 0 trains in the web process's own thread
MAX_RUNS_ENV = "PLAYGROUND_MAX_RUNS"  # models training at once on this server
RUNS_PER_SESSION = 4  # models one learner may train at once (an experiment trains two side by side)
RUNS_PER_CORE = 32  # the default server cap per core: at TF Playground's pace a core holds about 10 (docs)
TAKE_TIMEOUT_S = 20.0  # how long Pause waits for a worker to send a run home before giving up on it
WATCH_EVERY_S = 1.0  # how often the watcher looks for stale runs, gone sessions and uneven workers


def configured_workers() -> int:
    """Worker processes to start: $PLAYGROUND_WORKERS, else one per core this process may use."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        return max(0, int(value))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def configured_max_runs(workers: int) -> int:
    """Models that may train at once: $PLAYGROUND_MAX_RUNS, else RUNS_PER_CORE per worker (or per core)."""
    value = os.environ.get(MAX_RUNS_ENV, "").strip()
    return max(1, int(value)) if value else RUNS_PER_CORE * max(1, workers)


class ServerFull(RuntimeError):
    """No room for another training model, on this server or in this session."""


@dataclass
class _Worker:
    """One worker process as the web process sees it."""

    process: BaseProcess
    conn: Connection
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    alive: bool = True

    def send(self, message: tuple[Any, ...]) -> None:
        with self.send_lock:
            self.conn.send(message)


class WorkerPool:
    """Worker processes that train playing runs; see the module docstring."""

    def __init__(self, size: int, max_runs: int) -> None:
        self.size = size  # worker processes (0: none, runs train in this process)
        self.max_runs = max_runs  # models training at once, here and in workers
        self._workers: list[_Worker] = []
        self._where: dict[str, tuple[_Worker, int]] = {}  # token -> (worker, generation) while it trains there
        self._waiting: dict[str, threading.Event] = {}  # token -> set when the run is home
        self._lock = threading.Lock()
        self._rebalance = threading.Event()
        self._starting = False  # start_soon was called

    # -- starting ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers (or replace dead ones) and the watcher; cheap when they run."""
        if self.size == 0:
            return
        with self._lock:
            if sum(worker.alive for worker in self._workers) == self.size:
                return
            torch.multiprocessing.set_sharing_strategy(live_worker.SHARING_STRATEGY)
            context = multiprocessing.get_context("spawn")  # no fork of a threaded server
            first = not self._workers
            self._workers = [worker for worker in self._workers if worker.alive]
            while len(self._workers) < self.size:
                ours, theirs = context.Pipe()
                process = context.Process(
                    target=live_worker.main, args=(theirs,), daemon=True, name="playground-worker"
                )
                process.start()
                theirs.close()
                worker = _Worker(process, ours)
                self._workers.append(worker)
                threading.Thread(target=self._receive, args=(worker,), daemon=True, name="playground-frames").start()
            if first:
                threading.Thread(target=self._watch, daemon=True, name="playground-watcher").start()

    def start_soon(self) -> None:
        """Start the workers in the background, so the first Play does not wait for them."""
        if self.size and not self._starting:
            self._starting = True
            threading.Thread(target=self.start, daemon=True, name="playground-pool-start").start()

    # -- what trains where --------------------------------------------------------------------------------------

    def trains(self, run: LiveRun) -> bool:
        """Whether this run trains in a worker: CPU models do; a GPU is one device, so its runs stay here."""
        return self.size > 0 and run.trainer.device.type == "cpu"

    def playing(self) -> int:
        """Models training now, in workers and in this process."""
        with self._lock:
            remote = len(self._where)
        return remote + SCHEDULER.playing()

    def worker_loads(self) -> list[int]:
        """Runs training in each live worker (for the benchmark and the tests)."""
        with self._lock:
            return [len(self._tokens_on(worker)) for worker in self._workers if worker.alive]

    def _tokens_on(self, worker: _Worker) -> list[str]:
        """The runs training on `worker` (call holding the lock)."""
        return [token for token, (where, _) in self._where.items() if where is worker]

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (to measure their memory)."""
        with self._lock:
            return [worker.process.pid or 0 for worker in self._workers if worker.alive]

    def admit(self, count: int = 1) -> None:
        """Raise ServerFull when `count` more models would make the server train more than it may."""
        if self.playing() + count > self.max_runs:
            raise ServerFull(
                f"This server is training as many models as it may ({self.max_runs}). "
                "Press Play again in a minute, or ask your teacher to add workers."
            )

    # -- trips ----------------------------------------------------------------------------------------------------

    def ship(self, run: LiveRun) -> None:
        """Send a playing run to the least busy worker; if none can take it, train it here."""
        self.start()
        with self._lock:
            alive = [worker for worker in self._workers if worker.alive]
            worker = min(alive, key=lambda w: len(self._tokens_on(w))) if alive else None
            if worker is not None:
                run.generation += 1
                run.host = self
                self._where[run.token] = (worker, run.generation)
        if worker is None:
            run.train_here()
            return
        try:
            worker.send(("play", run))
        except Exception:  # the worker died, or the run cannot travel (shared memory full): train it here
            self._forget(run.token)
            run.host = None
            run.train_here()

    def take_home(self, run: LiveRun) -> None:
        """Ask the run's worker to stop it and send it home; wait until it is here."""
        with self._lock:
            place = self._where.get(run.token)
            event = self._waiting.setdefault(run.token, threading.Event())
        if place is None:  # already home (it stopped by itself just now)
            self._waiting.pop(run.token, None)
            run.host = None
            return
        worker, generation = place
        try:
            worker.send(("take", run.token, generation))
            answered = event.wait(TAKE_TIMEOUT_S)
        except (OSError, ValueError):
            answered = False
        if not answered or run.host is not None:  # a stuck or dead worker: keep the weights it shared
            self._forget(run.token)
            run.host, run.running = None, False
            run.message = "The training worker stopped answering; your model keeps the weights it had. Press Play."

    def forward(self, run: LiveRun, name: str, value: Any) -> None:
        """Set a live setting on the run in its worker (learning rate, speed, epoch budget)."""
        with self._lock:
            place = self._where.get(run.token)
        if place is not None:
            with contextlib.suppress(OSError, ValueError):  # the worker is gone: its receiver thread tells the run
                place[0].send(("set", run.token, name, value))

    def _forget(self, token: str) -> None:
        with self._lock:
            self._where.pop(token, None)
            event = self._waiting.pop(token, None)
        if event is not None:
            event.set()
        self._rebalance.set()

    # -- threads --------------------------------------------------------------------------------------------------

    def _receive(self, worker: _Worker) -> None:
        """Frames and homecomings from one worker, in order."""
        while True:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                self._lost(worker)
                return
            kind, token, generation = message[0], message[1], message[2]
            run = live_hub.lookup(token)
            current = run is not None and run.host is self and run.generation == generation
            if kind == "frame":
                if current:
                    run.receive(message[3], message[4])
            elif kind == "home":
                if current and message[3] is not None:
                    run.arrive(message[3])
                elif current:  # the worker no longer had it, or it could not travel: keep what is here
                    run.host, run.running = None, False
                    if len(message) > 4:
                        run.message = f"Training stopped: the model could not come back from its worker ({message[4]})."
                with self._lock:
                    place = self._where.get(token)
                if place is None or (place[0] is worker and place[1] == generation):  # not shipped out again
                    self._forget(token)
            del run  # hold no reference between messages: a finished session's run can be collected

    def _lost(self, worker: _Worker) -> None:
        """A worker died: its runs stop here with the weights they shared, and say so."""
        with self._lock:
            worker.alive = False
            tokens = self._tokens_on(worker)
        for token in tokens:
            run = live_hub.lookup(token)
            if run is not None and run.host is self:
                run.host, run.running = None, False
                run.message = "The training worker stopped; your model keeps the weights it had. Press Play to go on."
                run.publish()
            self._forget(token)

    def _watch(self) -> None:
        """Pause runs nobody looks at, drop runs whose session is gone, even out the workers."""
        while True:
            self._rebalance.wait(WATCH_EVERY_S)
            self._rebalance.clear()
            with self._lock:
                places = dict(self._where)
            now = time.monotonic()
            for token, (worker, _) in places.items():
                run = live_hub.lookup(token)
                if run is None:  # the session ended: its run is garbage
                    with contextlib.suppress(OSError, ValueError):
                        worker.send(("drop", token))
                    self._forget(token)
                elif now - run.last_seen > STALE_AFTER_S:
                    run.pause()  # nobody is looking any more (the tab was closed)
                del run
            self._even_out()

    def _even_out(self) -> None:
        """Move one run from the busiest worker to the idlest while they differ by two or more."""
        for _ in range(self.size * RUNS_PER_CORE):
            with self._lock:
                alive = [worker for worker in self._workers if worker.alive]
                if len(alive) < 2:
                    return
                loads = {id(worker): self._tokens_on(worker) for worker in alive}
                busiest = max(alive, key=lambda w: len(loads[id(w)]))
                idlest = min(alive, key=lambda w: len(loads[id(w)]))
                if len(loads[id(busiest)]) - len(loads[id(idlest)]) < 2:
                    return
                token = loads[id(busiest)][0]
            run = live_hub.lookup(token)
            if run is None:
                self._forget(token)
                continue
            with run.at_home():  # home and back out: ship() picks the idlest worker
                pass
            del run


def shared_for_workers(value: Any) -> Any:
    """Put the tensors in a cached, read-only value (a dataset, tuples of them) in shared memory; returns it.

    Shipping a run to a worker moves its tensors to shared memory; a tensor that other sessions read at
    that moment must already be there, so data that every learner shares is moved once, when it is cached.
    """
    if isinstance(value, torch.Tensor):
        if value.device.type == "cpu":
            value.share_memory_()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            shared_for_workers(getattr(value, item.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            shared_for_workers(item)
    elif isinstance(value, dict):
        for item in value.values():
            shared_for_workers(item)
    return value


POOL = WorkerPool(configured_workers(), configured_max_runs(configured_workers()))
