"""Real-browser tests: the app under `streamlit run`, Debian's chromium driven by Playwright."""

import os

import pytest

from devtools.browser import app_server, browser_page, chromium_path


@pytest.fixture(scope="session")
def app_url():
    if chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium for the browser tests.")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    with app_server() as base:
        yield base


@pytest.fixture
def page(app_url):
    with browser_page() as browser:
        yield browser


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")
