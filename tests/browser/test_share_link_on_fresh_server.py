"""A teacher's share link opened first thing on a freshly started server (the normal path after
``deploy/up``: every replica is new and students arrive by the link) gives the app as designed:
its own navigation, layout and settings from the link, not Streamlit's raw page list."""

from __future__ import annotations

import pytest

from tests.support.app_server import AppServer
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.demo_page import DemoPage
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser

APP_NAVIGATION = ["Home", "Single pose", "Multi pose", "How decoding works"]


def navigation_titles(page) -> list[str]:
    nav = page.get_by_test_id("stSidebarNav")
    nav.wait_for(timeout=60_000)
    return [text.split("\n")[-1].strip() for text in nav.locator("a").all_inner_texts()]


def test_a_share_link_is_the_first_request_of_a_new_server(playwright_driver, tmp_path):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        with AppServer(tmp_path / "streamlit.log") as server:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            demo = DemoPage(context, server.url, "/multi_pose?maxPoseDetections=2").open(timeout=120)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            demo.page.screenshot(path=str(ARTIFACTS / "share_link_first_request.png"))
            assert navigation_titles(demo.page) == APP_NAVIGATION
            assert demo.slider_value("Max pose detections") == 2  # the link's setting, not the default 5
            assert demo.page.url.endswith("/multi_pose?maxPoseDetections=2")

            demo.page.reload(wait_until="domcontentloaded")
            demo.page.get_by_role("heading", name="Multi-pose").wait_for(timeout=60_000)
            assert navigation_titles(demo.page) == APP_NAVIGATION
    finally:
        browser.close()
