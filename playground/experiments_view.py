"""The Experiments page's views: every run of the session and of the runs folder, overlaid and compared."""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.challenges import Attempt
from core.runs import (
    RunRecord,
    differing_settings,
    flat_settings,
    save_run,
    unused_name,
    which_change_helped,
)
from playground.challenges_ui import challenge_panel
from playground.literal import literal
from playground.live.run import LiveRun
from playground.topics import TOPICS

K = "experiments/"
SAVED = K + "saved"  # session run key -> (epoch saved at, run name in the folder)
COLOURS = ("#0877bd", "#f59322", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MAX_PICKED = len(COLOURS)
TABLE_SETTINGS = 8  # settings shown in the table (those that differ); the expander has them all
PAGE_TITLES = {topic.url_path: topic.title for topic in TOPICS}
RUN_TITLES = {  # a run's session-state namespace -> where a learner trained it
    "augexp-plain": "Data augmentation, without",
    "augexp-augmented": "Data augmentation, with",
    "transfer-pretrained": "Transfer learning, pretrained",
    "transfer-scratch": "Transfer learning, from scratch",
}


def _page_of(namespace: str) -> str:
    return RUN_TITLES.get(namespace) or PAGE_TITLES.get(namespace, namespace)


def session_runs(state: MutableMapping[str, Any]) -> dict[str, tuple[RunRecord, LiveRun]]:
    """Every live run of this session that has trained, as a RunRecord (by its namespace)."""
    found = {}
    for key, run in list(state.items()):
        if not (isinstance(key, str) and key.endswith("/run") and isinstance(run, LiveRun) and run.epoch > 0):
            continue
        namespace = key.removesuffix("/run")
        config = getattr(run.experiment, "config", None)
        settings = flat_settings(config) if config is not None else {}
        classes = list(getattr(run.experiment, "classes", ()) or ())
        with run.lock:
            history = [asdict(record) for record in run.history]
        title = f"{_page_of(namespace)} (this session)"
        found[namespace] = (RunRecord(title, namespace, settings, history, classes, time.time()), run)
    return found


def save_session_run(folder: Path, namespace: str, record: RunRecord, run: LiveRun) -> str:
    """Write a session run (its weights taken under the run's lock) to the runs folder; returns its name there."""
    name = unused_name(folder, f"{namespace}-epoch{run.epoch}-{time.strftime('%Y%m%d-%H%M%S')}")
    with run.lock:
        saved = RunRecord(name, namespace, record.settings, record.history, record.classes)
        model = getattr(run.experiment, "model", None)  # a transfer run trains only part of its network
        save_run(folder, saved, model if model is not None else run.trainer.model)
    return name


def curves_figure(runs: list[RunRecord], metric: str, title: str) -> go.Figure:
    """Train (dashed) and test (solid) curves of `metric` ('loss' or 'acc'), one colour per run."""
    fig = go.Figure()
    for colour, run in zip(COLOURS, runs, strict=False):
        for split, dash in (("test", "solid"), ("train", "dash")):
            points = [(row["epoch"], row.get(f"{split}_{metric}")) for row in run.history]
            points = [(x, y) for x, y in points if isinstance(y, (int, float))]
            if not points:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[x for x, _ in points],
                    y=[y for _, y in points],
                    mode="lines",
                    name=f"{run.name} · {split}",
                    line={"color": colour, "dash": dash, "width": 2},
                    hovertemplate=f"{literal_hover(run.name)} · {split}: %{{y:.4f}} at epoch %{{x}}<extra></extra>",
                )
            )
    fig.update_layout(
        title=title,
        height=340,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"title": "epoch", "dtick": 1 if max((len(run.history) for run in runs), default=0) <= 12 else None},
        yaxis={"tickformat": ".0%" if metric == "acc" else None},
        legend={"orientation": "h", "y": -0.35},
    )
    return fig


def literal_hover(text: str) -> str:
    """Text safe inside a plotly hover template (no HTML, no template fields)."""
    return text.replace("<", "‹").replace(">", "›").replace("%", "%%").replace("{", "(").replace("}", ")")


