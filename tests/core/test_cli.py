"""The going-modular CLI: python -m core.train and core.predict end to end, the run files, TensorBoard, bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest
import torch
from PIL import Image

from core import predict, train
from core.cnn import TinyVGGConfig
from core.data.images import ImageDataset, digits
from core.runs import RUN_FILE, RunRecord, load_runs, read_run, save_run
from core.vision import VisionConfig, VisionTrain, build_vision
from tests.core.test_drawing_input import drawn


def _image_folder(root, per_class=6):
    """A tiny ImageFolder: red and green squares of a few shades, as PNGs."""
    for name, colour in (("red", (220, 30, 30)), ("green", (30, 200, 40))):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            Image.new("RGB", (20, 16), tuple(max(0, c - 12 * i) for c in colour)).save(root / name / f"{i}.png")
    return root


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One CLI run on a tiny ImageFolder for one epoch, with TensorBoard logging."""
    root = tmp_path_factory.mktemp("cli")
    folder = _image_folder(root / "colours")
    done = _cli(
        "core.train", "--data", str(folder), "--epochs", "2", "--batch-size", "4", "--hidden-units", "4",
        "--out", str(root / "runs"), "--name", "colours", "--tensorboard", str(root / "tb"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return root, done


def test_train_saves_the_weights_twice_and_a_run_file_that_load_back(trained):
    root, done = trained
    assert "saved" in done.stdout and "epoch/s" in done.stderr or "epoch" in done.stderr  # tqdm draws on stderr
    run = root / "runs" / "colours"
    record = read_run(run / RUN_FILE)
    assert record.source == "cli" and record.classes == ["green", "red"] and len(record.history) == 2
    assert record.settings["model.hidden"] == 4 and record.settings["batch_size"] == 4
    assert record.settings["image_size"] == 64 and record.settings["in_channels"] == 3
    loaded_record, model = predict.load_run_model(run)
    assert loaded_record == record
    state = torch.load(run / "model.pt", weights_only=True)
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())


def test_the_tensorboard_event_file_holds_the_logged_scalars(trained):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    root, _ = trained
    record = read_run(root / "runs" / "colours" / RUN_FILE)
    events = EventAccumulator(str(root / "tb" / "colours"))
    events.Reload()
    assert set(events.Tags()["scalars"]) == {"Loss/train", "Loss/test", "Accuracy/train", "Accuracy/test"}
    logged = [(e.step, e.value) for e in events.Scalars("Loss/train")]
    expected = [(row["epoch"], row["train_loss"]) for row in record.history]
    assert [s for s, _ in logged] == [s for s, _ in expected]
    assert [v for _, v in logged] == pytest.approx([v for _, v in expected], rel=1e-6)


def test_predict_prints_the_class_and_probability(trained, tmp_path):
    root, _ = trained
    Image.new("RGB", (30, 30), (215, 35, 30)).save(tmp_path / "red.png")
    done = _cli("core.predict", "--model", str(root / "runs" / "colours"), "--image", str(tmp_path / "red.png"))
    assert done.returncode == 0, done.stderr
    line = done.stdout.splitlines()[0]
    assert line.startswith("Pred: ") and " | Prob: " in line
    assert line.split(" | ")[0].removeprefix("Pred: ") in ("red", "green")


def test_the_cli_trains_with_the_apps_engine():
    """The same data, model and engine: the CLI's run equals the page's Trainer for the same settings."""
    args = train.build_parser().parse_args(["--data", "digits", "--limit", "300", "--hidden-units", "4"])
    name, data, test = train.load_data(args)
    assert name == "digits" and len(data.labels) == 300 and test is None
    config = VisionConfig("digits", TinyVGGConfig(hidden=4), VisionTrain(), 42)
    first = build_vision(config, data).trainer.run_epoch()
    full = digits()
    again = build_vision(config, ImageDataset(full.images[:300], full.labels[:300], full.classes)).trainer.run_epoch()
    assert first.train_loss == again.train_loss and first.test_acc == again.test_acc


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--epochs", "0"], "argument --epochs: 0 must be at least 1"),
        (["--epochs", "two"], "argument --epochs: 'two' is not a whole number"),
        (["--lr", "nan"], "argument --lr: nan must be a finite number"),
        (["--lr", "10.5"], "at most 10"),
        (["--optimizer", "RMSprop"], "argument --optimizer: invalid choice"),
        (["--momentum", "1"], "argument --momentum: 1 must be at least 0 and below 1"),
        (["--data", "/no/such/folder"], "argument --data: '/no/such/folder' does not exist"),
        (["--blocks", "6"], "these model settings cannot work"),
        (["--unknown-flag"], "unrecognized arguments: --unknown-flag"),
        (["--device", "tpu"], "argument --device: invalid choice"),
    ],
)
def test_bad_flags_get_argparse_errors_and_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        train.main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_folders_and_zips_get_one_line(capsys, tmp_path):
    (tmp_path / "one" / "cats").mkdir(parents=True)
    Image.new("RGB", (8, 8)).save(tmp_path / "one" / "cats" / "a.png")
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../escape/a.png", b"x")
    (tmp_path / "evil.zip").write_bytes(evil.getvalue())
    (tmp_path / "notes.txt").write_text("hello")
    for data, message in (
        (tmp_path / "one", "at least 2 classes"),
        (tmp_path / "evil.zip", "climbs out"),
        (tmp_path / "notes.txt", "is a file"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            train.main(["--data", str(data), "--out", str(tmp_path / "runs")])
        err = capsys.readouterr().err
        assert exit_info.value.code == 2 and message in err and "Traceback" not in err


def test_help_explains_every_flag(capsys):
    with pytest.raises(SystemExit):
        train.main(["--help"])
    text = capsys.readouterr().out
    for action in train.build_parser()._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, action.dest
            assert action.option_strings[0] in text


def test_predict_refuses_bad_models_and_images_with_one_line(trained, tmp_path, capsys):
    root, _ = trained
    run = root / "runs" / "colours"
    good_image = tmp_path / "seven.png"
    drawn("7").save(good_image)
    bomb = tmp_path / "bomb.png"
    Image.new("L", (6000, 6000), 0).save(bomb)
    broken = tmp_path / "broken.png"
    broken.write_bytes(good_image.read_bytes()[:300])
    corrupt_run = tmp_path / "corrupt"
    corrupt_run.mkdir()
    (corrupt_run / RUN_FILE).write_text("{ not json")
    cases = [
        (["--model", str(tmp_path / "missing"), "--image", str(good_image)], "holds no run.json"),
        (["--model", str(corrupt_run), "--image", str(good_image)], "not valid JSON"),
        (["--model", str(run), "--image", str(tmp_path / "nothing.png")], "argument --image"),
        (["--model", str(run), "--image", str(bomb)], "too many to open safely"),
        (["--model", str(run), "--image", str(broken)], "damaged or incomplete"),
    ]
    for argv, message in cases:
        with pytest.raises(SystemExit) as exit_info:
            predict.main(argv)
        err = capsys.readouterr().err
        assert exit_info.value.code == 2 and message in err and "Traceback" not in err, err


def test_a_corrupt_run_file_is_skipped_with_a_note(tmp_path):
    save_run(tmp_path, RunRecord("good", "cli", {"lr": 0.1}, [{"epoch": 1, "train_loss": 0.5}], ["a", "b"]))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / RUN_FILE).write_text("{ nope")
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / RUN_FILE).write_text(json.dumps({"name": "odd", "unexpected": 1}))
    (tmp_path / "list").mkdir()
    (tmp_path / "list" / RUN_FILE).write_text("[1, 2]")
    runs, notes = load_runs(tmp_path)
    assert [r.name for r in runs] == ["good"] and runs[0].final == {"epoch": 1, "train_loss": 0.5}
    assert len(notes) == 3 and all("was skipped" in n for n in notes)
    assert load_runs(tmp_path / "absent") == ([], [])
