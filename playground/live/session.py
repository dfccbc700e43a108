"""Per-session live runs, kept in st.session_state under namespaced keys.

Nothing here calls Streamlit: the session state mapping is passed in, so the
logic is testable with a plain dict.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, MutableMapping
from typing import Any

from playground.live import hub as live_hub
from playground.live.pool import POOL, RUNS_PER_SESSION, ServerFull
from playground.live.run import LiveRun, PictureMaker


def namespaced(page: str, name: str) -> str:
    """A session-state key that belongs to one page, e.g. 'classification/run'."""
    return f"{page}/{name}"


def get_run(
    state: MutableMapping[str, Any],
    page: str,
    key: Hashable,
    build: Callable[[], Any],
    pictures: PictureMaker | None = None,
) -> tuple[LiveRun, bool]:
    """The page's run for these settings: reused when `key` matches, else built afresh (playing if the old one was).

    Returns:
        (run, rebuilt) where rebuilt says a new model replaced an existing one.
    """
    slot = namespaced(page, "run")
    run = state.get(slot)
    if isinstance(run, LiveRun) and run.key == key:
        run.touch()
        return run, False
    was_playing = isinstance(run, LiveRun) and run.running
    if isinstance(run, LiveRun):
        run.pause()
    fresh = LiveRun(build(), key, pictures)
    live_hub.register(fresh)
    state[slot] = fresh
    if was_playing:  # like TF Playground: a new network keeps playing, from fresh weights
        start(state, fresh)
    return fresh, run is not None


def playing_in(state: MutableMapping[str, Any]) -> int:
    """How many of this session's models are training."""
    return sum(1 for value in list(state.values()) if isinstance(value, LiveRun) and value.running)


def start(state: MutableMapping[str, Any], *runs: LiveRun) -> str | None:
    """Play runs where they train best (a worker process, or this process for a GPU or without workers).

    Returns:
        None, or a one-line reason why none of them started (this session or the server trains too many).
    """
    idle = [run for run in runs if not run.running]
    busy = playing_in(state)
    if busy + len(idle) > RUNS_PER_SESSION:
        models = f"{busy} model{'s' if busy != 1 else ''}"
        return f"You are training {models} already; pause one to start another (at most {RUNS_PER_SESSION} at once)."
    try:
        POOL.admit(len(idle))
    except ServerFull as full:
        return str(full)
    for run in idle:
        run.play(POOL if POOL.trains(run) else None)
    return None


def reset_run(state: MutableMapping[str, Any], page: str) -> None:
    """Stop and forget the page's run; the next get_run builds a fresh model."""
    run = state.pop(namespaced(page, "run"), None)
    if isinstance(run, LiveRun):
        run.pause()
