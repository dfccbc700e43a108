"""The Experiments page under AppTest: session runs, runs-folder runs, comparing, saving, corrupt files."""

import pytest

from core.runs import RUN_FILE, RunRecord, load_runs, save_run
from tests.helpers import plain
from tests.pages.conftest import ROOT, open_page

K = "experiments/"


def _history(accuracies):
    return [
        {"epoch": i + 1, "train_loss": 1 / (i + 2), "train_acc": a, "test_loss": 1.2 / (i + 2), "test_acc": a,
         "seconds": 0.1}
        for i, a in enumerate(accuracies)
    ]  # fmt: skip


@pytest.fixture
def runs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS", str(tmp_path))
    return tmp_path


def test_with_no_runs_the_page_says_how_to_make_one(runs_dir):
    at = open_page("pages/experiments.py")
    assert any("No runs yet" in i.value for i in at.info)
    assert not at.exception
    assert any(c.value == "Not yet. Now: no CLI run in the runs folder yet." for c in at.caption)


def test_cli_runs_are_compared_and_the_helpful_change_is_named(runs_dir):
    base = {"data": "digits", "optimizer": "Adam", "learning_rate": 0.001, "batch_size": 32, "seed": 42}
    save_run(runs_dir, RunRecord("slow", "cli", base, _history([0.5, 0.6, 0.7]), ["a", "b"], created=1.0))
    save_run(
        runs_dir,
        RunRecord("fast", "cli", {**base, "learning_rate": 0.01}, _history([0.7, 0.85, 0.9]), ["a", "b"], created=2.0),
    )
    save_run(runs_dir, RunRecord("twin", "cli", base, _history([0.5, 0.6, 0.68]), ["a", "b"], created=3.0))
    (runs_dir / "junk").mkdir()
    (runs_dir / "junk" / RUN_FILE).write_text("{ not json")
    at = open_page("pages/experiments.py")
    assert not at.exception
    assert any("junk/run.json was skipped: not valid JSON" in plain(c.value) for c in at.caption)
    done = at.session_state["challenges/done"]
    assert {"experiments/cli", "experiments/fair"} <= done  # slow and fast differ in the learning rate alone
    assert at.multiselect(key=K + "picked").value == ["slow", "fast", "twin"]
    table = at.dataframe[0].value
    assert list(table["run"]) == ["slow", "fast", "twin"] and "learning_rate" in table.columns
    assert "batch_size" not in table.columns  # the same in every run: only what differs is shown
    answer = plain("\n".join(m.value for m in at.markdown)).replace("**", "")
    assert "Best test accuracy: fast (90.0%)" in answer
    assert "slow: learning_rate 0.001 instead of 0.01; 20.0 percentage points worse" in answer
    at.multiselect(key=K + "picked").set_value(["slow", "twin"]).run()
    answer = plain("\n".join(m.value for m in at.markdown)).replace("**", "")
    assert "twin: the same settings" in answer and "chance" in answer
    at.segmented_control(key=K + "metric").set_value("test_loss").run()
    assert not at.exception


def test_a_session_run_is_listed_saved_and_outlives_the_server(runs_dir):
    at = open_page("pages/classification.py")
    at.button(key="classification/step").click().run()
    at.switch_page(str(ROOT / "pages" / "experiments.py")).run()
    assert "Classification playground (this session)" in at.multiselect(key=K + "picked").value
    at.button(key=K + "save/classification").click().run()
    assert not at.exception
    runs, notes = load_runs(runs_dir)
    assert len(runs) == 1 and not notes and runs[0].source == "classification"
    assert "train.learning_rate" in runs[0].settings and runs[0].final["epoch"] == 1
    assert (runs_dir / runs[0].name / "model.safetensors").is_file()
    assert "experiments/keep" in at.session_state["challenges/done"]
    fresh = open_page("pages/experiments.py")  # a new session: the saved run is still there
    assert runs[0].name in fresh.multiselect(key=K + "picked").options
