"""The run report: one self-contained HTML file with everything to hand in, user text escaped."""

from core.engine import EpochRecord
from core.run_report import ChallengeLine, RunReport, chart_svg, run_report_html


def _records(n, acc=True):
    return [
        EpochRecord(i, 1 / i, 0.5 + i / (2 * n) if acc else None, 1.1 / i, 0.5 + i / (3 * n) if acc else None, 0.01)
        for i in range(1, n + 1)
    ]


def _report(**changes):
    fields = {
        "title": "Classification playground: spiral",
        "settings": {"dataset": "spiral", "lr": "0.03", "seed": "42"},
        "records": _records(40),
        "code": "import torch\nprint('a < b & c')\n",
        "link": "http://host:8501/classification?dataset=spiral&lr=0.03&seed=42&replay=40",
        "created": "2026-11-28 14:00 UTC",
        "challenges": [ChallengeLine("Spiral at 90 %", True, "best 92.0 %"), ChallengeLine("XOR", False, "pick xor")],
        "notes": ["<script>alert(1)</script>"],
    }
    return RunReport(**{**fields, **changes})


def test_the_report_holds_settings_seed_curves_metrics_challenges_code_and_the_link():
    page = run_report_html(_report())
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page  # self-contained, nothing runs
    assert "<th>seed</th><td>42</td>" in page and "<th>dataset</th><td>spiral</td>" in page
    assert page.count("<svg") == 2 and 'aria-label="Loss"' in page and 'aria-label="Accuracy"' in page
    assert "<th>Epochs</th><td>40</td>" in page and "<th>Test accuracy</th><td>83.3 %</td>" in page
    assert "<th>Train loss</th><td>0.0250</td>" in page
    assert 'class="met">Done: Spiral at 90 %' in page and 'class="open">Not yet: XOR' in page
    assert "print(&#x27;a &lt; b &amp; c&#x27;)" in page  # the code, escaped
    assert '<a href="http://host:8501/classification?dataset=spiral&amp;lr=0.03&amp;seed=42&amp;replay=40">' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # a note is text, never markup
    assert page.count("http") == 1 + page.count("http://www.w3.org/2000/svg")  # the link alone: nothing is fetched


def test_a_regression_run_has_no_accuracy_and_an_empty_run_says_so():
    page = run_report_html(_report(records=_records(10, acc=False)))
    assert page.count("<svg") == 1 and "Test accuracy" not in page
    empty = run_report_html(_report(records=[]))
    assert "Loss: no epochs yet." in empty and "<th>Epochs</th><td>0</td>" in empty


def test_a_long_run_is_thinned_in_the_picture_and_non_finite_values_left_out():
    points = [(float(i), 1.0 / i) for i in range(1, 5001)] + [(5001.0, float("nan"))]
    svg = chart_svg("Loss", [("train", "#333", points)], None)
    coords = svg.split('points="')[1].split('"')[0].split()
    assert len(coords) == 600 and "nan" not in svg
