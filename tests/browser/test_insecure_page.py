"""A page opened over plain http:// by a name other than localhost (a class LAN by address, or a
stack without HTTPS) gets no camera from the browser: the page says so in words, before START."""

from __future__ import annotations

import pytest

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser


def test_plain_http_page_says_the_camera_needs_the_https_link(app_server, camera_y4m, playwright_driver):
    args = [*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={camera_y4m.resolve()}"]
    args.append("--host-resolver-rules=MAP plain.class.test 127.0.0.1")  # a name, not localhost: not secure
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://plain.class.test:{app_server.port}/multi_pose", wait_until="domcontentloaded")
        assert page.evaluate("window.isSecureContext") is False
        notice = page.get_by_test_id("stAlertContentError").filter(has_text="plain")
        notice.wait_for(timeout=120_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "insecure-page.png"))
        text = notice.inner_text()
        assert "browsers give the camera only to secure pages" in text and "https://" in text
        assert "navigator.mediaDevices" not in text
    finally:
        browser.close()
