"""A one-line message instead of a stack trace when something unexpected breaks."""

from __future__ import annotations

import logging

import streamlit as st

from playground.literal import literal

LOGGER = logging.getLogger("playground")


def show_friendly_error(error: Exception) -> bool:
    """Log the full error for the teacher, show the learner one line; True suppresses the traceback."""
    LOGGER.exception("Unexpected error in a page", exc_info=error)
    detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    st.error(
        literal(
            f"Something went wrong on this page ({type(error).__name__}: {detail}). Your settings and model are "
            "kept: change the last setting back, or reload the page."
        )
    )
    return True
