"""A classroom without browsers: N simulated learners against a real server.

Starts the app under `streamlit run` (with the given numbers of training
workers), then connects N learners over Streamlit's own websocket protocol,
as a browser does: each opens the classification page with TF Playground's
default setup, presses Play, changes the learning rate once a second (a click
the server must answer with a script run) and reads its frame stream over
HTTP. Prints, per worker count: each learner's epochs/s (min, median, and
min/median), their sum, frames/s delivered, the p95 time from a click to its
answer (the script run finished), and the server's memory per learner (the
web process and its workers: RSS, and PSS, which counts shared libraries once).

    python -m bench.bench_classroom [--learners 1,2,8,30] [--setups 1x1,1x2,2x1] [--seconds 15]

A setup RxW is R app replicas (behind HAProxy when R > 1, see deploy/classroom.py)
with W training worker processes each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import statistics
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.bench_browser import QUERIES
from deploy.classroom import classroom
from devtools.browser import app_server, free_port
from devtools.session_client import SessionClient, open_session

STREAM = re.compile(rb"/_playground/live/[A-Za-z0-9_\-]+")
EPOCH = re.compile(rb'"epoch":(\d+)')
LEARNING_RATES = ("0.1", "0.03")  # the slider's formatted options a learner switches between (0.03: TF's default)
LR_KEY, PLAY_KEY, PAUSE_KEY = "classification/lr", "classification/play", "classification/pause"


@dataclass
class Learner:
    """One simulated learner: a Streamlit session over a websocket, and its frame stream."""

    base: str
    stream: str = ""
    answers: list[float] = field(default_factory=list)  # seconds from a click to its script run's end
    epochs: list[tuple[float, int]] = field(default_factory=list)  # (time, epoch) from every frame
    frames: int = 0
    lr_index: int = 0
    measure_from: float = float("inf")  # perf_counter time the measured window starts
    phase: float = field(default_factory=random.random)  # seconds before the first click (spreads the clicks)
    cookie: str = ""  # a load balancer's sticky-session cookie, sent back as a browser does

    async def open_page(self) -> None:
        """GET the page as a browser does first, keeping any cookie (a balancer pins the session with one)."""
        host, port = self.base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"GET /classification HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        head = (await reader.read()).split(b"\r\n\r\n", 1)[0].decode("latin-1")
        writer.close()
        lines = head.split("\r\n")[1:]
        self.cookie = "; ".join(
            line.split(":", 1)[1].split(";", 1)[0].strip() for line in lines if line.lower().startswith("set-cookie:")
        )

    async def rerun(self, session: SessionClient, states: list[WidgetState], key: str = "") -> float:
        """One click (see SessionClient.run); notes the frame stream's address; returns the seconds it took."""
        reply = await session.run(states, key)
        for element in reply.elements():
            found = STREAM.search(element.SerializeToString())
            if found:
                self.stream = found.group().decode()
        return reply.seconds

    def lr_state(self, session: SessionClient) -> WidgetState:
        """The learning-rate slider at its next setting (it alternates between two of its steps)."""
        self.lr_index = 1 - self.lr_index
        return session.choose(LR_KEY, LEARNING_RATES[self.lr_index])

    async def read_frames(self, stop: asyncio.Event) -> None:
        """Read the frame stream over HTTP until told to stop; note each frame's epoch."""
        host, port = self.base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port), limit=2**24)
        cookie = f"Cookie: {self.cookie}\r\n" if self.cookie else ""
        writer.write(
            f"GET {self.stream} HTTP/1.1\r\nHost: {host}\r\n{cookie}Accept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        while not stop.is_set():
            try:
                line = await asyncio.wait_for(reader.readline(), 1.0)
            except TimeoutError:
                continue
            if not line:
                break
            found = EPOCH.search(line[:80]) if line.startswith(b"data:") or b'"epoch"' in line[:80] else None
            if found:
                self.frames += 1
                self.epochs.append((time.perf_counter(), int(found.group(1))))
        writer.close()

    async def attend(self, seconds: float, warmup: float, play: bool = True) -> None:
        """Open the page, Play (unless told not to), then click once a second while reading frames."""
        await self.open_page()
        query = urllib.parse.urlencode(QUERIES["default"])
        session = await open_session(self.base, "classification", query, self.cookie)
        try:
            await self.rerun(session, [])
            if play:
                await self.rerun(session, [session.click(PLAY_KEY)])
            stop = asyncio.Event()
            reading = asyncio.create_task(self.read_frames(stop))
            self.measure_from = time.perf_counter() + warmup
            ends = self.measure_from + seconds
            await asyncio.sleep(self.phase)  # learners click at their own moments, not all at once
            while time.perf_counter() < ends:
                await asyncio.sleep(1.0)
                took = await self.rerun(session, [self.lr_state(session)], LR_KEY)
                if time.perf_counter() > self.measure_from:
                    self.answers.append(took)
            stop.set()
            await reading
            if play:
                await self.rerun(session, [session.click(PAUSE_KEY)])
        finally:
            await session.ws.close()

    def epochs_per_s(self) -> float:
        """Epochs per second over the frames in the measured window."""
        points = [(t, e) for t, e in self.epochs if t >= self.measure_from]
        if len(points) < 2:
            return 0.0
        (t0, e0), (t1, e1) = points[0], points[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0


def server_pids(ports: list[int]) -> list[int]:
    """The streamlit processes serving `ports` and their descendants (the training workers)."""
    processes: dict[int, int] = {}
    servers: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        processes[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        if any(f"--server.port={p}".encode() in cmdline.split(b"\0") for p in ports):  # deploy.app_command's flag
            servers.add(int(entry.name))
    family, grew = set(servers), True
    while grew:
        grew = False
        for pid, parent in processes.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return sorted(family)


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """(RSS, PSS) summed over the processes, in MB."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


async def class_of(
    base: str, ports: list[int], learners: int, seconds: float, warmup: float, play: bool = True
) -> tuple[list[Learner], tuple[float, float]]:
    """Run `learners` simulated learners at once; returns them and the servers' memory while they train."""
    group = [Learner(base) for _ in range(learners)]

    async def measure_memory() -> tuple[float, float]:
        await asyncio.sleep(warmup + seconds * 0.8)
        return memory_mb(server_pids(ports))

    *_, memory = await asyncio.gather(*(learner.attend(seconds, warmup, play) for learner in group), measure_memory())
    return group, memory


def report(setup: str, learners: int, group: list[Learner], memory: tuple[float, float]) -> float:
    """Print one line of figures; returns the summed epochs/s."""
    started = min(learner.measure_from for learner in group)
    rates = sorted(learner.epochs_per_s() for learner in group)
    answers = sorted(a for learner in group for a in learner.answers)
    p50, p95 = (answers[min(len(answers) - 1, int(q * len(answers)))] if answers else float("nan") for q in (0.5, 0.95))
    median = statistics.median(rates)
    frames = sum(learner.frames for learner in group)
    window = max(max((t for learner in group for t, _ in learner.epochs), default=started) - started, 1e-9)
    print(
        f"{setup}, {learners:2d} learners: epochs/s each min {rates[0]:6.1f} median {median:6.1f} "
        f"(min/median {rates[0] / median if median else 0:.2f}) sum {sum(rates):7.1f} | "
        f"frames/s {frames / window:6.1f} ({frames / window / learners:4.1f} each) | click answered median "
        f"{p50 * 1000:3.0f} ms, p95 {p95 * 1000:4.0f} ms | server RSS {memory[0] / learners:6.1f} MB, "
        f"PSS {memory[1] / learners:6.1f} MB per learner",
        flush=True,
    )
    return sum(rates)


@contextlib.contextmanager
def serving(replicas: int, workers: int) -> Iterator[tuple[str, list[int]]]:
    """One app server (replicas 1), or replicas behind HAProxy; yields (where learners connect, the app ports)."""
    if replicas == 1:
        with app_server(workers=workers) as base:
            yield base, [int(base.rsplit(":", 1)[1])]
    else:
        with classroom(replicas, workers, port=free_port(), bind="127.0.0.1") as (base, urls):
            yield base, [int(url.rsplit(":", 1)[1]) for url in urls]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="1,2,8,30", help="comma-separated class sizes")
    parser.add_argument(
        "--setups",
        default="1x1,1x2,2x1",
        help="comma-separated REPLICASxWORKERS: 1x2 is one app server with 2 training workers, "
        "2x1 two replicas behind HAProxy with one worker each",
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per class")
    parser.add_argument("--warmup", type=float, default=4.0, help="seconds after Play before measuring")
    parser.add_argument("--no-play", action="store_true", help="learners only click (the cost of script runs alone)")
    args = parser.parse_args()
    sums: dict[tuple[str, int], float] = {}
    setups = args.setups.split(",")
    for setup in setups:
        replicas, workers = (int(n) for n in setup.split("x"))
        label = f"{replicas} replica{'s' if replicas > 1 else ''} x {workers} worker{'s' if workers > 1 else ''}"
        with serving(replicas, workers) as (base, ports):
            for learners in (int(n) for n in args.learners.split(",")):
                group, memory = asyncio.run(
                    class_of(base, ports, learners, args.seconds, args.warmup, not args.no_play)
                )
                sums[setup, learners] = report(label, learners, group, memory)
    for (setup, learners), total in sorted(sums.items()):
        reference = sums.get((setups[0], learners))
        if setup != setups[0] and reference:
            print(f"{learners} learners: {setup} trains {total / reference:.2f}x {setups[0]} (epochs/s summed)")


if __name__ == "__main__":
    main()
