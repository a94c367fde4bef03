"""Shared fixtures: the repo on sys.path, one PoseNet per session, the sample media, stand-ins for
streamlit-webrtc's streams and a clock the tests move."""

import asyncio
import concurrent.futures
import json
import os
import pathlib
import re
import sys

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# The library tests load TensorFlow and the app tests streamlit-webrtc, in one process. Load
# aiortc's SRTP library first: in the other order the process dies with a segmentation fault
# (tensorflow 2.21 + pylibsrtp 1.0; both bring their own native libraries). Serving never
# imports TensorFlow, so only a process like this one needs the order.
import pylibsrtp  # noqa: E402, F401

from tests.support.paths import SAMPLES  # noqa: E402


def read_only(array):
    """Session fixtures are shared: a test that writes into one fails loudly instead."""
    array.flags.writeable = False
    return array


def read_rgb(path: pathlib.Path):
    """An image file as an H x W x 3 uint8 RGB array (read-only)."""
    import cv2

    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert bgr is not None, f"cannot read {path}"
    return read_only(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


@pytest.fixture(scope="session")
def net():
    import posenet_core

    return posenet_core.load()


@pytest.fixture(scope="session")
def pose_image():
    """studio/samples/pose.jpg: one person, full body (1000 x 667)."""
    return read_rgb(SAMPLES / "pose.jpg")


@pytest.fixture(scope="session")
def three_people_image():
    """studio/samples/three_people.jpg: three people, upper bodies (1049 x 861)."""
    return read_rgb(SAMPLES / "three_people.jpg")


@pytest.fixture(scope="session")
def squat_frames():
    """All 65 frames of studio/samples/pose_squats.mp4 (720 x 1280 portrait), RGB uint8."""
    import av

    with av.open(str(SAMPLES / "pose_squats.mp4")) as container:
        return [read_only(frame.to_ndarray(format="rgb24")) for frame in container.decode(video=0)]


@pytest.fixture(scope="session")
def squat_reference():
    """Per frame of pose_squats.mp4, {snake_case COCO part: {"x", "y"}} located by BlazePose."""
    return json.loads((SAMPLES / "pose_squats.reference.json").read_text())


class FakeWorker:
    """Stands in for streamlit-webrtc's WebRtcWorker: all the app calls (through
    studio.live.webrtc_compat.reset_context) is ``stop``."""

    def __init__(self):
        self.stopped = False

    def stop(self, timeout=1.0):
        self.stopped = True


@pytest.fixture
def streaming_context():
    """Makes (context, worker) pairs: a streamer context with a running fake worker, or
    stopped (no worker) with ``playing=False``.

    A context holds its worker by weak reference only (the live connection keeps a real
    worker alive), so a test keeps each fake worker in a variable."""
    from streamlit_webrtc import WebRtcStreamerContext, WebRtcStreamerState

    def make(playing: bool = True):
        worker = FakeWorker() if playing else None
        state = WebRtcStreamerState(playing=playing, signalling=False)
        return WebRtcStreamerContext(worker=worker, state=state), worker

    return make


@pytest.fixture
def webrtc_without_server(monkeypatch):
    """AppTest runs scripts without a Streamlit server; streamlit-webrtc then asks it for the
    session's run count and gets a mock. With no session info it skips that bookkeeping."""
    from studio.live import webrtc_compat

    webrtc_compat.without_session_info(monkeypatch)


class FakeClock:
    """``time.monotonic`` for code that takes a clock: starts at 100 s, moved by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


# What Markdown makes of a text: any of these means it is not shown as plain text.
MARKDOWN_SYNTAX = {"link_open", "image", "strong_open", "em_open", "code_inline", "html_inline", "html_block", "s_open"}
AUTOLINK = re.compile(r"(https?|ftp)://|www\.|[\w.+-]+@[\w-]+\.\w")


def _tokens(body: str):
    from markdown_it import MarkdownIt

    for token in MarkdownIt("commonmark").enable(["strikethrough", "table"]).parse(body):
        yield token
        yield from token.children or []


def markdown_syntax(body: str) -> set[str]:
    """The syntax a CommonMark parser (with GitHub's strikethrough and tables) finds in ``body``
    beyond paragraphs of text, plus "autolink" for an address in the text that GitHub's
    flavour (Streamlit renders Markdown with it) would turn into a link."""
    found = set()
    for t in _tokens(body):
        if t.type in MARKDOWN_SYNTAX or t.type.startswith(("heading", "bullet_list", "ordered_list", "table")):
            found.add(t.type)
        if t.type == "text" and AUTOLINK.search(t.content):
            found.add("autolink")
    return found


def as_read(body: str) -> str:
    """``body`` as a reader sees it: its text and inline code, without the Markdown."""
    return "".join(
        t.content if t.type in ("text", "code_inline") else " " * (t.type == "softbreak")
        for t in _tokens(body)
        if t.type != "inline"
    )


def code_spans(body: str) -> list[str]:
    """The contents of ``body``'s inline code, as shown."""
    return [t.content for t in _tokens(body) if t.type == "code_inline"]


def run_coroutine(coroutine):
    """``asyncio.run`` in a thread of its own: Playwright's sync API (the browser tests) keeps
    an event loop running on the main thread for the rest of the session."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def pytest_collection_modifyitems(config, items):
    """Browser tests last: the quick tests report first, and they run before Playwright starts."""
    items.sort(key=lambda item: item.path.parent.name == "browser")  # a stable sort: order kept within each
