"""A stalled PoseNet worker ends its stream, keeps no frames, tells its user, and START works again.

Its own app server with ``POSENET_TEST_STALL=60:15``: the 60th frame the server processes
blocks its frame callback for 15 s (longer than streamlit-webrtc's own 10 s limit), as a
worker thread starved of CPU did in the soak that found this (memory +12.5 MB/s, 2.6 GB).
The fake camera sends 360x640 frames at 30 fps: 15 s of them kept would be ~155 MB.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.support.app_server import server_with_env
from tests.support.chromium import new_context, own_browser
from tests.support.demo_page import DemoPage
from tests.support.paths import ARTIFACTS
from tests.support.proc_metrics import tree_rss_mb

pytestmark = pytest.mark.browser

STALL_AT_FRAME, STALL_S = 60, 15
MAX_GROWTH_MB = 50
STALLED = re.compile(r"server stopped your stream", re.I)


@pytest.fixture(scope="module")
def stalling_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("stalling") / "streamlit.log"
    with server_with_env(log, POSENET_TEST_STALL=f"{STALL_AT_FRAME}:{STALL_S}") as server:
        yield server


@pytest.fixture(scope="module")
def stalling_browser(camera_y4m, stalling_server, playwright_driver):
    with own_browser(playwright_driver, camera_y4m, stalling_server.url) as browser_and_pages:
        yield browser_and_pages


def peak_rss_while(pid: int, seconds: float, until=None) -> float:
    peak, end = 0.0, time.monotonic() + seconds
    while time.monotonic() < end and not (until and until()):
        peak = max(peak, tree_rss_mb(pid))
        time.sleep(0.25)
    return max(peak, tree_rss_mb(pid))


@pytest.mark.timeout(400)
def test_a_stalled_stream_is_ended_told_and_released_and_start_works_again(stalling_server, stalling_browser):
    browser, pages = stalling_browser
    pid = stalling_server.process.pid
    context = new_context(browser)
    demo = DemoPage(context, stalling_server.url, pages["Multi pose"]).open()
    try:
        demo.start(timeout=60)
        demo.wait_for_frames(STALL_AT_FRAME - 20, timeout=60)
        baseline = tree_rss_mb(pid)
        stalled_at = time.monotonic()
        notice = demo.page.get_by_test_id("stAlert").filter(has_text=STALLED)

        # The stall: the stream is ended and its user told, memory flat meanwhile.
        peak = peak_rss_while(pid, 40, until=lambda: notice.count() > 0)
        told_after = time.monotonic() - stalled_at
        notice.first.wait_for(state="visible", timeout=5_000)
        demo.start_button.wait_for(state="visible", timeout=30_000)
        # ... and through the rest of the stuck callback and a little after.
        peak = max(peak, peak_rss_while(pid, STALL_S + 5))
        demo.screenshot(ARTIFACTS / "stalled_stream.png")
        text = notice.first.inner_text()
        print(f"\nstall -> told in {told_after:.1f} s: {text[:120]}...")
        print(f"RSS {baseline:.0f} MB before the stall, peak {peak:.0f} MB (+{peak - baseline:.0f})")
        assert "Press START to try again" in text
        assert peak - baseline <= MAX_GROWTH_MB

        log = stalling_server.log_text()
        warning = re.search(r"WARNING.*Live stream (\S+): PoseNet processed no frame", log)
        assert warning, stalling_server.log_tail(40)
        print(f"server log names the stream: {warning.group(1)}")
        for unwanted in ("Task exception was never retrieved", "_in_queue", "Traceback"):
            assert unwanted not in log, stalling_server.log_tail(60)

        # START again: a new stream, processed as before, and the old reason is gone.
        frames_before = demo.read().frames_processed or 0
        demo.start(timeout=60)
        demo.wait_for(
            lambda s: (s.frames_processed or 0) >= frames_before + 30, 60, "frames processed after START again"
        )
        assert notice.count() == 0
        streaming = tree_rss_mb(pid)
    finally:
        context.close()

    # The tab closed: the stream and its memory go.
    after_close = peak_rss_while(pid, 20)
    print(f"RSS streaming again {streaming:.0f} MB, 20 s after the tab closed {tree_rss_mb(pid):.0f} MB")
    assert after_close - baseline <= MAX_GROWTH_MB
