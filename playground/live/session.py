"""Per-session live runs, kept in st.session_state under namespaced keys.

Nothing here calls Streamlit: the session state mapping is passed in, so the
logic is testable with a plain dict.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, MutableMapping
from typing import Any

from playground.live import hub as live_hub
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
        fresh.play()
    return fresh, run is not None


def reset_run(state: MutableMapping[str, Any], page: str) -> None:
    """Stop and forget the page's run; the next get_run builds a fresh model."""
    run = state.pop(namespaced(page, "run"), None)
    if isinstance(run, LiveRun):
        run.pause()
