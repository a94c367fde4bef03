"""A live stream's rate while another session analyses a whole clip (not a test: it prints, nothing passes or fails).

    flock /tmp/posenet-timing.lock python benchmarks/stream_during_analysis.py [--rounds 4]

Starts the app and one headless Chromium. A "watcher" session streams the squats sample on the
single-pose page (65 frames at 5 fps, played in real time by the server, so 5 fps is the most it can
show); an "analyst" session on the multi-pose page runs "Analyse the whole clip" on the same sample
(``studio/clips/jobs.py``: at most cores - 1 jobs, a 50 ms pause after each frame while live streams
run). Each round has two windows, the analysis ("during", as long as it takes) and as long again
without it ("alone"), in the order A B, B A, ... so that other load on the shared machine weighs on
both alike. The watcher's rate is distinct frames processed per second (the page's "Frames processed"
over wall time). Prints every window, the medians, and host steal and the load average: a run with
more than ~10% steal says little. The browser test of the same scene
(``tests/browser/test_clip_upload_in_browser.py``) checks only that the stream keeps going.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # the repository: tests.support

from tests.support.app_server import AppServer  # noqa: E402
from tests.support.chromium import launch_chromium, new_context, warm_up  # noqa: E402
from tests.support.demo_page import DemoPage, processed_rate  # noqa: E402
from tests.support.fake_camera import make_y4m  # noqa: E402
from tests.support.proc_metrics import host_cpu_jiffies  # noqa: E402

SQUATS = "Sample video: one person doing squats"


def during_analysis(watcher: DemoPage, analyst: DemoPage) -> tuple[float, float]:
    """The watcher's fps while the analyst's analysis runs, and how long it ran (s)."""
    analyst.analyse_whole_clip()
    started, samples = time.monotonic(), [watcher.read()]
    while analyst.analysing():
        time.sleep(1.0)
        samples.append(watcher.read())
    analysed_in = time.monotonic() - started
    analyst.wait_for_analysis_result()
    return processed_rate(samples), analysed_in


def alone(watcher: DemoPage, seconds: float) -> float:
    return processed_rate(watcher.sample(seconds, every=1.0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="rounds of (analysis, as long without)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="posenet-analysis-") as tmp:
        tmp = pathlib.Path(tmp)
        camera = make_y4m(tmp / "camera.y4m", 360, 640, seconds=1.0)  # unused: both sessions play the sample
        with AppServer(tmp / "streamlit.log") as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright, camera)
            pages = warm_up(browser, server.url)
            watcher = DemoPage(new_context(browser), server.url, pages["Single pose"]).open(timeout=120)
            watcher.choose_source(SQUATS)
            watcher.start(timeout=60)
            watcher.wait_for_frames(3, timeout=60)
            analyst = DemoPage(new_context(browser), server.url, pages["Multi pose"]).open(timeout=120)
            analyst.choose_source(SQUATS)

            jiffies, during, without, times = host_cpu_jiffies(), [], [], []
            print("| round | window | watcher fps | analysis s |\n| --- | --- | --- | --- |", flush=True)
            for round_ in range(1, args.rounds + 1):
                seconds = times[-1] if times else 9.0  # "alone" lasts as long as the last analysis
                for window in ("during", "alone") if round_ % 2 else ("alone", "during"):
                    if window == "during":
                        rate, analysed_in = during_analysis(watcher, analyst)
                        during.append(rate)
                        times.append(analysed_in)
                        print(f"| {round_} | during | {rate:.2f} | {analysed_in:.1f} |", flush=True)
                    else:
                        rate = alone(watcher, seconds)
                        without.append(rate)
                        print(f"| {round_} | alone | {rate:.2f} | |", flush=True)
            now = host_cpu_jiffies()
            steal = (now[2] - jiffies[2]) / max(1, now[0] - jiffies[0])
            print(
                f"\nwatcher fps, median: {statistics.median(during):.2f} during an analysis, "
                f"{statistics.median(without):.2f} without (the sample plays at 5); "
                f"the 65-frame analysis took {statistics.median(times):.1f} s (median)"
            )
            print(f"host steal {100 * steal:.1f}%, load average {os.getloadavg()[0]:.2f} (1 min)")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
