"""The app's layout on a brand-new server: a deep link as the very first request, and nothing fetched offline."""

import pytest

from devtools.browser import app_server, browser_page, wait_for_idle

pytestmark = pytest.mark.e2e


def test_a_deep_link_as_a_fresh_servers_first_request_gets_the_navigation_and_the_layout(app_url):
    with app_server() as fresh, browser_page(1440, 900) as page:  # its own server: no request has reached it yet
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        missing: list[str] = []
        page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
        page.goto(fresh + "/classification")
        wait_for_idle(page)
        page.get_by_role("heading", name="Classification playground").wait_for()
        navigation = page.locator("[data-testid='stSidebarNav']")
        assert navigation.get_by_role("link", name="Home").is_visible()
        assert navigation.get_by_role("link", name="Tensors").is_visible()
        assert page.get_by_text("Seed").first.is_visible()  # the shared sidebar ran
        icon = page.locator("link[rel~='icon']").first.get_attribute("href") or ""
        assert not icon.startswith("http") or icon.startswith(fresh), icon  # the icon is served by the app
        assert not [url for url in failed if not url.startswith(fresh)], failed  # nothing was fetched elsewhere
        # The frontend probes /classification/_stcore/... for a base path before it finds the server's root.
        assert all("/classification/_stcore/" in url for url in missing), missing
        assert not [text for text in errors if not text.startswith("Failed to load resource")], errors


LIVE_PAGES = {  # page: (the tab that holds Play, the live view's main picture)
    "classification": (None, ".pg-boundary"),
    "workflow": (None, ".pg-regression"),
    "vision": ("3. Train", ".pg-images"),
    "augmentation": ("The experiment: with and without augmentation", ".pg-images"),
    "transfer": (None, ".pg-images"),
}


@pytest.mark.parametrize(("width", "height", "device"), [(1024, 768, "tablet"), (390, 844, "phone")])
@pytest.mark.parametrize("topic", list(LIVE_PAGES))
def test_after_play_the_live_view_is_on_screen(app_url, screenshots, topic, width, height, device):
    """On a tablet and on a phone (where the columns stack, the live view comes before the settings).

    The learner has scrolled Play into the middle of the screen and presses it: the counters and the top of the
    picture are then on screen, not below every setting.
    """
    from tests.helpers import wait_until

    tab, picture_part = LIVE_PAGES[topic]
    with browser_page(width, height) as page:
        page.goto(app_url + "/" + topic)
        wait_for_idle(page)
        if tab:
            page.get_by_role("tab", name=tab).click()
        play = page.locator("button").filter(has_text="Play").locator("visible=true").first
        play.evaluate("button => button.scrollIntoView({block: 'center'})")
        play.click()
        epoch = page.locator("[data-testid='live-epoch']").first
        assert wait_until(lambda: epoch.inner_text() not in ("", "0"))  # it trains
        picture = page.locator(picture_part).first.bounding_box()
        assert picture is not None and picture["y"] + min(0.5 * picture["height"], 150) < height, picture
        assert epoch.bounding_box()["y"] + epoch.bounding_box()["height"] < height
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off the side
        for part in (".pg-boundary", ".pg-landscape", ".pg-layers", ".pg-images"):  # not even inside the live view
            box = page.locator(part).first.bounding_box() if page.locator(part).count() else None
            assert box is None or box["width"] == 0 or box["x"] + box["width"] <= width + 1, (part, box)
        page.screenshot(path=str(screenshots / f"{topic}-{device}.png"))
