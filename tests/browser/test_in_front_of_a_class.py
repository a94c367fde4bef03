"""What a teacher and students hit in front of a class (issue 22), where only a browser shows it:
a taller window (a projector) keeps STOP on screen, a phone keeps the view switches and START/STOP
by the video, the live numbers above the fold, the teaching page without sideways scrolling,
plain words beside every view, and no blank page on a cold start.

Screenshots go to tests/artifacts/class-*.png.
"""

from __future__ import annotations

import pathlib
import time

import pytest

from studio.ui.cold_start import STARTING_TEXT
from tests.support.app_server import AppServer
from tests.support.chromium import new_context
from tests.support.demo_page import STREAMER_IFRAME, DemoPage, box_in_page, open_demo_at, page_screenshot

pytestmark = pytest.mark.browser

LAPTOP, PROJECTOR, PHONE = (1366, 768), (1366, 1080), (390, 844)
SQUATS = "Sample video: one person doing squats"


def shot(page, name: str) -> pathlib.Path:
    return page_screenshot(page, f"class-{name}")


def assert_on_screen(name: str, box: dict, height: int) -> None:
    top, bottom = box["y"], box["y"] + box["height"]
    assert 0 <= top and bottom <= height + 1, f"{name} spans y = {top:.0f}..{bottom:.0f}; the screen is {height} px"


def stop_inside_its_frame(demo: DemoPage) -> tuple[dict, dict]:
    """STOP's box and the streamer iframe's box, in the page."""
    return box_in_page(demo.stop_button), box_in_page(demo.page.locator(STREAMER_IFRAME))


# Item 4: the video's cap follows the window's height ----------------------------------------------


@pytest.mark.timeout(240)
def test_a_taller_window_keeps_stop_on_screen_and_inside_the_video_frame(browser, app_server, app_pages, contexts):
    demo = open_demo_at(browser, app_server, app_pages, "Single pose", LAPTOP, contexts)
    demo.start(timeout=40)
    demo.wait_for_frames(3, 30)
    for viewport in (LAPTOP, PROJECTOR, LAPTOP, PROJECTOR):
        demo.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        time.sleep(2.0)  # the helper re-measures every 0.3 s
        demo.page.evaluate("() => window.scrollTo(0, 0)")
        stop, frame = stop_inside_its_frame(demo)
        video = box_in_page(demo.video)
        shot(demo.page, f"resized-{viewport[0]}x{viewport[1]}")
        print(f"\n{viewport}: video {video['height']:.0f} px, frame {frame['height']:.0f} px, STOP y={stop['y']:.0f}")
        assert stop["y"] + stop["height"] <= frame["y"] + frame["height"] + 1, "STOP is cut off by its frame"
        assert_on_screen("STOP", stop, viewport[1])
        assert_on_screen("the video", video, viewport[1])
    assert video["height"] > 0.5 * PROJECTOR[1], "the video did not grow with the window"


# Item 8: small things ------------------------------------------------------------------------------

# Every text the main area showed, in order, as the browser drew it (a MutationObserver from the start).
RECORD_TEXTS = """
(() => {
  window.__texts = [];
  const note = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    const text = main ? main.innerText.trim() : '';
    if (text && window.__texts[window.__texts.length - 1] !== text) window.__texts.push(text);
  };
  new MutationObserver(note).observe(document, {subtree: true, childList: true, characterData: true});
})();
"""


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", ["/", "/single_pose"], ids=["home", "single_pose"])
def test_a_cold_start_says_it_is_starting_instead_of_a_blank_page(browser, tmp_path, path):
    server = AppServer(tmp_path / "cold.log")
    server.start()
    context = browser.new_context(viewport={"width": LAPTOP[0], "height": LAPTOP[1]})
    context.add_init_script(RECORD_TEXTS)
    try:
        page = context.new_page()
        page.goto(server.url + path, wait_until="domcontentloaded")
        done = "Start here" if path == "/" else "Video source"
        page.get_by_text(done, exact=True).first.wait_for(timeout=120_000)
        time.sleep(1)
        texts = page.evaluate("() => window.__texts")
        shot(page, f"cold-start-{path.strip('/') or 'home'}")
        print(f"\ncold start {path}: first texts drawn {[t[:60] for t in texts[:3]]}")
        assert texts and texts[0].startswith(STARTING_TEXT.rstrip("…")), texts[:3]
        assert STARTING_TEXT not in texts[-1], "the notice stayed after the page was drawn"
    finally:
        context.close()
        server.stop()


