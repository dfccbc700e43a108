"""Live drawing: how long from a finished stroke to the new prediction, with the shipped digits model.

1. In headless Chromium, a stroke drawn with the mouse on the real canvas, timed inside the page:
   - canvas change -> prediction: from the canvas's message leaving the browser (the drawing, sent to the
     server) until the new "Pred:" line is on screen: rerun, preprocessing, model, feature maps, render.
     Goal: under 150 ms.
   - mouse-up -> canvas change: streamlit-drawable-canvas waits 200 ms after the last change before it
     sends (its bundle's debounce), so a learner sees the answer about that much later.
   Reference, same run and timed the same way: clearing the canvas, whose rerun classifies nothing.
2. On the server alone (AppTest): the page's rerun after a new drawing, against a rerun with no drawing.

    python -m bench.bench_classify [--strokes 6]
"""

from __future__ import annotations

import argparse
import base64
import io
import statistics
import time

from PIL import Image

from devtools.browser import app_server, browser_page, wait_for_idle
from tests.core.test_drawing_input import drawn
from tests.e2e.test_classify_e2e import ONE, SEVEN, draw

PRED = "[...document.querySelectorAll('h3')].map(e => e.innerText).find(t => t.startsWith('Pred:')) || ''"
TIMING = """
(() => {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (window.__armed && window.__sentAt === undefined) window.__sentAt = performance.now();
    return send.call(this, data);
  };
  const arm = () => { window.__upAt = performance.now(); window.__armed = true; };
  document.addEventListener("mouseup", arm, true);
  const seen = () => window.__target === "Pred:"
    ? [...document.querySelectorAll("h3")].some(e => e.innerText.startsWith("Pred:"))
    : [...document.querySelectorAll("[data-testid=stAlert]")].some(e => e.innerText.includes(window.__target));
  const watch = () => new MutationObserver(() => {
    if (window.__sentAt !== undefined && window.__predAt === undefined && seen()) window.__predAt = performance.now();
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
  document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", watch) : watch();
})();
"""
ARM = "t => { window.__target = t; window.__armed = false; window.__sentAt = undefined; window.__predAt = undefined; }"
READ = "[window.__upAt, window.__sentAt, window.__predAt]"


def browser_latencies(strokes: int) -> tuple[list[float], list[float], list[float]]:
    """(canvas change -> prediction, mouse-up -> canvas change, clearing -> "Draw something first"), seconds."""
    changes, debounces, floors = [], [], []
    with app_server() as base, browser_page(1440, 900) as page:
        page.add_init_script(TIMING)
        page.goto(base + "/classify")
        wait_for_idle(page)
        for i in range(strokes):
            wait_for_idle(page)
            page.evaluate(ARM, "Draw something first")
            page.get_by_role("button", name="Reset canvas & history").click()  # sent at once: nothing to classify
            page.wait_for_function("window.__predAt !== undefined", timeout=30000)
            _, sent, shown = page.evaluate(READ)
            floors.append((shown - sent) / 1000)
            wait_for_idle(page)
            page.evaluate(ARM, "Pred:")
            draw(page, SEVEN if i % 2 == 0 else ONE)  # ends with mouse-up, which arms the timer
            page.wait_for_function("window.__predAt !== undefined", timeout=30000)
            up, sent, shown = page.evaluate(READ)
            changes.append((shown - sent) / 1000)
            debounces.append((sent - up) / 1000)
    return changes, debounces, floors


def server_seconds(repeats: int) -> tuple[float, float]:
    """(rerun with a new drawing, rerun without one), medians, under AppTest."""
    from streamlit.testing.v1 import AppTest

    from playground.classify_view import CANVAS
    from tests.pages.conftest import APP, ROOT

    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(str(ROOT / "pages" / "classify.py")).run()
    with_drawing, without = [], []
    for i in range(repeats):
        buffer = io.BytesIO()
        drawn("7" if i % 2 else "1").save(buffer, format="PNG")
        at.session_state[CANVAS] = {
            "drawing": {"raw": None, "data": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()}
        }
        started = time.perf_counter()
        at.run()
        with_drawing.append(time.perf_counter() - started)
        empty = io.BytesIO()
        Image.new("RGBA", (280, 280), (0, 0, 0, 0)).save(empty, format="PNG")
        at.session_state[CANVAS] = {
            "drawing": {"raw": None, "data": "data:image/png;base64," + base64.b64encode(empty.getvalue()).decode()}
        }
        started = time.perf_counter()
        at.run()
        without.append(time.perf_counter() - started)
    return statistics.median(with_drawing), statistics.median(without)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=6)
    args = parser.parse_args()
    changes, debounces, floors = browser_latencies(args.strokes)
    change, debounce, floor = (statistics.median(v) for v in (changes, debounces, floors))
    print(
        f"browser: canvas change -> new prediction on screen {change * 1000:.0f} ms median "
        f"(max {max(changes) * 1000:.0f} ms, {len(changes)} strokes; goal < 150 ms)"
    )
    print(f"browser: mouse-up -> canvas change (the component's debounce) {debounce * 1000:.0f} ms median")
    print(f"browser: clearing the canvas, its rerun classifying nothing, {floor * 1000:.0f} ms (timed the same way)")
    drawing, empty = server_seconds(10)
    print(
        f"server: rerun with a new drawing {drawing * 1000:.0f} ms, with none {empty * 1000:.0f} ms; "
        f"ratio {drawing / empty:.2f}x"
    )


if __name__ == "__main__":
    main()
