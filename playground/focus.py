"""Teacher links: which controls a link locks or hides, and which challenge it sets (for focus, not security).

A link carries `lock=lr,activation`, `hide=features` and `challenge=classification/spiral` beside a page's
settings. Decoding is pure and never raises: an unknown name is dropped with a notice naming it. The
focus a link brings stays for the session (page trips and reruns keep it) and goes back into the URL, so
a reload keeps it too.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.literal import literal

MAX_SHOWN = 40  # characters of a bad name quoted back
LOCKED_HELP = "Your teacher's link keeps this as it is."


def link_value(params: Mapping[str, str | list[str]], name: str) -> str:
    """One query parameter as text ('' when absent; a repeated one: its last value)."""
    raw = params.get(name, "")
    return str(raw[-1] if isinstance(raw, list) else raw).strip()


@dataclass(frozen=True)
class Focus:
    """What a teacher's link fixes on a page."""

    locked: frozenset[str] = frozenset()  # controls drawn disabled (their value is the link's)
    hidden: frozenset[str] = frozenset()  # controls not drawn at all (their value is the link's)
    challenge: str | None = None  # the challenge the link sets, shown first

    def place(self, name: str, box: DeltaGenerator) -> Any:
        """`box`, or a stand-in whose widgets are disabled (locked) or not drawn (hidden) for control `name`."""
        if name in self.hidden:
            return _Hidden()
        if name in self.locked:
            return _Locked(box)
        return box

    def draw(self, name: str, draw: Callable[..., Any], box: DeltaGenerator, *args: Any, **kwargs: Any) -> Any:
        """`draw(box, *args, **kwargs)` (a page's own way to draw a widget), disabled or not drawn like `place`."""
        if name in self.hidden:
            return st.session_state.get(kwargs.get("key"))
        if name in self.locked:
            kwargs.update(disabled=True, help=LOCKED_HELP)
        return draw(box, *args, **kwargs)


class _Locked:
    """A container whose widget calls are drawn disabled."""

    def __init__(self, box: DeltaGenerator) -> None:
        self._box = box

    def __getattr__(self, method: str) -> Callable[..., Any]:
        draw = getattr(self._box, method)

        def disabled(*args: Any, **kwargs: Any) -> Any:
            kwargs["disabled"] = True
            kwargs.setdefault("help", LOCKED_HELP)
            return draw(*args, **kwargs)

        return disabled


class _Hidden:
    """A container that draws nothing: a widget call returns the value its key holds (the link's)."""

    def __getattr__(self, method: str) -> Callable[..., Any]:
        def value(*args: Any, key: str | None = None, **kwargs: Any) -> Any:
            return st.session_state.get(key) if key is not None else None

        return value


def _names(text: str, allowed: Collection[str], what: str, notices: list[str]) -> frozenset[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        shown = ", ".join(repr(name[:MAX_SHOWN]) for name in unknown[:5])
        notices.append(f"Ignored {what} {shown} from the link: no such control here.")
    return frozenset(name for name in names if name in allowed)


def decode_focus(
    params: Mapping[str, str | list[str]],
    controls: Collection[str],
    challenges: Collection[str],
    implies: Mapping[str, Collection[str]] | None = None,
) -> tuple[Focus, list[str]]:
    """The focus a link asks for; unknown controls or challenges are dropped with a notice each.

    `implies` names controls that go with another (a fixed data set fixes its problem type too).
    """
    notices: list[str] = []
    locked = _names(link_value(params, "lock"), controls, "lock", notices)
    hidden = _names(link_value(params, "hide"), controls, "hide", notices)
    for name, also in (implies or {}).items():
        locked |= frozenset(also) if name in locked else frozenset()
        hidden |= frozenset(also) if name in hidden else frozenset()
    challenge = link_value(params, "challenge") or None
    if challenge is not None and challenge not in challenges:
        notices.append(f"Ignored challenge={challenge[:MAX_SHOWN]!r} from the link: no such challenge here.")
        challenge = None
    return Focus(locked - hidden, hidden, challenge), notices


def encode_focus(focus: Focus, order: Collection[str]) -> dict[str, str]:
    """The link's parameters for `focus` (empty ones left out), names in the page's order."""
    params = {}
    if focus.locked:
        params["lock"] = ",".join(name for name in order if name in focus.locked)
    if focus.hidden:
        params["hide"] = ",".join(name for name in order if name in focus.hidden)
    if focus.challenge:
        params["challenge"] = focus.challenge
    return params


def teacher_link(page_url: str, settings: Mapping[str, str], focus: Focus, order: Collection[str]) -> str:
    """The page's address with its settings and a teacher's focus as the query (the page's own query dropped)."""
    base = urllib.parse.urlsplit(page_url)
    query = urllib.parse.urlencode({**settings, **encode_focus(focus, order)}, safe=",/")
    return urllib.parse.urlunsplit((base.scheme, base.netloc, base.path, query, ""))


def focus_key(page: str) -> str:
    """The session-state key of a page's focus."""
    return f"{page}/focus"


def current_focus(page: str) -> Focus:
    """The focus this session's link brought to `page` (none: nothing locked or hidden)."""
    focus = st.session_state.get(focus_key(page))
    return focus if isinstance(focus, Focus) else Focus()


def read_focus(
    page: str,
    controls: Collection[str],
    challenges: Collection[str],
    implies: Mapping[str, Collection[str]] | None = None,
) -> None:
    """On a page's first run in a session: take the focus from the link, with a notice for anything unknown."""
    focus, notices = decode_focus(st.query_params.to_dict(), controls, challenges, implies)
    for notice in notices:
        st.info(literal(notice))
    st.session_state[focus_key(page)] = focus


def focus_note(page: str, labels: Mapping[str, str]) -> None:
    """One line saying that a teacher's link set up this page, and what it fixed (nothing: no line)."""
    focus = current_focus(page)
    parts = []
    if focus.locked:
        parts.append("locked: " + ", ".join(labels.get(name, name) for name in labels if name in focus.locked))
    if focus.hidden:
        parts.append("hidden: " + ", ".join(labels.get(name, name) for name in labels if name in focus.hidden))
    if focus.challenge:
        parts.append("a challenge set (first in the Challenges panel)")
    if parts:
        st.caption(":material/school: Your teacher's link set up this page; " + "; ".join(parts) + ".")
