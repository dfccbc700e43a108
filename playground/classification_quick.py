"""The classification page's quick path: settings a running model takes, without redrawing the page.

A click normally reruns the whole page script (every widget, the live view, the code), and a classroom
server pays for each. The learning rate, momentum, regularization rate and batch size change how a
running model learns, not the model: each is drawn in a fragment of its own, so changing it reruns only
that fragment, which hands the new value to the running model and to the link. The code view shows the
settings too: while it is open, a change reruns the page instead.

Streamlit decides what reruns: a change made together with any control outside these fragments (clicks
coalesced under load) reruns the whole page, as it should.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from playground.classification_urlsync import save_settings, saved_settings
from playground.classification_widgets import live_train
from playground.code_ui import CODE_OPEN
from playground.live.run import LiveRun
from playground.live.session import namespaced

PAGE = "classification"
_CHANGED = PAGE + "/live_changed"  # set by a live setting's callback, taken by its fragment


def _run() -> LiveRun | None:
    run = st.session_state.get(namespaced(PAGE, "run"))
    return run if isinstance(run, LiveRun) else None


def _mark_changed() -> None:
    st.session_state[_CHANGED] = True


def _in_fragment_run() -> bool:
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def apply_live_change() -> None:
    """Hand the live settings as they are now to the running model and the link (the page's saved settings)."""
    saved = saved_settings(PAGE)
    if saved is None:
        return
    config = replace(saved, train=live_train(saved.train, st.session_state))
    run = _run()
    if run is not None:
        run.apply_live_settings(config.train)
    save_settings(PAGE, config)


@st.fragment
def _live_fragment(widget: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    value = widget(*args, on_change=_mark_changed, **kwargs)
    if st.session_state.pop(_CHANGED, False) and _in_fragment_run():  # a full run applies everything itself
        apply_live_change()
        if st.session_state.get(PAGE + CODE_OPEN):
            st.rerun()  # the open code view shows the settings: redraw the page
    return value


def live_control(box: DeltaGenerator, widget: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`widget(*args, **kwargs)` (e.g. st.select_slider) in `box`, in a fragment of its own; returns its value."""
    with box:
        return _live_fragment(widget, args, kwargs)
