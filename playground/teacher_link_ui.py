"""For teachers: a link to a page as it is now, with controls locked or hidden and a challenge set.

The link opens exactly this page with these settings for every learner who follows it; the guide is in
docs/teacher-guide.md. Locking and hiding are for focus, not security: a learner can always edit a URL.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from core.challenges import challenges_for
from playground.focus import Focus, teacher_link

K = "teacher/"


def teacher_link_maker(page: str, settings: Mapping[str, str], controls: Mapping[str, str]) -> None:
    """An expander where a teacher picks what to lock, hide and set, and copies the link.

    Args:
        page: the page's name (its challenges and widget keys).
        settings: the page's settings as URL parameters (what the link opens with).
        controls: the controls a link may lock or hide: URL name -> label.
    """
    box = st.expander("For teachers: a link to this page for your class", key=K + page + "/open", on_change="rerun")
    if not box.open:  # drawn only while open
        return
    with box:
        names = list(controls)
        locked: list[str] = []
        hidden: list[str] = []
        if names:
            st.caption(
                "The link opens this page with its settings as they are now. Lock a control to show it without "
                "letting it change; hide it to take it off the page. Both are for focus, not security."
            )
            locked = st.multiselect("Lock", names, key=K + page + "/lock", format_func=controls.__getitem__)
            hidden = st.multiselect(
                "Hide", [n for n in names if n not in locked], key=K + page + "/hide", format_func=controls.__getitem__
            )
        else:
            st.caption("The link opens this page with the challenge you set shown first and open.")
        challenges = {c.key: c.title for c in challenges_for(page)}
        challenge = st.selectbox(
            "Set a challenge",
            [None, *challenges],
            key=K + page + "/challenge",
            format_func=lambda key: "none" if key is None else challenges[key],
        )
        focus = Focus(frozenset(locked), frozenset(hidden), challenge)
        link = teacher_link(str(st.context.url or ""), settings, focus, names)
        st.code(link, language=None, wrap_lines=True)
        st.caption(
            "Copy it with the button at its right. A learner's own data (points, uploads, a Preview pipeline) does "
            "not travel in a link."
        )
