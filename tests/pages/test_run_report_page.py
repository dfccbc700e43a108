"""The run report's link under AppTest: it opens the page with the run's settings and replays the same numbers."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from core.codegen_classification import classification_script
from core.run_report import run_report_html
from playground.classification_settings import encode
from playground.classification_view import classification_attempt
from playground.run_report_ui import ReportSource, make_report
from tests.helpers import plain, wait_until
from tests.pages.conftest import open_page

K = "classification/"


def _report(at, page_url="http://class.example/classification"):
    run = at.session_state[K + "run"]
    config = run.experiment.config
    code = lambda epochs: classification_script(config, epochs=epochs)  # noqa: E731
    source = ReportSource("classification", run, "t", encode(config), code, lambda: classification_attempt(run))
    return run, make_report(source, page_url, set())


def test_the_reports_link_replays_the_run_to_the_same_numbers():
    at = open_page("pages/classification.py", {"dataset": "xor", "lr": "0.1", "hidden": "3"})
    for _ in range(6):
        at.button(key=K + "step").click().run()
    run, report = _report(at)
    assert report.link.startswith("http://class.example/classification?") and report.link.endswith("&replay=6")
    assert "torch.manual_seed(SEED)" in report.code and "<th>seed</th><td>42</td>" in run_report_html(report)
    opened = open_page("pages/classification.py", dict(parse_qsl(urlsplit(report.link).query)))
    assert any("replays a run of 6 epochs" in i.value for i in opened.info)
    opened.button(key=K + "replay_button").click().run()
    replayed = opened.session_state[K + "run"]
    assert wait_until(lambda: not replayed.running, timeout_s=60)
    opened.run()
    mine = [(r.epoch, r.train_loss, r.test_loss, r.train_acc, r.test_acc) for r in run.history]
    again = [(r.epoch, r.train_loss, r.test_loss, r.train_acc, r.test_acc) for r in replayed.history]
    assert again == mine  # the same numbers, epoch by epoch
    assert replayed.stop_at is None and "Replayed the report's 6 epochs" in replayed.message
    assert not [b for b in opened.button if b.key == K + "replay_button"]  # done: Play trains on freely


def test_a_setting_changed_while_training_is_noted_in_the_report():
    at = open_page("pages/classification.py")
    at.button(key=K + "step").click().run()
    at.select_slider(key=K + "lr").set_value(0.1).run()
    at.button(key=K + "step").click().run()
    _, report = _report(at)
    assert any("Settings changed while it trained (at epoch 1)" in note for note in report.notes)


def test_a_bad_replay_gets_a_notice_and_the_page_works():
    at = open_page("pages/classification.py", {"replay": "-3"})
    assert any("Ignored replay='-3' from the link" in plain(i.value) for i in at.info)
    assert not [b for b in at.button if b.key == K + "replay_button"] and not at.exception
    assert [b.label for b in at.get("download_button") if "run report" in b.label] == ["Download a run report (.html)"]


@pytest.mark.parametrize(
    ("page", "query", "steps"),
    [("workflow", {"lr": "0.1", "optimizer": "Adam", "target": "sine"}, 6), ("vision", {"hidden": "4"}, 2)],
)
def test_another_pages_report_link_replays_its_run_to_the_same_numbers(page, query, steps):
    at = open_page(f"pages/{page}.py", query)
    assert "Download a run report (.html)" in [b.label for b in at.get("download_button")]
    for _ in range(steps):
        at.button(key=f"{page}/step").click().run()
    run = at.session_state[f"{page}/run"]
    settings = dict(at.query_params)  # the page keeps its settings in the address: what its report links to
    source = ReportSource(page, run, "t", settings, lambda epochs: "", lambda: None)
    report = make_report(source, f"http://class.example/{page}", set())
    assert report.link.endswith(f"&replay={steps}") and "seed=42" in report.link
    opened = open_page(f"pages/{page}.py", dict(parse_qsl(urlsplit(report.link).query)))
    assert any(f"replays a run of {steps} epochs" in i.value for i in opened.info)
    opened.button(key=f"{page}/replay_button").click().run()
    replayed = opened.session_state[f"{page}/run"]
    assert wait_until(lambda: not replayed.running, timeout_s=120)
    opened.run()
    mine = [(r.epoch, r.train_loss, r.test_loss, r.train_acc, r.test_acc) for r in run.history]
    again = [(r.epoch, r.train_loss, r.test_loss, r.train_acc, r.test_acc) for r in replayed.history]
    assert again == mine
    assert replayed.stop_at is None and f"Replayed the report's {steps} epochs" in replayed.message
