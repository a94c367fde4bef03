"""A full server says so: with POSENET_MAX_STREAMS=2, a third user is told, the two streaming keep streaming.

Its own app server (the limit is read at start-up) and its own Chromium with the fake camera.
Timings are printed, not asserted (the machine is shared), except loose bounds that only a
broken gate would miss.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.support.app_server import server_with_env
from tests.support.chromium import new_context, own_browser
from tests.support.demo_page import STREAMER_IFRAME, DemoPage, processed_rate
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser

LIMIT = 2
FULL = re.compile(r"live demo is full", re.I)


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("limited") / "streamlit.log"
    with server_with_env(log, POSENET_MAX_STREAMS=str(LIMIT)) as server:
        yield server


@pytest.fixture(scope="module")
def limited_browser(camera_y4m, limited_server, playwright_driver):
    with own_browser(playwright_driver, camera_y4m, limited_server.url) as browser_and_pages:
        yield browser_and_pages


def full_notice(demo: DemoPage):
    return demo.page.get_by_test_id("stAlert").filter(has_text=FULL)


def wait_for_notice(demo: DemoPage, timeout: float) -> float:
    started = time.monotonic()
    full_notice(demo).first.wait_for(state="visible", timeout=timeout * 1000)
    return time.monotonic() - started


def frames_now(demo: DemoPage) -> int:
    return demo.wait_for_frames(1, timeout=10).frames_processed


@pytest.mark.timeout(300)
def test_one_user_over_the_limit_is_told_and_the_others_keep_streaming(limited_server, limited_browser):
    browser, pages = limited_browser
    url, path = limited_server.url, pages["Multi pose"]
    contexts = []

    def session() -> DemoPage:
        contexts.append(new_context(browser))
        return DemoPage(contexts[-1], url, path)

    try:
        first = session().open()
        late = session().open()  # opened while there is room: it shows START
        second = session().open()
        first.start(timeout=40)
        second.start(timeout=40)
        for demo in (first, second):
            demo.wait_for_frames(1, timeout=30)
        before = [demo.sample(4.0) for demo in (first, second)]
        first.page.get_by_text("Server: 2 of 2 live streams").wait_for(timeout=10_000)  # the live numbers say so

        # START past the limit: the message, and no stream.
        late.start_button.click()
        told_after = wait_for_notice(late, timeout=15)
        print(f"\nSTART over the limit -> 'full' message in {told_after:.1f} s")
        text = full_notice(late).first.inner_text()
        assert "2 people are streaming" in text and "try again shortly" in text
        assert late.page.get_by_role("link", name=re.compile("How decoding works")).count()
        assert not late.page.locator(STREAMER_IFRAME).count()

        # Opening a demo page while full: the message straight away, no START.
        newcomer = session()
        newcomer.page.goto(f"{url}/{path.lstrip('/')}", wait_until="domcontentloaded")
        print(f"page opened while full -> message in {wait_for_notice(newcomer, timeout=60):.1f} s")
        assert not newcomer.page.locator(STREAMER_IFRAME).count()
        newcomer.screenshot(ARTIFACTS / "admission_full.png")

        # Those already in kept streaming all along.
        after = [demo.sample(4.0) for demo in (first, second)]
        for name, demo, a, b in zip(("first", "second"), (first, second), before, after):
            rate_before, rate_after = processed_rate(a), processed_rate(b)
            print(f"{name}: {rate_before:.1f} distinct fps before, {rate_after:.1f} while others were turned away")
            assert demo.is_streaming() and rate_after > 0

        # A place frees up: the waiting page brings START back by itself.
        first.stop_button.click()
        first.start_button.wait_for(state="visible", timeout=20_000)
        freed = time.monotonic()
        newcomer.start_button.wait_for(state="visible", timeout=30_000)
        print(f"a place freed -> START back on the waiting page in {time.monotonic() - freed:.1f} s")
        newcomer.start(timeout=40)
        newcomer.wait_for_frames(1, timeout=30)
    finally:
        for context in contexts:
            context.close()
