"""A share link's words in a real browser: shown as typed (inline code), never as a live link
or an image from another site, and cut short (issue 10, item 1)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.support.chromium import new_context
from tests.support.demo_page import DemoPage
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser

HOSTILE = {
    "view": "x` **Camera blocked: [click here to fix](http://evil.example/fix)** `",
    "part": "![img](http://evil.example/a.png)",
    "boundingBoxes": "x" * 60_000,
    "scaleFactor": "www.evil.example <img src=http://evil.example/b.png>",
}


def test_a_hostile_link_shows_plain_short_text(browser, app_server, app_pages):
    context = new_context(browser, viewport=(1366, 768))
    try:
        demo = DemoPage(context, app_server.url, f"{app_pages['Multi pose']}?{urlencode(HOSTILE)}").open()
        notices = demo.page.get_by_test_id("stAlert")
        notices.first.wait_for()
        demo.screenshot(ARTIFACTS / "hostile-link.png")
        texts = notices.all_inner_texts()
        assert len(texts) == len(HOSTILE), texts
        assert any("x` **Camera blocked: [click here to fix" in t for t in texts), texts  # as typed, up to the cut
        assert any("![img](http://evil.example/a.png)" in t for t in texts), texts
        page = demo.page
        links = page.locator('a[href*="evil"]').evaluate_all("as => as.map(a => a.parentElement.outerHTML)")
        assert links == []
        assert page.locator('img[src*="evil"]').count() == 0
        for alert in notices.all():
            assert alert.locator("a, img, strong, em").count() == 0, alert.inner_html()
            assert alert.bounding_box()["height"] < 150  # not a 12,000 px warning
    finally:
        context.close()


def test_a_teaching_link_opens_a_step_by_its_number(browser, app_server, app_pages):
    context = new_context(browser, viewport=(1366, 768))
    try:
        page = context.new_page()
        page.goto(f"{app_server.url}{app_pages['How decoding works']}?step=4", wait_until="domcontentloaded")
        tab = page.get_by_role("tab", name="4 · Multi-pose")
        tab.wait_for(timeout=60_000)
        page.get_by_test_id("stSlider").filter(has_text="Max pose detections").wait_for(timeout=60_000)
        assert tab.get_attribute("aria-selected") == "true"
        assert page.get_by_test_id("stAlert").filter(has_text="not a step").count() == 0
        page.screenshot(path=str(ARTIFACTS / "teaching-step-4.png"))
    finally:
        context.close()
