"""Live training as a learner sees it: epochs per second and boundary redraws per second.

Starts the app under `streamlit run`, opens the classification page in
headless Chromium with TF Playground's default or largest setup (through the
URL), presses Play, and reads the "Epoch" counter and the decision boundary's
image for a while.

    python -m bench.bench_browser [--seconds 15] [--setups default,largest] [--users 1] [--contexts 8]

--users N opens N browsers; --contexts N opens N learners (browser contexts,
each its own session) in one Chromium, as a classroom's laptops would not, but
as this 2-core machine can: every tab draws on the same two cores as the server.
"""

from __future__ import annotations

import argparse
import threading
import time
import urllib.parse

from devtools.browser import CHROMIUM_FLAGS, app_server, browser_page, chromium_path, wait_for_idle

QUERIES: dict[str, dict[str, str]] = {
    "default": {
        "dataset": "spiral",
        "noise": "0",
        "train": "50",
        "batch": "10",
        "hidden": "4,2",
        "activation": "tanh",
        "lr": "0.03",
        "features": "x1,x2",
    },
    "largest": {
        "dataset": "spiral",
        "noise": "0",
        "train": "50",
        "batch": "10",
        "hidden": "8,8,8,8,8,8",
        "activation": "tanh",
        "lr": "0.03",
        "features": "x1,x2,x1^2,x2^2,x1*x2,sin x1,sin x2",
    },
}

# The live view counts its own boundary draws (each one a canvas redraw of a new frame).
REDRAWS = "() => window.__playgroundBoundaryDraws || 0"


def live_epoch(page: object) -> int:
    """The Epoch counter of the live view."""
    return int(page.locator("[data-testid='live-epoch']").first.inner_text().replace(",", ""))


def measure(base: str, setup: str, seconds: float, results: dict, name: str) -> None:
    """Open the page, press Play, and record epochs/s, redraws/s and Pause latency under `name`."""
    url = base + "/classification?" + urllib.parse.urlencode(QUERIES[setup])
    with browser_page() as page:
        page.goto(url)
        wait_for_idle(page)
        page.locator("button").filter(has_text="Play").first.click()
        page.locator("button").filter(has_text="Pause").first.wait_for(timeout=30000)
        time.sleep(1.0)  # let the first frames arrive
        start_epoch, start_redraws, started = live_epoch(page), page.evaluate(REDRAWS), time.perf_counter()
        time.sleep(seconds)
        end_epoch, end_redraws = live_epoch(page), page.evaluate(REDRAWS)
        elapsed = time.perf_counter() - started
        pauses = []
        for cycle in range(3):  # Pause latency varies: take the median of three
            if cycle:
                page.locator("button").filter(has_text="Play").first.click()
                page.locator("button").filter(has_text="Pause").first.wait_for(timeout=30000)
                time.sleep(1.5)
            clicked = time.perf_counter()
            page.locator("button").filter(has_text="Pause").first.click()
            page.locator("button").filter(has_text="Play").first.wait_for(timeout=30000)
            pauses.append(time.perf_counter() - clicked)
        pause_latency = sorted(pauses)[1]
        results[name] = {
            "epochs_per_s": (end_epoch - start_epoch) / elapsed,
            "redraws_per_s": (end_redraws - start_redraws) / elapsed,
            "pause_s": pause_latency,
        }


def measure_contexts(base: str, setup: str, seconds: float, count: int) -> list[dict[str, float]]:
    """`count` learners in one Chromium (a context each): all press Play, then epochs/s and redraws/s each."""
    from playwright.sync_api import sync_playwright

    url = base + "/classification?" + urllib.parse.urlencode(QUERIES[setup])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            pages = [browser.new_context(viewport={"width": 1440, "height": 900}).new_page() for _ in range(count)]
            for page in pages:
                page.goto(url)
            for page in pages:
                wait_for_idle(page)
                page.locator("button").filter(has_text="Play").first.click()
            for page in pages:
                page.locator("button").filter(has_text="Pause").first.wait_for(timeout=60000)
            time.sleep(3.0)  # every learner's first frames
            starts = [(live_epoch(page), page.evaluate(REDRAWS), time.perf_counter()) for page in pages]
            time.sleep(seconds)
            results = []
            for page, (epoch, redraws, started) in zip(pages, starts, strict=True):
                elapsed = time.perf_counter() - started
                results.append(
                    {
                        "epochs_per_s": (live_epoch(page) - epoch) / elapsed,
                        "redraws_per_s": (page.evaluate(REDRAWS) - redraws) / elapsed,
                    }
                )
            return results
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--setups", default="default,largest")
    parser.add_argument("--users", type=int, default=1, help="learners training at once on one server")
    parser.add_argument("--contexts", type=int, default=0, help="learners in one Chromium (one context each)")
    args = parser.parse_args()
    reference = {"default": 60.0, "largest": 23.5}  # TF Playground itself, headless Chromium, this machine
    with app_server() as base:
        if args.contexts:
            for setup in args.setups.split(","):
                results = measure_contexts(base, setup, args.seconds, args.contexts)
                epochs = sorted(r["epochs_per_s"] for r in results)
                redraws = sorted(r["redraws_per_s"] for r in results)
                print(
                    f"{setup:8s} {args.contexts} learners in one Chromium: "
                    f"epochs/s each {epochs[0]:.1f}-{epochs[-1]:.1f} "
                    f"(sum {sum(epochs):.0f}; min {epochs[0] / reference[setup]:.2f}x TF Playground's "
                    f"{reference[setup]} alone) | redraws/s each {redraws[0]:.1f}-{redraws[-1]:.1f}",
                    flush=True,
                )
            return
        for setup in args.setups.split(","):
            single: dict = {}
            measure(base, setup, args.seconds, single, "solo")
            solo = single["solo"]
            versus_tf = solo["epochs_per_s"] / reference[setup]
            print(
                f"{setup:8s} 1 user : {solo['epochs_per_s']:6.1f} epochs/s ({versus_tf:.2f}x "
                f"TF Playground's {reference[setup]}) | {solo['redraws_per_s']:4.1f} redraws/s | "
                f"Pause took {solo['pause_s']:.2f} s (median of 3)"
            )
            if args.users > 1:
                shared: dict = {}
                threads = [
                    threading.Thread(target=measure, args=(base, setup, args.seconds, shared, f"user{i}"))
                    for i in range(args.users)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                for name, result in sorted(shared.items()):
                    print(
                        f"{setup:8s} {args.users} users, {name}: {result['epochs_per_s']:6.1f} epochs/s "
                        f"({result['epochs_per_s'] / solo['epochs_per_s']:.0%} of solo) | "
                        f"{result['redraws_per_s']:4.1f} redraws/s"
                    )


if __name__ == "__main__":
    main()
