"""Small helpers the test files share."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

from streamlit.testing.v1 import AppTest


def wait_until(condition: Callable[[], bool], timeout_s: float = 20.0, poll_s: float = 0.05) -> bool:
    """Poll `condition` until it holds or `timeout_s` passes; whether it held."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll_s)
    return False


def live_view_data(at: AppTest) -> dict:
    """The data the page passed to its live view component."""
    views = [e for e in at.get("bidi_component") if e.proto.component_name == "playground_live_view"]
    assert len(views) == 1
    return json.loads(views[0].proto.json)


def plain(shown: str) -> str:
    """A message as the learner reads it: the page escapes markdown in text that holds user input."""
    return re.sub(r"\\(.)", r"\1", shown)


SCRIPT_LINE = re.compile(  # what every generated classification and vision script prints per epoch
    r"Epoch (\d+) \| train loss ([\d.naninf]+) acc ([\d.]+) \| test loss ([\d.naninf]+) acc ([\d.]+)"
)


LOSS_LINE = re.compile(r"Epoch (\d+) \| train loss ([\d.naninf]+) \| test loss ([\d.naninf]+)$")  # regression's


def assert_script_matches_engine(stdout: str, trainer, epochs: int) -> None:
    """The script printed `epochs` lines, each equal to the engine's epoch (losses to 1e-5, accuracies to 1e-4).

    A regression (a trainer without a score) prints losses alone.
    """
    import pytest

    if trainer.score is None:
        printed = [LOSS_LINE.match(line).groups() for line in stdout.splitlines() if LOSS_LINE.match(line)]
        assert len(printed) == epochs and "acc" not in stdout
        for epoch, train_loss, test_loss in printed:
            record = trainer.run_epoch()
            assert int(epoch) == record.epoch
            assert float(train_loss) == pytest.approx(record.train_loss, abs=1e-5)
            assert float(test_loss) == pytest.approx(record.test_loss, abs=1e-5)
        return

    printed = [SCRIPT_LINE.match(line).groups() for line in stdout.splitlines() if SCRIPT_LINE.match(line)]
    assert len(printed) == epochs
    for epoch, train_loss, train_acc, test_loss, test_acc in printed:
        record = trainer.run_epoch()
        assert int(epoch) == record.epoch
        assert float(train_loss) == pytest.approx(record.train_loss, abs=1e-5)
        assert float(test_loss) == pytest.approx(record.test_loss, abs=1e-5)
        assert float(train_acc) == pytest.approx(record.train_acc, abs=1e-4)
        assert float(test_acc) == pytest.approx(record.test_acc, abs=1e-4)


def open_code(at: AppTest, *pages: str) -> AppTest:
    """Open the pages' 'Show the PyTorch code' views (drawn only while open) and rerun."""
    for page in pages:
        at.session_state[page + "/show_code"] = True
    return at.run()
