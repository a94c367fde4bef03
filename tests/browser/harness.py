"""Drive PoseNet Studio in headless Chromium: the app server, the fake camera, the demo page.

Shared by the browser tests (``tests/browser``) and ``benchmarks/browser_fps.py``. Plain
Python plus Playwright; nothing here imports the app, which runs in its own process.

The page is read the way a user reads it: the ``Frames processed`` counter in the live
caption counts *distinct* frames PoseNet processed on the server (the video received by
the browser stays at the camera rate even when processing is slower), so processing
rates here are always deltas of that counter over wall time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
SQUATS_MP4 = REPO_ROOT / "studio" / "samples" / "pose_squats.mp4"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CAMERA_FPS = 30
STREAMER_IFRAME = 'iframe[title="streamlit_webrtc.component.webrtc_streamer"]'
# The colour draw_poses uses for the first pose (posenet_core/draw.py, POSE_COLOURS[0]).
SKELETON_RGB = (0, 230, 160)

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


# ---------------------------------------------------------------------------------------
# The fake camera: a .y4m file Chromium plays (and loops) as the webcam.
# ---------------------------------------------------------------------------------------

STAMP_BITS = 8  # frame index 0..255, plus the complement of each bit as a check
STAMP_BAND = 40  # pixels at the top of a stamped frame


def _fit(rgb: np.ndarray, width: int, height: int, top: int = 0) -> np.ndarray:
    """``rgb`` scaled to fit ``width`` x ``height - top`` (aspect kept), centred on black."""
    import cv2

    room_h = height - top
    scale = min(width / rgb.shape[1], room_h / rgb.shape[0])
    w, h = max(2, int(round(rgb.shape[1] * scale))), max(2, int(round(rgb.shape[0] * scale)))
    small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    out = np.zeros((height, width, 3), np.uint8)
    x0, y0 = (width - w) // 2, top + (room_h - h) // 2
    out[y0 : y0 + h, x0 : x0 + w] = small
    return out


def stamp_frame(rgb: np.ndarray, index: int) -> None:
    """Write ``index`` as 2 x STAMP_BITS black/white blocks across the top band (in place).

    Block 2k is bit k (white = 1), block 2k+1 its complement, so a frame whose band was
    damaged (or is not stamped at all) does not decode.
    """
    width = rgb.shape[1]
    blocks = 2 * STAMP_BITS
    rgb[:STAMP_BAND] = 0
    for k in range(STAMP_BITS):
        bit = (index >> k) & 1
        for j, value in ((2 * k, bit), (2 * k + 1, 1 - bit)):
            x0, x1 = j * width // blocks, (j + 1) * width // blocks
            rgb[4 : STAMP_BAND - 4, x0 + 3 : x1 - 3] = 255 * value


def rgb_to_i420(rgb: np.ndarray) -> bytes:
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes()


def make_y4m(
    path: pathlib.Path,
    width: int = 360,
    height: int = 640,
    seconds: float = 4.0,
    stamp: bool = False,
    source: pathlib.Path = SQUATS_MP4,
) -> pathlib.Path:
    """The squats clip as a 30 fps y4m for Chromium's fake camera.

    The clip is 5 fps, so each frame is repeated to reach 30 fps. Frames are scaled to fit
    ``width`` x ``height`` on black (the clip is 720 x 1280 portrait, so 360 x 640 is an
    exact downscale). With ``stamp``, every 30 fps frame carries its index in the top
    band (see ``stamp_frame``) and the picture fits below the band.
    """
    import av

    total = int(round(seconds * CAMERA_FPS))
    if stamp and total > 2**STAMP_BITS:
        raise ValueError(f"a stamped loop holds at most {2**STAMP_BITS} frames")
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 5)
        repeat = max(1, int(round(CAMERA_FPS / rate)))
        pictures = []
        for frame in container.decode(video=0):
            pictures.append(frame.to_ndarray(format="rgb24"))
            if len(pictures) * repeat >= total:
                break
    path = pathlib.Path(path)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{CAMERA_FPS}:1 Ip A1:1 C420jpeg\n".encode())
        index = 0
        for picture in pictures:
            fitted = _fit(picture, width, height, top=STAMP_BAND if stamp else 0)
            plain = None if stamp else rgb_to_i420(fitted)
            for _ in range(repeat):
                if index >= total:
                    break
                if stamp:
                    stamp_frame(fitted, index)
                    plain = rgb_to_i420(fitted)
                out.write(b"FRAME\n")
                out.write(plain)
                index += 1
    return path


# ---------------------------------------------------------------------------------------
# The app server.
# ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# An experiment, off by default: start Streamlit with its after-every-run clean-up switched
# off. After each script run (fragment runs included) Streamlit 1.67 calls
# keras.backend.clear_session() when keras is imported (TensorFlow imports it) and, with
# runner.postScriptGC, gc.collect(2): two full collections that held the GIL ~0.25 s each
# with TensorFlow's ~400,000 objects and stalled the video threads (15 instead of 30 fps,
# latency growing, two sessions frozen). studio/model.py now gc.freeze()s after loading the
# model, which removes that cost; set POSENET_E2E_SKIP_RUN_CLEANUP=1 (or pass
# skip_run_cleanup=True) to compare with the clean-up skipped altogether.
SKIP_RUN_CLEANUP_ENV = "POSENET_E2E_SKIP_RUN_CLEANUP"
_SKIP_RUN_CLEANUP_PRELUDE = (
    "import sys; from streamlit.runtime.scriptrunner import script_runner; "
    "script_runner._clean_problem_modules = lambda: None; "
    "from streamlit.web.cli import main; sys.argv[0] = 'streamlit'; sys.exit(main())"
)


class AppServer:
    """``streamlit run streamlit_app.py`` on 127.0.0.1 and a free port, logging to a file."""

    def __init__(
        self,
        log_path: pathlib.Path,
        port: int | None = None,
        cwd: pathlib.Path = REPO_ROOT,
        skip_run_cleanup: bool | None = None,
    ):
        self.log_path = pathlib.Path(log_path)
        self.port = port or free_port()
        self.cwd = cwd
        if skip_run_cleanup is None:
            skip_run_cleanup = os.environ.get(SKIP_RUN_CLEANUP_ENV, "") not in ("", "0")
        self.skip_run_cleanup = skip_run_cleanup
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> AppServer:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
        env.pop("POSENET_ICE_SERVERS", None)  # local runs: host candidates only
        self._log = open(self.log_path, "wb")
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",  # others edit the code while tests run
        ]
        if self.skip_run_cleanup:
            command[1:3] = ["-c", _SKIP_RUN_CLEANUP_PRELUDE]
            command += ["--runner.postScriptGC", "false"]
        self.process = subprocess.Popen(
            command, cwd=self.cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode}\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        if self._log:
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return f"--- last {lines} lines of {self.log_path} ---\n" + "\n".join(text.splitlines()[-lines:])

    def log_text(self) -> str:
        if self._log:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


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


# ---------------------------------------------------------------------------------------
# The app server's process: memory, threads, CPU (read from /proc).
# ---------------------------------------------------------------------------------------


def _status_field(pid: int, field: str) -> int:
    """An integer field of /proc/PID/status (VmRSS in kB, Threads, ...); 0 if the process is gone."""
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            ppid = int(text.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, MB."""
    return sum(_status_field(p, "VmRSS") for p in [pid, *descendants(pid)]) / 1024


