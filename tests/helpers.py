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
