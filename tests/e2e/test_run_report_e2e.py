"""The run report in the real browser: download it, follow its link, replay the run to the same numbers."""

import re

import pytest

from devtools.browser import wait_for_idle
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def _live(page, testid: str) -> str:
    return page.locator(f"[data-testid='{testid}']").first.inner_text()


def test_a_downloaded_report_links_back_to_a_replay_of_the_same_run(page, app_url, screenshots):
    page.goto(app_url + "/classification?dataset=xor&lr=0.1&hidden=3")
    wait_for_idle(page)
    for expected in range(1, 4):
        page.locator("button").filter(has_text="Step").first.click()
        wait_for_idle(page)
        assert wait_until(lambda n=expected: _live(page, "live-epoch") == str(n))
    loss = _live(page, "live-train-loss")
    with page.expect_download() as download:
        page.locator("button", has_text="Download a run report").first.click()
    report = download.value.path().read_text()
    assert report.startswith("<!DOCTYPE html>") and "<th>Epochs</th><td>3</td>" in report
    link = re.search(r'<a href="([^"]+)">Open this run in the app</a>', report).group(1).replace("&amp;", "&")
    assert link.startswith(app_url + "/classification?") and link.endswith("&replay=3")
    page.goto(link)
    wait_for_idle(page)
    page.locator("button", has_text="Replay 3 epochs").first.click()
    assert wait_until(lambda: _live(page, "live-epoch") == "3" and "Replayed" in page.content(), timeout_s=60)
    assert _live(page, "live-train-loss") == loss  # the same run, to the shown digit
    page.screenshot(path=str(screenshots / "report-replayed.png"))
