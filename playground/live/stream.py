"""The frame stream: one server-sent-events response per open live view.

Served as a Starlette route beside Streamlit (see streamlit_app.py). It sends
a frame whenever the run's trainer publishes a new one (at most 15 a
second), with only the epoch records and pictures the browser has not seen
yet, so the page redraws without any Streamlit rerun.

A stream sleeps until the run tells it a frame arrived (a listener on the run),
not polling: thirty open streams polling 50 times a second kept a classroom
server's event loop busy enough to delay every learner's clicks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import AsyncIterator, Sequence

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from core.engine import EpochRecord
from playground.live import hub as live_hub

ROUTE_PREFIX = "/_playground/live/"
WAKE_S = 1.0  # a stream with no new frame still wakes this often (keep-alive, a closed browser, a gone run)
KEEP_ALIVE_S = 15.0  # a comment line this often keeps proxies from closing an idle stream
MAX_RECORDS_PER_MESSAGE = 2000  # a long history is thinned on (re)connect; the curves draw ~2k points anyway


def _number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.6g}")


def encode_records(records: Sequence[EpochRecord]) -> list[list[float | int | None]]:
    """Compact rows [epoch, train_loss, test_loss, train_acc, test_acc], thinned to the message limit."""
    if len(records) > MAX_RECORDS_PER_MESSAGE:
        stride = math.ceil(len(records) / MAX_RECORDS_PER_MESSAGE)
        records = [*records[::stride], records[-1]]
    return [
        [r.epoch, _number(r.train_loss), _number(r.test_loss), _number(r.train_acc), _number(r.test_acc)]
        for r in records
    ]


async def _events(request: Request, token: str) -> AsyncIterator[str]:
    sent, seq, version, last_write = 0, -1, -1, time.monotonic()
    shown: dict[str, object] = {}  # the pictures this browser already has
    loop = asyncio.get_running_loop()
    arrived = asyncio.Event()

    def wake() -> None:  # called by whichever thread sets the run's frame
        with contextlib.suppress(RuntimeError):  # the server is shutting down: its loop is closed
            loop.call_soon_threadsafe(arrived.set)

    try:
        while True:
            run = live_hub.lookup(token)
            if run is None:
                yield "event: gone\ndata: {}\n\n"
                return
            run.listeners.add(wake)
            arrived.clear()  # before reading the frame: one that lands after the read wakes the wait below
            run.touch()
            frame = run.frame
            if frame.seq != seq:
                if run.history_version != version:  # thinned since the last message: send it all again
                    sent, version = 0, run.history_version
                count = len(run.history)
                payload = {
                    "seq": frame.seq,
                    "epoch": frame.epoch,
                    "running": frame.running,
                    "eps": frame.epochs_per_s,
                    "sps": frame.samples_per_s,
                    "message": frame.message,
                    "records": encode_records(run.history[sent:count]),
                    "reset": sent == 0,
                    "pictures": {key: value for key, value in frame.pictures.items() if shown.get(key) != value},
                }
                shown.update(frame.pictures)
                sent, seq, last_write = count, frame.seq, time.monotonic()
                yield f"data: {json.dumps(payload, separators=(',', ':'))}\n\n"
            elif time.monotonic() - last_write > KEEP_ALIVE_S:
                last_write = time.monotonic()
                yield ": keep-alive\n\n"
            del run, frame  # hold no reference while waiting: a finished session's run can be collected
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), WAKE_S)
            if not arrived.is_set() and await request.is_disconnected():
                return
    finally:
        run = live_hub.lookup(token)
        if run is not None:
            run.listeners.discard(wake)


async def frames(request: Request) -> Response:
    """GET /_playground/live/{token}: the run's frames as text/event-stream (404 for an unknown token)."""
    token = request.path_params["token"]
    if live_hub.lookup(token) is None:
        return PlainTextResponse("This training run has ended; reload the page.", status_code=404)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(_events(request, token), media_type="text/event-stream", headers=headers)


ROUTES = [Route(ROUTE_PREFIX + "{token}", frames, methods=["GET"])]
