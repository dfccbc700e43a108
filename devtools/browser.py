"""Start the app under `streamlit run` and drive it in headless Chromium via Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

from deploy.classroom import app_command, stop, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def app_server(port: int | None = None, timeout_s: float = 60.0, workers: int | None = None) -> Iterator[str]:
    """Run `streamlit run streamlit_app.py` on loopback; yields its base URL, stops it afterwards.

    Args:
        workers: training worker processes; None: the app's default (one per core), whatever the caller's env says.
    """
    port = port or free_port()
    env = {key: value for key, value in os.environ.items() if key != "PLAYGROUND_WORKERS"}
    if workers is not None:
        env["PLAYGROUND_WORKERS"] = str(workers)
    process = subprocess.Popen(
        app_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, timeout_s)
        yield base
    finally:
        stop([process])


@contextlib.contextmanager
def browser_page(width: int = 1600, height: int = 1100) -> Iterator[object]:
    """A Playwright page in Debian's headless Chromium."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed (apt-get install -y chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()


def wait_for_idle(page: object, timeout_ms: int = 60000) -> None:
    """Wait until Streamlit reports the script is not running."""
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=timeout_ms)


def metric_value(page: object, label: str) -> str:
    """The text of the st.metric whose label is `label`."""
    locator = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label)
    )
    return locator.first.locator("[data-testid='stMetricValue']").inner_text()