def runs_table(runs: list[RunRecord], shown_settings: list[str]) -> list[dict[str, Any]]:
    """One row per run: its name and source, final metrics, and the settings asked for."""
    rows = []
    for run in runs:
        final = run.final
        row: dict[str, Any] = {
            "run": run.name,
            "from": "CLI" if run.source == "cli" else _page_of(run.source),
            "epochs": final.get("epoch"),
            "train loss": final.get("train_loss"),
            "test loss": final.get("test_loss"),
            "test acc": final.get("test_acc"),
        }
        for key in shown_settings:
            value = run.settings.get(key)
            row[key] = value if isinstance(value, (int, float, str, bool)) or value is None else str(value)
        rows.append(row)
    return rows


def change_sentences(runs: list[RunRecord], metric: str) -> list[str]:
    """'Which change helped?' in words: the best run, and what each other run changed and lost."""
    answer = which_change_helped(runs, metric)
    if answer is None:
        return []
    best, changes = answer
    what = "test accuracy" if metric == "test_acc" else "test loss"
    value = best.final[metric]
    shown = f"{value:.1%}" if metric == "test_acc" else f"{value:.4f}"
    lines = [f"**Best {what}: {literal(best.name)}** ({shown})."]
    for change in changes:
        gap = f"{change.gap * 100:.1f} percentage points" if metric == "test_acc" else f"{change.gap:.4f}"
        if not change.settings:
            lines.append(f"- {literal(change.run)}: the same settings, {gap} worse: the difference is chance.")
            continue
        diffs = ", ".join(
            f"{literal(key)} {literal(_short(ours))} instead of {literal(_short(theirs))}"
            for key, (ours, theirs) in list(change.settings.items())[:4]
        )
        more = f" and {len(change.settings) - 4} more" if len(change.settings) > 4 else ""
        lines.append(f"- {literal(change.run)}: {diffs}{more}; {gap} worse.")
    return lines


def _short(value: Any) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= 30 else text[:29] + "…"


def differing(runs: list[RunRecord]) -> list[str]:
    """The settings that differ between the runs (all of them when there is one run)."""
    if len(runs) < 2:
        return sorted({key for run in runs for key in run.settings})
    return differing_settings(runs)


def plot_runs(runs: list[RunRecord]) -> None:
    """Loss and accuracy charts side by side (accuracy only if some run measured it)."""
    left, right = st.columns(2)
    left.plotly_chart(curves_figure(runs, "loss", "Loss (solid: test, dashed: train)"), key=K + "loss")
    if any(isinstance(row.get("test_acc"), (int, float)) for run in runs for row in run.history):
        right.plotly_chart(curves_figure(runs, "acc", "Accuracy (solid: test, dashed: train)"), key=K + "acc")


def session_runs_section(folder: Path, live: dict[str, tuple[RunRecord, LiveRun]]) -> None:
    """This session's runs, each with a button that saves it to the runs folder (once per epoch it reached)."""
    if not live:
        return
    st.subheader("This session's runs")
    saved = st.session_state.setdefault(SAVED, {})
    for namespace, (record, run) in live.items():
        cols = st.columns([3, 1], vertical_alignment="center")
        epochs = record.final.get("epoch")
        cols[0].markdown(f"**{literal(record.name)}**: {epochs} epoch{'' if epochs == 1 else 's'}")
        already = saved.get(namespace)
        if already and already[0] == run.epoch:
            cols[1].caption(f"saved as {literal(already[1])}")
        elif cols[1].button("Save to the runs folder", key=K + "save/" + namespace):
            try:
                name = save_session_run(folder, namespace, record, run)
            except OSError as error:
                st.error(literal(f"Could not write to the runs folder: {error}"))
            else:
                saved[namespace] = (run.epoch, name)
                st.rerun()


def challenges(panel: DeltaGenerator, runs: list[RunRecord], picked: list[RunRecord]) -> None:
    """The page's challenges in `panel`, on every run, the picked ones and this session's saved ones."""
    extra = {"runs": runs, "picked": picked, "saved": len(st.session_state.get(SAVED, {}))}
    with panel:
        challenge_panel("experiments", None, lambda: Attempt(None, (), extra=extra), subject="Now")
