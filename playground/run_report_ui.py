"""The run report button, and the replay its link asks for.

The report (core.run_report) links back to the page with the run's settings and `replay=<epochs>`.
Opening that link offers to train that many epochs from the same seed: the same numbers, epoch by epoch,
as long as no setting changed while the run trained (the report says when one did).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

from core.challenges import Attempt, challenges_for
from core.run_report import ChallengeLine, RunReport, run_report_html
from playground.challenges_ui import done_keys
from playground.focus import Focus, link_value, teacher_link
from playground.literal import literal
from playground.live.run import LiveRun
from playground.live.session import start

MAX_REPLAY = 100_000  # epochs a link may ask to replay


def replay_key(page: str) -> str:
    """Session key: the epochs a report's link asks this page to replay (until done)."""
    return f"{page}/replay"


def read_replay(page: str, params: Mapping[str, str | list[str]]) -> None:
    """On a page's first run: note a `replay=<epochs>` from the link (a bad value gets a notice)."""
    if "replay" not in params:
        return
    text = link_value(params, "replay")
    try:
        epochs = int(text)
        if not 1 <= epochs <= MAX_REPLAY:
            raise ValueError(text)
    except ValueError:
        st.info(literal(f"Ignored replay={text[:40]!r} from the link: not a number of epochs (1 to {MAX_REPLAY:,})."))
        return
    st.session_state[replay_key(page)] = epochs


def _replay(page: str, run: LiveRun, epochs: int) -> None:
    run.stop_at = epochs
    refusal = start(st.session_state, run)
    if refusal is not None:
        st.session_state[page + "/replay_refused"] = refusal


def replay_banner(page: str, run: LiveRun) -> None:
    """While a report's link asks for a replay: a button that trains that many epochs, then one line when done."""
    epochs = st.session_state.get(replay_key(page))
    if not isinstance(epochs, int):
        return
    refused = st.session_state.pop(page + "/replay_refused", None)
    if refused:
        st.warning(literal(refused))
    if run.stop_at == epochs and not run.running and run.epoch >= epochs:  # done: back to playing freely
        run.stop_at = None
        st.session_state.pop(replay_key(page))
        last = run.history[-1] if run.history else None
        shown = f"train loss {last.train_loss:.6f}, test loss {last.test_loss:.6f}" if last else ""
        run.message = f"Replayed the report's {epochs:,} epochs: {shown}. Press Play to train on."
        run.publish()
        return
    row = st.container(horizontal=True, vertical_alignment="center")
    row.info(f"This link replays a run of {epochs:,} epochs from the same settings and seed.", icon=":material/replay:")
    row.button(
        f"Replay {epochs:,} epochs",
        key=page + "/replay_button",
        on_click=_replay,
        args=(page, run, epochs),
        type="primary",
        disabled=run.running,
    )


@dataclass(frozen=True)
class ReportSource:
    """What a page's run report is made from."""

    page: str  # the page's name (its challenges, its keys)
    run: LiveRun
    title: str  # the report's heading
    settings: Mapping[str, str]  # the page's settings as its link writes them
    code: Callable[[int], str]  # the runnable script, for a number of epochs
    attempt: Callable[[], Attempt | None]  # the run as the challenges see it
    notes: tuple[str, ...] = ()  # anything the reader should know (own points do not travel...)


def make_report(source: ReportSource, page_url: str, done: set[str]) -> RunReport:
    """The report of the run as it is now: its link replays it on the page at `page_url`."""
    run = source.run
    epochs = max(run.epoch, 1)
    now = source.attempt()
    lines = [
        ChallengeLine(c.title, c.key in done, c.check(now).progress if now is not None else "")
        for c in challenges_for(source.page)
    ]
    notes = list(source.notes)
    if run.changes:
        notes.append(
            f"Settings changed while it trained (at epoch {', '.join(map(str, run.changes[:10]))}): "
            "the link replays it with the settings as they are now, so its numbers may differ after that."
        )
    return RunReport(
        source.title,
        dict(source.settings),
        list(run.history),
        source.code(epochs),
        teacher_link(page_url, {**source.settings, "replay": str(epochs)}, Focus(), ()),
        datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        lines,
        notes,
    )


def report_button(source: ReportSource) -> None:
    """'Download a run report': the HTML is made when the button is pressed, from the run as it is then."""
    page_url, done = str(st.context.url or ""), set(done_keys())

    def build() -> bytes:
        return run_report_html(make_report(source, page_url, done)).encode()

    st.download_button(
        "Download a run report (.html)",
        build,
        file_name=f"{source.page}_run_report.html",
        mime="text/html",
        key=source.page + "/report",
        icon=":material/description:",
        help="One HTML file to hand in: settings, seed, curves, final metrics, challenges, the code and a link "
        "that replays this run",
    )
