"""A page's challenges: each with its progress on the learner's run, hints on request, and a done mark.

Met challenges are kept in the session and in the browser (localStorage, through a tiny component), so
they survive a reload without an account. While the run trains, the panel checks again every
CHECK_EVERY_S seconds (a fragment of its own: the page itself does not rerun).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st
import streamlit.components.v2 as components

from core.challenges import CHALLENGES, Attempt, Challenge, Verdict, challenges_for
from playground.focus import current_focus
from playground.live.run import LiveRun

K = "challenges/"
DONE = K + "done"  # set of the keys of met challenges (the session's copy of the browser's list)
FORGET = K + "forget"  # bumped by "Forget my progress": the browser clears its list too
CHECK_EVERY_S = 2.0  # how often a training run is checked
MAX_REMEMBERED = 200  # keys taken from the browser at most (it is the learner's own storage: bounded anyway)

STORAGE_KEY = "pytorch-playground/challenges"
_STORE_JS = f"""
const KEY = {STORAGE_KEY!r};
export default function (component) {{
  const {{ data, setStateValue }} = component;
  let stored = [];
  try {{ stored = JSON.parse(window.localStorage.getItem(KEY) || "[]"); }} catch (error) {{ stored = []; }}
  if (!Array.isArray(stored)) stored = [];
  stored = stored.filter((key) => typeof key === "string");
  const root = component.parentElement;
  if (data.forget && root.__forgotten !== data.forget) {{
    root.__forgotten = data.forget;
    stored = [];
  }}
  const known = data.done || [];
  const merged = Array.from(new Set([...stored, ...known])).sort();
  try {{ window.localStorage.setItem(KEY, JSON.stringify(merged)); }} catch (error) {{}}
  if (merged.length !== known.length) setStateValue("done", merged); // the browser knew more: tell the page
}}
"""
_STORE = components.component("playground_challenge_store", js=_STORE_JS)


def done_keys() -> set[str]:
    """The keys of the challenges met in this browser (this session's copy)."""
    done = st.session_state.get(DONE)
    if not isinstance(done, set):
        done = st.session_state[DONE] = set()
    return done


def remember(known: set[str], from_browser: Iterable[object]) -> set[str]:
    """`known` with the browser's keys that name a challenge (others, and any past MAX_REMEMBERED, ignored)."""
    names = {challenge.key for challenge in CHALLENGES}
    taken = [key for key in list(from_browser)[:MAX_REMEMBERED] if isinstance(key, str) and key in names]
    return known | set(taken)


def sync_with_browser() -> None:
    """Merge the browser's record of met challenges into this session's (and keep the browser's up to date)."""
    _sync_with_browser()


def progress_line(page: str) -> str | None:
    """'2 of 4 challenges done' for `page` (None: it sets none)."""
    challenges = challenges_for(page)
    if not challenges:
        return None
    done = done_keys()
    return f"{sum(c.key in done for c in challenges)} of {len(challenges)} challenges done"


def _sync_with_browser() -> None:
    done = done_keys()
    result = _STORE(
        key=K + "store",
        data={"done": sorted(done), "forget": st.session_state.get(FORGET, 0)},
        on_done_change=lambda: None,  # the browser knew more: this rerun shows it
    )
    browser = getattr(result, "done", None)
    if isinstance(browser, list):
        done |= remember(done, browser)


def _forget() -> None:
    st.session_state[DONE] = set()
    st.session_state[FORGET] = int(st.session_state.get(FORGET, 0)) + 1


def _more_hints(key: str, total: int) -> None:
    shown = K + "hints/" + key
    st.session_state[shown] = min(int(st.session_state.get(shown, 0)) + 1, total)


def _challenge(
    challenge: Challenge, verdict: Verdict | None, met: bool, set_by_teacher: bool = False, subject: str = "This run"
) -> None:
    box = st.container(border=True, key=K + "box/" + challenge.key.replace("/", "-"))
    if set_by_teacher:
        box.markdown(":material/school: **Your teacher set this challenge.**")
    row = box.container(horizontal=True, vertical_alignment="center")
    row.markdown(f"{':material/check_circle:' if met else ':material/radio_button_unchecked:'} {challenge.title}")
    shown = int(st.session_state.get(K + "hints/" + challenge.key, 0))
    if shown < len(challenge.hints):
        row.button(
            "Hint" if shown == 0 else "Another hint",
            key=K + "hint/" + challenge.key,
            on_click=_more_hints,
            args=(challenge.key, len(challenge.hints)),
        )
    for hint in challenge.hints[:shown]:
        box.caption(f"Hint: {hint}")
    status = "Done." if met else "Not yet."
    if verdict is not None:
        progress = verdict.progress.rstrip(".")
        status += f" {subject}: {progress}" + ("" if progress.endswith(("!", "?")) else ".")
    box.caption(status)


def check_all(challenges: Iterable[Challenge], attempt: Attempt | None, done: set[str]) -> dict[str, Verdict]:
    """Every challenge's verdict on `attempt`; the ones met now are added to `done` (and toasted)."""
    verdicts = {}
    for challenge in challenges:
        if attempt is None:
            continue
        verdict = verdicts[challenge.key] = challenge.check(attempt)
        if verdict.met and challenge.key not in done:
            done.add(challenge.key)
            st.toast(f"Challenge met: {challenge.title}", icon=":material/emoji_events:")
    return verdicts


def _panel(page: str, attempt: Callable[[], Attempt | None], subject: str) -> None:
    set_by_teacher = current_focus(page).challenge
    challenges = sorted(challenges_for(page), key=lambda c: c.key != set_by_teacher)  # the teacher's first
    done = done_keys()
    verdicts = check_all(challenges, attempt(), done)
    _sync_with_browser()  # after the checks: a challenge met just now is kept in the browser at once
    count = sum(challenge.key in done for challenge in challenges)
    label = f"Challenges: {count} of {len(challenges)} done"
    with st.expander(label, key=K + "panel/" + page, expanded=set_by_teacher is not None):
        for challenge in challenges:
            verdict, met = verdicts.get(challenge.key), challenge.key in done
            _challenge(challenge, verdict, met, challenge.key == set_by_teacher, subject)
        st.caption("Met challenges stay marked in this browser (no account).")
        st.button("Forget my progress", key=K + "forget/" + page, on_click=_forget)


def challenge_panel(
    page: str, run: LiveRun | None, attempt: Callable[[], Attempt | None], subject: str = "This run"
) -> None:
    """The page's challenges, checked on `attempt()` (the learner's run, or work, as the page measures it).

    While `run` trains, the panel checks again every CHECK_EVERY_S seconds without rerunning the page. A page
    without a live run (None) is checked on each of its reruns. `subject` names what a verdict's progress is about.
    """
    running = run is not None and run.running
    st.fragment(_panel, run_every=CHECK_EVERY_S if running else None)(page, attempt, subject)
