"""Serve the app to a classroom: several app replicas behind HAProxy, with sticky sessions.

    python -m deploy.classroom [--replicas 2] [--workers 1] [--port 8501] [--bind 0.0.0.0]

Each replica is the usual `streamlit run streamlit_app.py` on a loopback port,
training its learners' models in its own worker processes (--workers each).
HAProxy (Debian's `haproxy` package) listens on --port and spreads new
learners over the replicas round-robin; a cookie it sets pins each browser to
its replica, so a learner's page, websocket and frame stream all reach the
replica that holds their session. HAProxy checks each replica's health and
stops sending new learners to one that is down. Ctrl-C stops everything.

Why replicas on one machine too: a replica runs every page script of its
learners in one Python process (one core at a time); with a large class the
clicks alone fill that core, so a server with C cores runs several replicas.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_FALLBACK = "/usr/sbin/haproxy"  # Debian's path, outside a non-root PATH
COOKIE = "PLAYGROUND_REPLICA"  # the sticky-session cookie HAProxy sets
STREAM_TIMEOUT = "1h"  # websockets and frame streams stay open this long without traffic (streams send keep-alives)


def haproxy_config(port: int, replica_ports: list[int], bind: str = "0.0.0.0") -> str:
    """HAProxy's configuration: one frontend on `port`, the replicas round-robin with a sticky cookie."""
    servers = "\n".join(
        f"    server replica{i} 127.0.0.1:{p} check inter 2s cookie replica{i}" for i, p in enumerate(replica_ports, 1)
    )
    return f"""global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client {STREAM_TIMEOUT}
    timeout server {STREAM_TIMEOUT}
    timeout tunnel {STREAM_TIMEOUT}
    option forwardfor

frontend classroom
    bind {bind}:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    cookie {COOKIE} insert indirect nocache httponly
    option httpchk GET /_stcore/health
{servers}
"""


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports free right now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def app_command(port: int) -> list[str]:
    """`streamlit run streamlit_app.py` on a loopback port, headless, without usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "streamlit_app.py"),
        "--server.headless=true",
        "--global.developmentMode=false",
        "--browser.gatherUsageStats=false",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
    ]


def _replica(port: int, workers: int, cookie_secret: str) -> subprocess.Popen:
    env = {**os.environ, "PLAYGROUND_WORKERS": str(workers), "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret}
    return subprocess.Popen(app_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_healthy(url: str, process: subprocess.Popen, timeout_s: float) -> None:
    """Poll `url`'s /_stcore/health until it answers 200; RuntimeError if the process ends or time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        with contextlib.suppress(OSError), urllib.request.urlopen(url + "/_stcore/health", timeout=2) as reply:
            if reply.status == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start.")
        time.sleep(0.3)


def stop(processes: list[subprocess.Popen]) -> None:
    """Terminate the processes, killing any that do not end within 10 seconds."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def classroom(
    replicas: int = 2, workers: int = 1, port: int = 8501, bind: str = "0.0.0.0", timeout_s: float = 90.0
) -> Iterator[tuple[str, list[str]]]:
    """Start the replicas and HAProxy; yields (the balancer's URL, the replicas' URLs); stops them afterwards."""
    haproxy = shutil.which("haproxy") or (HAPROXY_FALLBACK if Path(HAPROXY_FALLBACK).exists() else None)
    if haproxy is None:
        raise RuntimeError("HAProxy is not installed: apt-get install -y haproxy")
    ports = free_ports(replicas)
    secret = secrets.token_urlsafe(32)
    processes = [_replica(p, workers, secret) for p in ports]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        for url, process in zip(urls, processes, strict=True):
            wait_healthy(url, process, timeout_s)
        folder = Path(tempfile.mkdtemp(prefix="playground-classroom-"))
        config = folder / "haproxy.cfg"
        config.write_text(haproxy_config(port, ports, bind))
        balancer = subprocess.Popen(
            [haproxy, "-f", str(config), "-db"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        processes.append(balancer)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, balancer, 20.0)
        except RuntimeError:
            error = balancer.stderr.read() if balancer.poll() is not None and balancer.stderr else ""
            raise RuntimeError(f"HAProxy did not start on port {port}: {error.strip()[-300:]}") from None
        yield base, urls
    finally:
        stop(processes[::-1])


def main() -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    replicas = max(2, cores // 4)
    parser.add_argument("--replicas", type=int, default=replicas, help=f"app processes (here: {replicas})")
    parser.add_argument(
        "--workers",
        type=int,
        default=max(1, cores // replicas),
        help=f"training worker processes per replica (here: {max(1, cores // replicas)}, one per core in all)",
    )
    parser.add_argument("--port", type=int, default=8501, help="where learners connect (default: 8501)")
    parser.add_argument("--bind", default="0.0.0.0", help="address to listen on (default: every interface)")
    args = parser.parse_args()
    if args.replicas < 1 or args.workers < 0:
        parser.error("--replicas must be at least 1 and --workers at least 0")
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    with classroom(args.replicas, args.workers, args.port, args.bind) as (base, urls):
        print(f"PyTorch Playground for a classroom: http://<this machine>:{args.port}  ({base} here)", flush=True)
        print(f"{args.replicas} replicas ({', '.join(urls)}), {args.workers} training workers each. Ctrl-C stops.")
        with contextlib.suppress(KeyboardInterrupt):
            while not stop["now"]:
                time.sleep(0.5)


if __name__ == "__main__":
    main()
