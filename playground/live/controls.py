"""Live training on every page: Play / Pause / Step / Reset, and the live view that streams frames.

Play starts the run's background trainer (playground.live.run); the live view
is a small component that listens to the run's frame stream
(playground.live.stream) and redraws itself, so no Streamlit rerun happens
while a model trains and the controls stay responsive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st
import streamlit.components.v2 as components
from streamlit.delta_generator import DeltaGenerator

from playground.live.run import LiveRun
from playground.live.session import namespaced, reset_run, start
from playground.live.stream import ROUTE_PREFIX

_ASSETS = Path(__file__).parent / "components"
_LIVE_VIEW = components.component(
    "playground_live_view",
    html=(_ASSETS / "live_view.html").read_text(),
    css=(_ASSETS / "live_view.css").read_text(),
    js=(_ASSETS / "live_view.js").read_text(),
)


def _run_of(page: str) -> LiveRun | None:
    run = st.session_state.get(namespaced(page, "run"))
    return run if isinstance(run, LiveRun) else None


REFUSED = "live/refused"  # session-state key: why the last Play did not start (shown once)


def _play(pages: tuple[str, ...]) -> None:
    runs = [run for run in map(_run_of, pages) if run is not None]
    refusal = start(st.session_state, *runs)
    if refusal is not None:
        st.session_state[REFUSED] = refusal


def _pause(pages: tuple[str, ...]) -> None:
    runs = [run for run in map(_run_of, pages) if run is not None]
    if len(runs) == 1:
        runs[0].pause()
        return
    # An experiment's runs may train in busy workers: ask them all home at once, not one after the other.
    trips = [threading.Thread(target=run.pause, name="playground-pause") for run in runs]
    for trip in trips:
        trip.start()
    for trip in trips:
        trip.join()


def _step(pages: tuple[str, ...]) -> None:
    for page in pages:
        run = _run_of(page)
        if run is not None:
            run.step()


def _reset(pages: tuple[str, ...]) -> None:
    for page in pages:
        reset_run(st.session_state, page)


SPEEDS: dict[str, float | None] = {"10 / s": 10.0, "30 / s": 30.0, "100 / s": 100.0, "max": None}


def transport_controls(
    page: str | tuple[str, ...],
    run: LiveRun,
    default_speed: str = "max",
    extra: Callable[[DeltaGenerator], None] | None = None,
) -> None:
    """Play (or Pause), Step, Reset and a speed for the page's run (or runs); callbacks act before the rerun.

    Play and Pause are separate buttons with idempotent callbacks (not a toggle), so a click
    replayed by a coalesced rerun cannot undo itself. With several pages (an experiment's runs)
    every button acts on all of them; Pause shows while any of them trains. `extra` draws a page's own
    buttons at the end of the row.
    """
    pages = (page,) if isinstance(page, str) else tuple(page)
    key = pages[0]
    refusal = st.session_state.pop(REFUSED, None)
    if refusal:
        st.warning(refusal, icon=":material/hourglass_top:")
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    running = any((_run_of(other) or run).running for other in pages)  # one run may stop before the other
    first = (
        ("pause", _pause, ":material/pause:", "Stop training")
        if running
        else ("play", _play, ":material/play_arrow:", "Train continuously")
    )
    buttons = [
        first,
        ("step", _step, ":material/skip_next:", "Train exactly one epoch"),
        ("reset", _reset, ":material/restart_alt:", "Back to the starting weights, empty history; settings stay"),
    ]
    for index, (name, callback, icon, help_text) in enumerate(buttons):
        row.button(
            name.capitalize(),
            key=namespaced(key, name),
            on_click=callback,
            args=(pages,),
            icon=icon,
            type="primary" if index == 0 else "secondary",
            help=help_text,
        )
    speed = row.segmented_control(
        "Speed",
        list(SPEEDS),
        default=default_speed,
        key=namespaced(key, "speed"),
        label_visibility="collapsed",
        help="Epochs per second: slow it down to watch each step, or let it run as fast as this server allows",
    )
    if extra is not None:
        extra(row)
    for other in pages:
        target = _run_of(other) or run
        target.speed = SPEEDS.get(speed or default_speed)


def live_view(page: str, run: LiveRun, data: dict[str, Any], compare: tuple[str, LiveRun] | None = None) -> Any:
    """Mount the live view for `run`: counters, pictures and curves, fed by the run's frame stream.

    Returns what a click in the view picked this run (a weight on the classification page), else None.

    Args:
        page: the page's namespace (the component's key).
        run: the run to show.
        data: what the view draws besides the frames (points, colours, options), JSON-serialisable.
        compare: (label, run) whose curves the charts draw too, dashed (an experiment's other arm).
    """
    run.touch()
    shown = run.message if run.message and not run.running else None
    if shown:
        st.warning(shown)  # the view hides its own copy of this message: one message, not two
    result = _LIVE_VIEW(
        key=namespaced(page, "live_view"),
        data={
            **data,
            "stream": ROUTE_PREFIX + run.token,
            "running": run.running,
            "seq": run.frame.seq,  # the frame this render saw: a later one that says stopped means it stopped since
            "shown_message": shown,
            "compare": {"label": compare[0], "stream": ROUTE_PREFIX + compare[1].token} if compare else None,
        },
        on_stopped_change=lambda: None,  # the trainer stopped by itself: this rerun redraws the buttons
        on_weight_change=lambda: None,  # a weight was clicked: this rerun opens its editor
    )
    return getattr(result, "weight", None)
