"""Screenshot every page at 1440 x 900 (what a learner sees first) into a folder: python -m devtools.screenshots OUT."""

from __future__ import annotations

import sys
from pathlib import Path

from devtools.browser import app_server, browser_page, wait_for_idle
from playground.topics import TOPICS

PAGES = ("", *(topic.url_path for topic in TOPICS))


def take(folder: Path, pages: tuple[str, ...] = PAGES, full_page: bool = False) -> list[Path]:
    """Open each page on a fresh server and save a PNG per page; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    with app_server() as base, browser_page(1440, 900) as page:
        for name in pages:
            page.goto(f"{base}/{name}")
            wait_for_idle(page)
            page.wait_for_timeout(1500)  # components and charts draw after the script finishes
            path = folder / f"{name or 'home'}.png"
            page.screenshot(path=str(path), full_page=full_page)
            files.append(path)
    return files


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "artifacts/screenshots")
    for file in take(out, full_page="--full" in sys.argv):
        print(file)