def threads(pid: int) -> int:
    return _status_field(pid, "Threads")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_share(pid: int, seconds: float) -> float:
    """Cores' worth of CPU the process uses over the next ``seconds``."""
    start = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - start) / seconds


def wait_until_quiet(pid: int, timeout: float, cores: float = 0.1, window: float = 2.0) -> tuple[float, float]:
    """Until the server uses at most ``cores`` over ``window`` seconds (no stream runs any more).

    Returns (seconds until quiet, the last window's share); raises AssertionError after ``timeout``.
    """
    started = time.monotonic()
    while True:
        share = cpu_share(pid, window)
        waited = time.monotonic() - started
        if share <= cores:
            return waited, share
        if waited > timeout:
            raise AssertionError(f"the server still uses {share:.2f} cores {waited:.0f} s later")


# ---------------------------------------------------------------------------------------
# The demo page.
# ---------------------------------------------------------------------------------------

_FRAMES_RE = re.compile(r"Frames processed:\s*([\d,]+)")
_TOTAL_RE = re.compile(r"total\s+([\d.]+)\s*ms")
_INPUT_RE = re.compile(r"network input\s+(\d+)x(\d+)")
_SCORES_RE = re.compile(r"Pose scores:\s*(.*)$", re.S)

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
        while not self.page.locator(STREAMER_IFRAME).count():
            self.fail_on_dialog()
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.path}: no video streamer on the page after {timeout:.0f} s")
            time.sleep(0.2)
        self.start_button.wait_for(state="visible", timeout=max(1.0, deadline - time.monotonic()) * 1000)
        self.fail_on_dialog()
        return self

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


