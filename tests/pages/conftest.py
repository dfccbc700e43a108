"""AppTest helpers: the app as a learner opens it, on a chosen page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "playground" / "app_main.py")


def open_page(page: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """Run the app (entry + navigation), switch to `page` and run it once."""
    at = AppTest.from_file(APP, default_timeout=60)
    if query:
        at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(str(ROOT / page))
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def classification():
    return open_page("pages/classification.py")
