"""Runs on disk and comparing them: flat settings, what differs, which change helped."""

from core.classification import ClassificationConfig
from core.runs import RunRecord, differing_settings, flat_settings, read_run, safe_name, save_run, which_change_helped


def _run(name, acc, **settings):
    return RunRecord(
        name, "cli", {"lr": 0.01, "batch": 32, **settings}, [{"epoch": 1, "test_acc": acc, "test_loss": 1 - acc}]
    )


def test_flat_settings_of_a_page_config_are_json_values():
    flat = flat_settings(ClassificationConfig())
    assert "train.learning_rate" in flat and "data.dataset" in flat
    assert all(isinstance(v, (str, int, float, bool)) or v is None for v in flat.values())


def test_what_differs_and_which_change_helped():
    runs = [
        _run("base", 0.80),
        _run("big-lr", 0.90, lr=0.1),
        _run("small-batch", 0.85, batch=8),
        _run("extra", 0.7, new=1),
    ]
    assert differing_settings(runs) == ["batch", "lr", "new"]
    best, changes = which_change_helped(runs, "test_acc")
    assert best.name == "big-lr"
    assert [c.run for c in changes] == ["small-batch", "base", "extra"]  # closest first
    assert changes[1].settings == {"lr": (0.01, 0.1)} and abs(changes[1].gap - 0.10) < 1e-9
    best_loss, _ = which_change_helped(runs, "test_loss")
    assert best_loss.name == "big-lr"  # lowest loss wins
    assert which_change_helped(runs[:1]) is None


def test_names_are_safe_and_saving_round_trips(tmp_path):
    assert safe_name("../../etc/passwd") == "etc-passwd" and safe_name("") == "run" and safe_name("a b/c") == "a-b-c"
    record = _run("../x", 0.5)
    folder = save_run(tmp_path, record)
    assert folder == tmp_path / "x" and read_run(folder / "run.json") == record
