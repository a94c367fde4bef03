"""Headless Chromium (Debian's, never ``playwright install``) with a fake camera, and the
browser contexts (one per Streamlit session) the tests open in it."""

from __future__ import annotations

import contextlib
import pathlib

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]


def launch_chromium(playwright, y4m: pathlib.Path):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={pathlib.Path(y4m).resolve()}"],
    )


# Every frame (the component's iframe too) keeps its RTCPeerConnections in window.__pcs,
# so a test can read the local camera track and WebRTC stats from outside the component.
TRACK_PEER_CONNECTIONS = """
(() => {
  const Original = window.RTCPeerConnection;
  if (!Original || Original.__tracked) return;
  window.__pcs = [];
  class Tracked extends Original {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  }
  Tracked.__tracked = true;
  window.RTCPeerConnection = Tracked;
})();
"""


def warm_up(browser, base_url: str, timeout: float = 120.0) -> dict[str, str]:
    """Open the home page once; returns the app's pages as {sidebar title: URL path}.

    The first visit loads PoseNet (cached for every later session), so tests that time
    things do not time the model load. Pages are found by their sidebar titles ("Single
    pose", "Multi pose"), not by hard-coded URLs, which follow the page files' names.
    """
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base_url, wait_until="domcontentloaded")
        page.get_by_text("Start here", exact=True).wait_for(timeout=timeout * 1000)
        page.get_by_test_id("stImage").first.wait_for(timeout=timeout * 1000)  # the model's example picture
        links = (
            page.get_by_test_id("stSidebarNav")
            .locator("a")
            .evaluate_all("links => links.map(a => [a.innerText.trim(), new URL(a.href).pathname])")
        )
    finally:
        context.close()
    return {title.split("\n")[-1].strip(): path for title, path in links}


def new_context(browser, viewport=(1400, 1600)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    context.add_init_script(TRACK_PEER_CONNECTIONS)
    return context


@contextlib.contextmanager
def own_browser(playwright, y4m: pathlib.Path, base_url: str):
    """A Chromium of a test's own, for a server of its own: (browser, pages as ``warm_up`` gives them)."""
    chromium = launch_chromium(playwright, y4m)
    try:
        yield chromium, warm_up(chromium, base_url)
    finally:
        chromium.close()