@pytest.mark.timeout(120)
def test_the_home_pages_code_is_not_cut_at_1366(browser, app_server, contexts):
    context = new_context(browser, LAPTOP)
    contexts.append(context)
    page = context.new_page()
    page.goto(app_server.url, wait_until="domcontentloaded")
    page.get_by_test_id("stImage").first.wait_for(timeout=60_000)
    blocks = page.get_by_test_id("stCode")
    assert blocks.count() == 2
    blocks.first.scroll_into_view_if_needed()
    shot(page, "home-code-1366")
    for block in blocks.all():
        overflow = block.locator("pre").evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert overflow[0] <= overflow[1] + 1, f"a code block scrolls sideways: {overflow}"
        assert "keypoints" in block.inner_text() or "annotated.png" in block.inner_text()


# Item 6: on a phone, what a student uses while watching is by the video ---------------------------


@pytest.mark.timeout(240)
@pytest.mark.parametrize("source", ["camera", SQUATS])
def test_phone_view_switch_start_stop_and_numbers_are_by_the_video(browser, app_server, app_pages, contexts, source):
    demo = open_demo_at(browser, app_server, app_pages, "Multi pose", PHONE, contexts)
    if source != "camera":
        demo.choose_source(source)  # portrait: the tallest video
    demo.start(timeout=40)
    demo.wait_for_frames(3, 30)
    time.sleep(1.5)
    demo.page.locator(STREAMER_IFRAME).evaluate("f => f.scrollIntoView({block: 'start'})")
    time.sleep(0.5)
    shot(demo.page, f"phone-watching-{'camera' if source == 'camera' else 'sample'}")
    video, stop = box_in_page(demo.video), box_in_page(demo.stop_button)
    view = box_in_page(demo.widget("stRadio", "Show"))
    numbers = box_in_page(demo.live_metrics.first)  # not the over-time panel's own metric under the video
    scores = box_in_page(demo.page.get_by_test_id("stCaptionContainer").filter(has_text="Pose scores").first)
    for name, box in (("the video", video), ("STOP", stop), ("the view switch", view), ("the live numbers", numbers)):
        assert_on_screen(name, box, PHONE[1])
    assert_on_screen("the pose scores", scores, PHONE[1])
    # The view switch works from there, and the video keeps its place.
    demo.choose("Show", "Heatmaps")
    time.sleep(1.0)
    assert abs(box_in_page(demo.video)["y"] - video["y"]) < 2, "switching the view moved the video"
    shot(demo.page, f"phone-heatmaps-{'camera' if source == 'camera' else 'sample'}")


# Item 5 and 6: the teaching page's links by name, and a phone reads it without scrolling sideways ----


@pytest.mark.timeout(300)
def test_teaching_tabs_link_by_name_and_a_phone_reads_the_code_without_scrolling_sideways(
    browser, app_server, app_pages, contexts
):
    context = new_context(browser, PHONE)
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{app_server.url}{app_pages['How decoding works']}?step=single-pose", wait_until="domcontentloaded")
    page.get_by_test_id("stCode").first.wait_for(timeout=90_000)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
    time.sleep(1)
    assert page.get_by_role("tab", name="3 · Single pose").get_attribute("aria-selected") == "true"
    code = page.get_by_test_id("stCode").first
    code.scroll_into_view_if_needed()
    shot(page, "phone-teaching-code")
    for block in page.get_by_test_id("stCode").all():
        sizes = block.locator("pre").evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert sizes[0] <= sizes[1] + 1, f"a code block scrolls sideways on a phone: {sizes}"
    page.get_by_role("tab", name="2 · Heatmaps").click()
    page.wait_for_url("**step=heatmaps", timeout=30_000)  # the address a teacher copies names the step
    glossary = page.get_by_test_id("stExpander").filter(has_text="Glossary")
    glossary.locator("summary").click()
    glossary.get_by_text("Hungarian algorithm").wait_for(timeout=10_000)
    glossary.scroll_into_view_if_needed()
    shot(page, "phone-teaching-glossary")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
