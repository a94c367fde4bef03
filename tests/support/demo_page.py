"""A demo page as a user sees it (page object): the streamer's buttons, the widgets by their
labels, the live numbers, the video.

The page is read the way a user reads it: the ``Frames processed`` counter in the live
caption counts *distinct* frames PoseNet processed on the server (the video received by
the browser stays at the camera rate even when processing is slower), so processing
rates here are always deltas of that counter over wall time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import pathlib
import re
import time

import numpy as np
from playwright.sync_api import Error as PlaywrightError

from studio.live.webrtc_compat import STREAMER_IFRAME
from studio.session_keys import DemoKeys
from tests.support.chromium import new_context
from tests.support.paths import ARTIFACTS

_FRAMES_RE = re.compile(r"Frames processed:\s*([\d,]+)")
_TOTAL_RE = re.compile(r"total\s+([\d.]+)\s*ms")
_INPUT_RE = re.compile(r"network input\s+(\d+)x(\d+)")
_SCORES_RE = re.compile(r"Pose scores:\s*([^\n]*)")  # one line: "Not drawn: ..." may follow

_READ_NUMBERS_JS = """
() => {
  const metrics = {};
  for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const label = m.querySelector('[data-testid="stMetricLabel"]');
    const value = m.querySelector('[data-testid="stMetricValue"]');
    if (label && value) metrics[label.innerText.trim()] = value.innerText.trim();
  }
  let caption = null;
  for (const c of document.querySelectorAll('[data-testid="stCaptionContainer"]')) {
    if (c.innerText.includes('Frames processed')) caption = c.innerText;
  }
  return {metrics, caption};
}
"""


@dataclasses.dataclass
class Sample:
    """One reading of the live numbers the page shows."""

    t: float  # time.monotonic() when read
    frames_processed: int | None
    processed_fps: float | None  # the page's own "Processed fps" metric
    poses: int | None  # the "Poses" metric
    scores: list[float]  # "Pose scores: ..." from the caption
    total_ms: float | None  # per-frame server time, from the caption
    network_input: tuple[int, int] | None  # (width, height)
    caption: str | None

    def confident_poses(self, threshold: float = 0.3) -> int:
        return sum(score >= threshold for score in self.scores)


def parse_sample(raw: dict, t: float) -> Sample:
    metrics, caption = raw.get("metrics", {}), raw.get("caption")
    frames = total = size = None
    scores: list[float] = []
    if caption:
        if m := _FRAMES_RE.search(caption):
            frames = int(m.group(1).replace(",", ""))
        if m := _TOTAL_RE.search(caption):
            total = float(m.group(1))
        if m := _INPUT_RE.search(caption):
            size = (int(m.group(1)), int(m.group(2)))
        if m := _SCORES_RE.search(caption):
            scores = [float(x) for x in re.findall(r"\d+\.\d+", m.group(1))]

    def number(label):
        try:
            return float(re.findall(r"[\d.]+", metrics[label])[0])
        except (KeyError, IndexError, ValueError):
            return None

    poses = number("Poses")
    poses = None if poses is None else int(poses)
    return Sample(t, frames, number("Processed fps"), poses, scores, total, size, caption)


def processed_rate(samples: list[Sample]) -> float:
    """Distinct frames processed per second between the first and last sample with a count."""
    counted = [s for s in samples if s.frames_processed is not None]
    if len(counted) < 2 or counted[-1].t <= counted[0].t:
        return 0.0
    return (counted[-1].frames_processed - counted[0].frames_processed) / (counted[-1].t - counted[0].t)


class DemoPage:
    """One Streamlit session on one demo page (``path``: its URL path, e.g. from ``warm_up``)."""

    def __init__(self, context, base_url: str, path: str):
        self.context = context
        self.page = context.new_page()
        self.base_url = base_url
        self.path = path
        self.page.set_default_timeout(30_000)
        self.last_change_at: float | None = None  # when choose/set_slider last acted

    # -- navigation and widgets -----------------------------------------------------------

    def open(self, timeout: float = 60.0) -> DemoPage:
        """Load the page and wait for the streamer's START button (or fail on a dialog)."""
        self.page.goto(f"{self.base_url}/{self.path.lstrip('/')}", wait_until="domcontentloaded")
        deadline = time.monotonic() + timeout
        # Exactly one streamer: while a script run replaces the page's elements, Streamlit keeps the
        # last run's (a hidden copy of the streamer's iframe) until the run ends.
        while not self._one_streamer_with_start():
            self.fail_on_dialog()
            if time.monotonic() > deadline:
                found = self.page.locator(STREAMER_IFRAME).count()
                raise AssertionError(
                    f"{self.path}: no video streamer with a START button after {timeout:.0f} s ({found} streamers; "
                    f"the page says: {self.page.locator('body').inner_text()[:300]!r})"
                )
            time.sleep(0.2)
        self.fail_on_dialog()
        return self

    def _one_streamer_with_start(self) -> bool:
        try:
            return self.page.locator(STREAMER_IFRAME).count() == 1 and self.start_button.is_visible()
        except PlaywrightError as error:  # a second streamer came between the two questions
            if "strict mode violation" not in str(error):
                raise
            return False

    def go_to(self, title: str, timeout: float = 60.0) -> DemoPage:
        """Click ``title`` in the sidebar, as a user changes pages (same session, no reload);
        returns once the sidebar marks that page as the current one."""
        nav_links = self.page.get_by_test_id("stSidebarNav").locator("a")
        nav_links.filter(has_text=title).click()
        current = nav_links.and_(self.page.locator("[aria-current='page']")).filter(has_text=title)
        current.wait_for(timeout=timeout * 1000)
        self.path = current.evaluate("a => new URL(a.href).pathname")
        return self

    def fail_on_dialog(self) -> None:
        """A modal (e.g. Streamlit's "Page not found") covers the page: say so, do not click through it."""
        dialogs = self.page.get_by_test_id("stDialog")
        if dialogs.count() and dialogs.first.is_visible():
            raise AssertionError(f"{self.path}: a dialog covers the page: {dialogs.first.inner_text()!r}")

    @property
    def frame(self):
        return self.page.frame_locator(STREAMER_IFRAME)

    @property
    def start_button(self):
        return self.frame.get_by_role("button", name=re.compile(r"^\s*start\s*$", re.I))

    @property
    def stop_button(self):
        return self.frame.get_by_role("button", name=re.compile(r"^\s*stop\s*$", re.I))

    @property
    def video(self):
        return self.frame.locator("video")

    @property
    def live_metrics(self):
        """The live numbers' metrics (Processed fps, Network, Decode, Poses), in their row beside the video;
        not the over-time panel's metric (Repetitions) under it."""
        return self.page.locator(f'[class*="st-key-{DemoKeys.LIVE_NUMBERS}"] [data-testid="stMetric"]')

    def button_text(self) -> str:
        return " ".join(self.frame.get_by_role("button").all_inner_texts()).strip()

    def widget(self, testid: str, label: str):
        """The Streamlit widget (``stRadio``, ``stSlider``, ...) whose label is exactly ``label``."""
        label_locator = self.page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
        return self.page.get_by_test_id(testid).filter(has=label_locator)

    def choose(self, radio_label: str, option: str, timeout: float = 10.0) -> None:
        """Click a radio option; returns once it shows as selected and the run it starts is over."""
        choice = (
            self.widget("stRadio", radio_label)
            .get_by_test_id("stRadioOption")
            .filter(has=self.page.get_by_text(option, exact=True))
        )
        self.last_change_at = time.monotonic()
        choice.click()
        deadline = time.monotonic() + timeout
        while choice.get_attribute("data-selected") != "true":
            if time.monotonic() > deadline:
                raise AssertionError(f"{radio_label!r}: {option!r} did not get selected")
            time.sleep(0.1)
        self.wait_for_run()

    def choose_source(self, option: str, timeout: float = 30.0) -> None:
        """Pick a "Video source": each source has its own streamer, so wait for the new one.

        The old component stays on the page until the script run that replaces it has
        got that far (about a second); a START clicked before then goes to the old one.
        """
        self.page.locator(STREAMER_IFRAME).evaluate("f => { f.dataset.replaced = 'yes'; }")
        self.choose("Video source", option)
        fresh = f"{STREAMER_IFRAME}:not([data-replaced])"
        self.page.locator(fresh).wait_for(state="attached", timeout=timeout * 1000)
        self.page.frame_locator(fresh).get_by_role("button", name=re.compile(r"^\s*start\s*$", re.I)).wait_for(
            state="visible", timeout=timeout * 1000
        )
        if self.page.locator(STREAMER_IFRAME).count() != 1:
            raise AssertionError(f"{self.page.locator(STREAMER_IFRAME).count()} streamers on the page")

    def chosen(self, radio_label: str) -> str:
        group = self.widget("stRadio", radio_label)
        return group.locator('[data-testid="stRadioOption"][data-selected="true"]').inner_text().strip()

    def slider(self, label: str):
        return self.widget("stSlider", label).locator('input[type="range"]')

    def slider_value(self, label: str) -> float:
        return float(self.slider(label).input_value())

    def set_slider(self, label: str, value: float, timeout: float = 10.0) -> None:
        """Home/End and arrow keys on the thumb, as a keyboard user would."""
        thumb = self.slider(label)
        thumb.focus()
        low, high = float(thumb.get_attribute("min")), float(thumb.get_attribute("max"))
        self.last_change_at = time.monotonic()
        if value <= low:
            thumb.press("Home")
        elif value >= high:
            thumb.press("End")
        else:
            deadline = time.monotonic() + timeout
            while abs(self.slider_value(label) - value) > 1e-6 and time.monotonic() < deadline:
                thumb.press("ArrowRight" if self.slider_value(label) < value else "ArrowLeft")
        deadline = time.monotonic() + timeout
        while abs(self.slider_value(label) - value) > 1e-6:
            if time.monotonic() > deadline:
                raise AssertionError(f"slider {label!r} stuck at {self.slider_value(label)}, wanted {value}")
            time.sleep(0.1)
        self.wait_for_run()

    def wait_for_run(self, timeout: float = 5.0) -> None:
        """Until the script run a widget change started has finished (status widget gone).

        Best effort: the live numbers' fragment reruns every second while streaming, so the
        status widget can be busy for other reasons; callers check the effect they want.
        """
        time.sleep(0.3)
        with contextlib.suppress(Exception):
            self.page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout * 1000)

    # -- streaming --------------------------------------------------------------------------

    def start(self, timeout: float = 20.0) -> float:
        """Click START, wait for real video (> 16 px wide); returns seconds from click to video."""
        self.start_button.click()
        clicked = time.monotonic()
        self.wait_for_video(timeout)
        return time.monotonic() - clicked

    def wait_for_video(self, timeout: float = 20.0) -> None:
        self.video.wait_for(state="attached", timeout=timeout * 1000)
        self.video.evaluate(
            """(v, ms) => new Promise((resolve, reject) => {
                 const t0 = performance.now();
                 (function poll() {
                   if (v.videoWidth > 16 && v.readyState >= 2) return resolve();
                   if (performance.now() - t0 > ms) return reject(new Error(
                     `no video: videoWidth=${v.videoWidth} readyState=${v.readyState}`));
                   setTimeout(poll, 50);
                 })();
               })""",
            timeout * 1000,
        )

    def peer_connections(self) -> int:
        """RTCPeerConnections the component created in this page so far (a restart makes a new one)."""
        return component_frame(self).evaluate("() => (window.__pcs || []).length")

    def is_streaming(self) -> bool:
        """The component shows STOP (not START) and a real video."""
        if self.start_button.count() and self.start_button.is_visible():
            return False
        if not (self.stop_button.count() and self.stop_button.is_visible()):
            return False
        state = self.video_state() if self.video.count() else {"width": 0}
        return state["width"] > 16

    def video_state(self) -> dict:
        """What the output <video> shows: size, frames decoded, playing or not."""
        return self.video.evaluate(
            """v => {
                 const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : {};
                 return {width: v.videoWidth, height: v.videoHeight, time: v.currentTime,
                         paused: v.paused, ended: v.ended, readyState: v.readyState,
                         totalFrames: q.totalVideoFrames ?? null, dropped: q.droppedVideoFrames ?? null,
                         hasStream: !!v.srcObject};
               }"""
        )

    def read(self) -> Sample:
        raw = self.page.evaluate(_READ_NUMBERS_JS)
        return parse_sample(raw, time.monotonic())

    def sample(self, seconds: float, every: float = 1.0) -> list[Sample]:
        samples = []
        end = time.monotonic() + seconds
        while True:
            samples.append(self.read())
            if time.monotonic() + every > end:
                break
            time.sleep(every)
        return samples

    def wait_for(self, predicate, timeout: float, what: str, every: float = 0.25) -> Sample:
        """Until ``predicate(sample)`` holds; raises AssertionError naming the last sample."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            last = self.read()
            if predicate(last):
                return last
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not seen within {timeout:.0f} s; last page reading: {last}")
            time.sleep(every)

    def wait_for_frames(self, count: int, timeout: float) -> Sample:
        return self.wait_for(
            lambda s: s.frames_processed is not None and s.frames_processed >= count,
            timeout,
            f"Frames processed >= {count}",
        )

    # -- whole-clip analysis ("Analyse the whole clip", beside the source) --------------------

    def analyse_whole_clip(self, timeout: float = 30.0) -> None:
        """Press "Analyse the whole clip"; returns once its progress bar shows."""
        self.page.get_by_role("button", name=re.compile("Analyse the whole clip")).click()
        self.page.get_by_test_id("stProgress").wait_for(timeout=timeout * 1000)

    def analysing(self) -> bool:
        """An analysis of this page runs: its progress bar is on the page."""
        return self.page.get_by_test_id("stProgress").count() > 0

    def wait_for_analysis_result(self, timeout: float = 180.0) -> None:
        """Until the analysis is over and its result is offered (the annotated video's download)."""
        self.page.get_by_test_id("stProgress").wait_for(state="detached", timeout=timeout * 1000)
        self.page.get_by_role("button", name=re.compile("Annotated video")).wait_for(timeout=30_000)

    # -- pictures ---------------------------------------------------------------------------

    def screenshot(self, path: pathlib.Path) -> pathlib.Path:
        path = pathlib.Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def video_frame(self) -> np.ndarray:
        """The frame the output <video> shows now, at the stream's own resolution (RGB array)."""
        import base64

        from PIL import Image

        data_url = self.video.evaluate(
            """v => { const c = document.createElement('canvas');
                      c.width = v.videoWidth; c.height = v.videoHeight;
                      c.getContext('2d').drawImage(v, 0, 0);
                      return c.toDataURL('image/png'); }"""
        )
        png = base64.b64decode(data_url.split(",", 1)[1])
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    def video_screenshot(self, path: pathlib.Path | None = None) -> np.ndarray:
        """The output <video> as the user sees it (RGB array); saved as PNG if ``path``."""
        from PIL import Image

        png = self.video.screenshot()
        if path is not None:
            path = pathlib.Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def component_frame(demo: DemoPage):
    """The streamer iframe as a Playwright Frame (for evaluating script inside it)."""
    return demo.page.locator(STREAMER_IFRAME).element_handle().content_frame()


def open_demo_at(browser, app_server, app_pages, title: str, viewport, contexts: list) -> DemoPage:
    """The page called ``title`` in a new context of ``viewport`` size (appended to ``contexts``)."""
    context = new_context(browser, viewport)
    contexts.append(context)
    return DemoPage(context, app_server.url, app_pages[title]).open()


def page_screenshot(page, name: str) -> pathlib.Path:
    """The page as it is now, in ``ARTIFACTS/<name>.png`` (printed, so a log says where)."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def box_in_page(locator) -> dict:
    """The locator's bounding box; fails the test if it is not on the page."""
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not on the page"
    return box