def strong_changes(a: np.ndarray, b: np.ndarray, threshold: int = 60) -> int:
    """Pixels where two same-sized pictures differ by more than ``threshold`` on some channel."""
    if a.shape != b.shape:
        raise ValueError(f"pictures differ in size: {a.shape} vs {b.shape}")
    return int((np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=-1) > threshold).sum())


def mean_change(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def count_near(rgb: np.ndarray, colour=SKELETON_RGB, tolerance: int = 40) -> int:
    """Pixels within ``tolerance`` of ``colour`` on every channel."""
    diff = np.abs(rgb.astype(np.int16) - np.array(colour, np.int16))
    return int(np.all(diff <= tolerance, axis=-1).sum())


# ---------------------------------------------------------------------------------------
# Glass-to-glass latency: stamped camera frames, read back from the local and the output
# video at the same instant in the component's iframe.
# ---------------------------------------------------------------------------------------

_READ_STAMPS_JS = """
([bits, centre]) => {
  const pcs = window.__pcs || [];
  const remote = document.querySelector('video');
  let track = null;
  for (const pc of pcs) for (const s of pc.getSenders()) if (s.track && s.track.kind === 'video') track = s.track;
  if (!remote || !track) return {error: `remote video: ${!!remote}, local track: ${!!track}`};
  if (!window.__localVideo || window.__localVideo.srcObject.getVideoTracks()[0] !== track) {
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true;
    v.srcObject = new MediaStream([track]);
    v.play();
    window.__localVideo = v;
  }
  const decode = (video) => {
    const w = video.videoWidth, h = video.videoHeight;
    if (w < 32 || h < 32) return null;
    const canvas = document.createElement('canvas');
    canvas.width = w; canvas.height = h;
    const g = canvas.getContext('2d', {willReadFrequently: true});
    g.drawImage(video, 0, 0, w, h);
    const blocks = 2 * bits, y = Math.min(h - 1, Math.round(centre * h));
    const row = g.getImageData(0, y, w, 1).data;
    const level = (j) => {
      let sum = 0, n = 0;
      const x0 = Math.floor((j + 0.3) * w / blocks), x1 = Math.floor((j + 0.7) * w / blocks);
      for (let x = x0; x < x1; x++) {
        const i = 4 * x;
        sum += 0.299 * row[i] + 0.587 * row[i + 1] + 0.114 * row[i + 2];
        n++;
      }
      return sum / Math.max(n, 1);
    };
    let value = 0;
    for (let k = 0; k < bits; k++) {
      const a = level(2 * k), b = level(2 * k + 1);
      if (Math.abs(a - b) < 60) return null;  // not a clean stamp
      if (a > b) value |= (1 << k);
    }
    return value;
  };
  return {local: decode(window.__localVideo), remote: decode(remote), now: performance.now()};
}
"""


def component_frame(demo: DemoPage):
    """The streamer iframe as a Playwright Frame (for evaluating script inside it)."""
    return demo.page.locator(STREAMER_IFRAME).element_handle().content_frame()


_RTP_STATS_JS = """
async () => {
  const out = {};
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === 'closed') continue;
    const report = await pc.getStats();
    report.forEach(s => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') out.inbound = s;
      if (s.type === 'outbound-rtp' && s.kind === 'video') out.outbound = s;
      if (s.type === 'candidate-pair' && s.nominated) out.pair = s;
    });
    out.connectionState = pc.connectionState;
  }
  return out;
}
"""


def rtp_stats(demo: DemoPage) -> dict:
    """WebRTC stats of the component's peer connection: inbound (the processed video
    coming back) and outbound (the camera going out) video RTP, and the candidate pair."""
    return component_frame(demo).evaluate(_RTP_STATS_JS)


def read_stamps(demo: DemoPage, frame_height: int) -> dict:
    """``{"local": index on the camera track now, "remote": index on the output video now}``."""
    return component_frame(demo).evaluate(_READ_STAMPS_JS, [STAMP_BITS, (STAMP_BAND / 2) / frame_height])


def stamp_latency_ms(reading: dict, loop_frames: int) -> float | None:
    if reading.get("local") is None or reading.get("remote") is None:
        return None
    behind = (reading["local"] - reading["remote"]) % loop_frames
    return 1000.0 * behind / CAMERA_FPS
