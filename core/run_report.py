"""A run report to hand in: one self-contained HTML file (no script, no outside request) with the settings,
the seed, the curves, the final metrics, the challenges, the runnable code and the link that replays the run.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.engine import EpochRecord

CHART_W, CHART_H = 520, 200  # the curves' size in the report, in CSS pixels
MAX_CHART_POINTS = 600  # points per curve (a long run is thinned for the picture; the table keeps the last epoch)


@dataclass(frozen=True)
class ChallengeLine:
    """One challenge as the report shows it."""

    title: str
    met: bool  # met in this browser (by this run or an earlier one)
    progress: str  # what this run shows


@dataclass(frozen=True)
class RunReport:
    """Everything a report shows."""

    title: str  # e.g. "Classification playground: spiral"
    settings: dict[str, str]  # the page's settings as its link writes them
    records: Sequence[EpochRecord]  # the run's epochs
    code: str  # the runnable script for these settings
    link: str  # opens the page with these settings and replays the run
    created: str  # when the report was made, as text
    challenges: Sequence[ChallengeLine] = ()
    notes: Sequence[str] = field(default_factory=tuple)  # e.g. settings changed while it trained


def _number(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "–"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.{digits}f}"


def _thin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if len(points) <= MAX_CHART_POINTS:
        return points
    step = len(points) / MAX_CHART_POINTS
    return [points[int(i * step)] for i in range(MAX_CHART_POINTS - 1)] + [points[-1]]


def chart_svg(
    title: str, series: Sequence[tuple[str, str, list[tuple[float, float]]]], fixed: tuple[float, float] | None
) -> str:
    """An inline SVG line chart: (name, colour, [(epoch, value)]) per line; y from `fixed` or the data."""
    lines = [(name, colour, _thin([(x, y) for x, y in points if math.isfinite(y)])) for name, colour, points in series]
    values = [y for _, _, points in lines for _, y in points]
    xs = [x for _, _, points in lines for x, _ in points]
    if not values:
        return f'<p class="empty">{html.escape(title)}: no epochs yet.</p>'
    low, high = fixed if fixed is not None else (min(values), max(values))
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    first, last = min(xs), max(xs)
    span = max(last - first, 1)
    left, right, top, bottom = 48, 12, 22, 28
    width, height = CHART_W - left - right, CHART_H - top - bottom

    def x_of(x: float) -> float:
        return left + (x - first) / span * width

    def y_of(y: float) -> float:
        return top + (1 - (y - low) / (high - low)) * height

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_W}" height="{CHART_H}" role="img" '
        f'aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="14" class="title">{html.escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" class="frame"/>',
        f'<text x="{left - 4}" y="{top + 4}" class="tick" text-anchor="end">{high:.3g}</text>',
        f'<text x="{left - 4}" y="{top + height}" class="tick" text-anchor="end">{low:.3g}</text>',
        f'<text x="{left}" y="{top + height + 16}" class="tick">{first:g}</text>',
        f'<text x="{left + width}" y="{top + height + 16}" class="tick" text-anchor="end">epoch {last:g}</text>',
    ]
    legend_x = left + width
    for name, colour, points in reversed(lines):
        coords = " ".join(f"{x_of(x):.1f},{y_of(y):.1f}" for x, y in points)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
        legend_x -= 8 + 7 * len(name)
        parts.append(f'<text x="{legend_x}" y="14" class="legend" fill="{colour}">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


_STYLE = """
body { font-family: system-ui, sans-serif; color: #222; max-width: 860px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
svg .frame { fill: none; stroke: #ccc; } svg .tick { font-size: 11px; fill: #555; } svg .legend { font-size: 11px; }
svg .title { font-size: 12px; font-weight: 600; fill: #333; } .met { color: #1a7f37; } .open { color: #9a6700; }
"""


def run_report_html(report: RunReport) -> str:
    """The report as one HTML document."""
    records = list(report.records)
    last = records[-1] if records else None
    loss = [
        ("train", "#333333", [(r.epoch, r.train_loss) for r in records]),
        ("test", "#0877bd", [(r.epoch, r.test_loss) for r in records if r.test_loss is not None]),
    ]
    charts = [chart_svg("Loss", loss, None)]
    if any(r.test_acc is not None for r in records):
        accuracy = [
            ("train", "#333333", [(r.epoch, r.train_acc) for r in records if r.train_acc is not None]),
            ("test", "#0877bd", [(r.epoch, r.test_acc) for r in records if r.test_acc is not None]),
        ]
        charts.append(chart_svg("Accuracy", accuracy, (0.0, 1.0)))
    finals = [("Epochs", str(last.epoch) if last else "0")]
    if last is not None:
        finals += [("Train loss", _number(last.train_loss)), ("Test loss", _number(last.test_loss))]
        if last.test_acc is not None:
            best = max(r.test_acc for r in records if r.test_acc is not None)
            finals += [("Test accuracy", f"{100 * last.test_acc:.1f} %"), ("Best test accuracy", f"{100 * best:.1f} %")]
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in finals)
    settings = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in report.settings.items()
    )
    challenges = "".join(
        f'<li class="{"met" if c.met else "open"}">{"Done" if c.met else "Not yet"}: {html.escape(c.title)} '
        f"<br><small>This run: {html.escape(c.progress)}</small></li>"
        for c in report.challenges
    )
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in report.notes)
    link = html.escape(report.link, quote=True)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(report.title)}: run report</title>
<style>{_STYLE}</style></head>
<body>
<h1>{html.escape(report.title)}</h1>
<p>Run report made {html.escape(report.created)} by PyTorch Playground.</p>
<p><a href="{link}">Open this run in the app</a>: the same settings and seed, replayed for the same number
of epochs.</p>
{f"<ul>{notes}</ul>" if notes else ""}
<h2>Final metrics</h2>
<table>{rows}</table>
<h2>Curves</h2>
{"".join(charts)}
<h2>Challenges</h2>
{f"<ul>{challenges}</ul>" if challenges else "<p>None on this page.</p>"}
<h2>Settings</h2>
<table>{settings}</table>
<h2>The PyTorch code</h2>
<p>Run it with <code>python run.py</code>: it prints the same losses, epoch by epoch.</p>
<pre>{html.escape(report.code)}</pre>
</body></html>
"""
