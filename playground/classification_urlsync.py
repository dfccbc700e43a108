"""Mirror a page's settings in the URL and in session state, so links and page switches keep them."""

from __future__ import annotations

import streamlit as st

from core.challenges import challenges_for
from core.classification import OWN, ClassificationConfig
from playground.classification_settings import FOCUS_IMPLIES, FOCUSABLE, decode, encode, widget_values
from playground.classification_widgets import fill_missing
from playground.focus import current_focus, encode_focus, read_focus
from playground.literal import literal
from playground.own_points_ui import POINTS, VALUES
from playground.run_report_ui import read_replay
from playground.sidebar import SEED_KEY


def restore_settings(page: str, seed: int) -> None:
    """Before the widgets: fill their keys from the link (first visit) or from the saved settings.

    Garbage in the link falls back to defaults with a notice. A teacher's link may also lock or hide
    controls and set a challenge (playground.focus); that stays for the session.
    """
    saved_key = f"{page}/settings"
    if saved_key not in st.session_state:
        config, notices = decode(st.query_params.to_dict(), ClassificationConfig(seed=seed))
        for notice in notices:
            st.info(literal(notice))
        read_focus(page, FOCUSABLE, [challenge.key for challenge in challenges_for(page)], FOCUS_IMPLIES)
        read_replay(page, st.query_params.to_dict())
        if config.data.dataset == OWN and (VALUES if config.data.regression else POINTS) not in st.session_state:
            st.info("A link cannot carry your own points: here is an example set. Upload your CSV or click the plane.")
        st.session_state[saved_key] = config
        fill_missing(st.session_state, widget_values(config), overwrite=True)
        if config.seed != seed:
            st.session_state[SEED_KEY] = config.seed
    else:
        fill_missing(st.session_state, widget_values(st.session_state[saved_key]))


def saved_settings(page: str) -> ClassificationConfig | None:
    """The settings the page's last run saved (None before its first)."""
    config = st.session_state.get(f"{page}/settings")
    return config if isinstance(config, ClassificationConfig) else None


def save_settings(page: str, config: ClassificationConfig) -> None:
    """After the widgets: remember the settings and write them to the query string."""
    st.session_state[f"{page}/settings"] = config
    wanted = encode(config) | encode_focus(current_focus(page), FOCUSABLE)  # a reload keeps a teacher's focus
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
