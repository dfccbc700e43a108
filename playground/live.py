"""The live-training fragment every page uses: Play / Pause / Step / Reset and a ticking chart area."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from playground.state import LiveRun, namespaced, reset_run

TICK_INTERVAL_S = 0.1  # how often a running fragment asks for a new tick
TRAIN_BUDGET_S = 0.12  # training time per tick before the charts redraw


def _run_of(page: str) -> LiveRun | None:
    run = st.session_state.get(namespaced(page, "run"))
    return run if isinstance(run, LiveRun) else None


def _play(page: str) -> None:
    run = _run_of(page)
    if run is not None and not run.running:
        run.play()


def _pause(page: str) -> None:
    # Separate, idempotent callbacks (not a toggle): a click replayed by a coalesced rerun cannot undo itself.
    run = _run_of(page)
    if run is not None:
        run.pause()


def _step(page: str) -> None:
    run = _run_of(page)
    if run is not None:
        run.pause()
        run.step()


def _reset(page: str) -> None:
    reset_run(st.session_state, page)


def transport_controls(page: str, run: LiveRun) -> None:
    """Play/Pause, Step and Reset buttons for the page's run (callbacks act before the rerun)."""
    row = st.container(horizontal=True, gap="small")
    play = step = reset = row
    if run.running:
        play.button(
            "Pause",
            key=namespaced(page, "pause"),
            on_click=_pause,
            args=(page,),
            icon=":material/pause:",
            type="primary",
            width="content",
            help="Stop after this tick",
        )
    else:
        play.button(
            "Play",
            key=namespaced(page, "play"),
            on_click=_play,
            args=(page,),
            icon=":material/play_arrow:",
            type="primary",
            width="content",
            help="Train continuously",
        )
    step.button(
        "Step",
        key=namespaced(page, "step"),
        on_click=_step,
        args=(page,),
        width="content",
        icon=":material/skip_next:",
        help="Train exactly one epoch",
    )
    reset.button(
        "Reset",
        key=namespaced(page, "reset"),
        on_click=_reset,
        args=(page,),
        width="content",
        icon=":material/restart_alt:",
        help="Fresh weights, empty history; settings stay",
    )


def live_area(page: str, render: Callable[[LiveRun], None]) -> None:
    """Draw the page's live area; while running it reruns itself every tick and trains a bounded chunk.

    Args:
        page: the page's namespace in session state.
        render: draws the run (metrics, charts); called after each tick's training.
    """
    run = _run_of(page)
    interval = TICK_INTERVAL_S if run is not None and run.running else None

    @st.fragment(run_every=interval)
    def tick() -> None:
        current = _run_of(page)
        if current is None:
            return
        was_running = current.running
        if was_running:
            current.advance(TRAIN_BUDGET_S)
        render(current)
        if was_running and not current.running:
            st.rerun(scope="app")  # it diverged: redraw the buttons and stop ticking

    tick()
