"""Links to any page: its settings, and a teacher's focus (locked or hidden controls, a set challenge).

A page lists its controls as LinkedControls (the name in the address, the widget's key, its label, how to
read a value). On the page's first run in a session, `follow_link` fills the widgets' keys from the link
(a bad value gets a one-line notice and the default stays) and reads the focus. Every run then draws the
focus, by the widgets' keys: a locked control is greyed and takes no clicks, a hidden one is not shown and
keeps the link's value (for focus, not security). `keep_in_address` writes the settings and the focus
back into the address after the widgets ran, so a reload keeps them and the teacher's link maker
(playground.teacher_link_ui) copies them.

The classification playground has its own, richer table (playground.classification_settings); this serves
every other page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.challenges import challenges_for
from playground.focus import MAX_SHOWN, current_focus, encode_focus, focus_note, link_value, read_focus
from playground.literal import literal
from playground.run_report_ui import read_replay
from playground.sidebar import DEFAULT_SEED, SEED_KEY

FOLLOWED = "/link-followed"  # session-state suffix: the page has read its link


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(_text(item) for item in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class LinkedControl:
    """One control a link can set, lock or hide."""

    name: str  # its name in the address, e.g. "lr"
    key: str  # the widget's session-state key
    label: str  # what the teacher reads
    read: Callable[[str], Any]  # the address's text -> the widget's value; ValueError (saying what fits) if none
    choices: tuple[str, ...] = ()  # a choice's (or several's) values as the address writes them
    bounds: tuple[float, float] | None = None  # a number's range

    def text(self, value: Any) -> str:
        """The widget's value as the address writes it."""
        return _text(value)


def choice(name: str, key: str, label: str, options: Sequence[Any]) -> LinkedControl:
    """A selectbox, radio or select-slider: the link names one of `options` (as the address writes it)."""
    by_text = {_text(option): option for option in options}

    def read(text: str) -> Any:
        if text not in by_text:
            shown = list(by_text)
            raise ValueError("one of " + ", ".join(shown[:8]) + (" …" if len(shown) > 8 else ""))
        return by_text[text]

    return LinkedControl(name, key, label, read, choices=tuple(by_text))


def several(name: str, key: str, label: str, options: Sequence[Any]) -> LinkedControl:
    """A multiselect or multi-selection pills: the link names some of `options`, separated by commas."""
    by_text = {_text(option): option for option in options}

    def read(text: str) -> list[Any]:
        names = [part.strip() for part in text.split(",") if part.strip()]
        if not all(name in by_text for name in names):
            shown = list(by_text)
            raise ValueError("some of " + ", ".join(shown[:10]) + (" …" if len(shown) > 10 else ""))
        return [by_text[name] for name in dict.fromkeys(names)]

    return LinkedControl(name, key, label, read, choices=tuple(by_text))


def number(name: str, key: str, label: str, low: float, high: float, whole: bool = False) -> LinkedControl:
    """A slider or number input from `low` to `high` (`whole`: integers only)."""
    what = f"a {'whole ' if whole else ''}number from {low:g} to {high:g}"

    def read(text: str) -> Any:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(what) from None
        if not math.isfinite(value) or not low <= value <= high or (whole and value != int(value)):
            raise ValueError(what)
        return int(value) if whole else value

    return LinkedControl(name, key, label, read, bounds=(low, high))


def switch(name: str, key: str, label: str) -> LinkedControl:
    """A toggle or checkbox: 1 or 0 in the address."""

    def read(text: str) -> bool:
        if text not in ("1", "0"):
            raise ValueError("1 (on) or 0 (off)")
        return text == "1"

    return LinkedControl(name, key, label, read)


def follow_link(page: str, controls: Sequence[LinkedControl]) -> None:
    """Before the widgets: on the page's first run, set them from the link and read its focus (and a report's
    replay); each run, draw the focus (locked and hidden controls) and say in one line what a link fixed."""
    if page + FOLLOWED not in st.session_state:
        params = st.query_params.to_dict()
        for control in controls:
            text = link_value(params, control.name)
            if not text:
                continue
            try:
                st.session_state[control.key] = control.read(text)
            except ValueError as fits:
                st.info(literal(f"Ignored {control.name}={text[:MAX_SHOWN]!r} from the link: it should be {fits}."))
        names = [control.name for control in controls]
        read_focus(page, names, [challenge.key for challenge in challenges_for(page)])
        read_replay(page, params)  # a run report's link: replay its epochs (pages with a report offer it)
        st.session_state[page + FOLLOWED] = True
    focus = current_focus(page)
    rules = [f".st-key-{_css_key(c.key)} {{ display: none; }}" for c in controls if c.name in focus.hidden] + [
        f".st-key-{_css_key(c.key)} {{ pointer-events: none; opacity: 0.55; }}"
        for c in controls
        if c.name in focus.locked
    ]
    if rules:
        st.html("<style>" + "\n".join(rules) + "</style>")
    focus_note(page, {control.name: control.label for control in controls})


def link_settings(controls: Sequence[LinkedControl]) -> dict[str, str]:
    """The controls' values now, as the address writes them (controls not drawn yet are left out), and the
    sidebar's seed (which the sidebar itself reads from a link)."""
    settings = {"seed": str(st.session_state.get(SEED_KEY, DEFAULT_SEED))}
    for control in controls:
        value = st.session_state.get(control.key)
        if value is not None and control.text(value) != "":  # an empty multi-choice is the default anyway
            settings[control.name] = control.text(value)
    return settings


def keep_in_address(page: str, controls: Sequence[LinkedControl]) -> dict[str, str]:
    """After the widgets: the settings and the focus into the address (a reload keeps them); returns the settings."""
    settings = link_settings(controls)
    wanted = {**settings, **encode_focus(current_focus(page), [control.name for control in controls])}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    return settings


def labels(controls: Sequence[LinkedControl]) -> dict[str, str]:
    """The controls a teacher's link may lock or hide: address name -> label."""
    return {control.name: control.label for control in controls}


def _css_key(key: str) -> str:
    """The class Streamlit gives a keyed element: st-key- and the key with other characters made '-'."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())
