"""Stop a stream soon after its browser tab is gone, and give its memory back.

Why this exists: when a tab closes, Streamlit keeps the disconnected session (and its
``st.session_state``, which holds the streamer's context) for a while in case the
browser reconnects, and streamlit-webrtc stops a worker only when that session is shut
down, which a disconnected session never is. The server itself only noticed a closed tab
when aiortc's connectivity checks failed (~30 s), and until then kept running PoseNet
for nobody; the worker's threads, codec buffers and peer connection lived on after that.

One daemon thread checks the watched streams once a second. A stream whose session has
had no browser for ``GONE_AFTER_S`` is torn down the way the STOP button tears it down.
Whenever fewer streams run than a second ago (released here, or stopped by STOP or by
leaving the page), the freed heap is handed back to the operating system for a few
seconds, while the stopped stream's threads wind down.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time
import weakref
from dataclasses import dataclass

from streamlit_webrtc import WebRtcStreamerContext

from studio import timing
from studio.live import streamlit_compat, webrtc_compat

# Long enough to ride out a websocket reconnect (a flaky network, a laptop waking up),
# short enough that a closed tab stops costing CPU almost at once.
GONE_AFTER_S = timing.TAB_GONE_S
CHECK_EVERY_S = 1.0
# A stopped stream's peer connection, codec threads and frames are freed over the next
# seconds (measured: most within 3 s, some later), so one trim right away is not enough.
TRIM_FOR_S = 30.0

LOGGER = logging.getLogger(__name__)


@dataclass
class _Watched:
    session_id: str
    gone_since: float | None = None


# Weak keys: the session owns its streamer contexts, and an entry goes when its context does.
_watched: weakref.WeakKeyDictionary[WebRtcStreamerContext, _Watched] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def watch(context: WebRtcStreamerContext) -> None:
    """Release ``context``'s stream once this script run's session has lost its browser.

    Call on every run that renders the streamer: the run in which START created the
    stream's worker is one of them. Without a worker (not started; or under AppTest,
    which has no browser) there is nothing to watch.
    """
    session_id = streamlit_compat.current_session_id()
    if session_id is None or not webrtc_compat.is_running(context):
        return
    watch_session(session_id, context)
    _start_thread()


def watch_session(session_id: str, context: WebRtcStreamerContext) -> None:
    with _lock:
        _watched.setdefault(context, _Watched(session_id))


def _start_thread() -> None:
    global _thread
    if _thread is None or not _thread.is_alive():
        _thread = threading.Thread(target=_watch_forever, name="studio-session-watch", daemon=True)
        _thread.start()


def _watch_forever() -> None:
    running_before, trim_until = 0, 0.0
    while True:
        time.sleep(CHECK_EVERY_S)
        try:
            now = time.monotonic()
            release_streams_without_browser(now)
            running = running_streams()
            if running < running_before:
                trim_until = now + TRIM_FOR_S
            running_before = running
            if now <= trim_until:
                give_memory_back()
        except Exception:  # a bug here must not end the watching
            LOGGER.exception("Checking for closed sessions failed")


def running_streams() -> int:
    """How many watched streams have a worker (are connecting or streaming)."""
    with _lock:
        contexts = list(_watched)
    return sum(1 for context in contexts if webrtc_compat.is_running(context))


def release_streams_without_browser(now: float, is_connected=None) -> int:
    """One check of every watched stream; returns how many were released.

    ``is_connected(session_id)`` defaults to asking the Streamlit runtime whether that
    session has a browser attached right now.
    """
    if is_connected is None:
        is_connected = streamlit_compat.is_active_session
    to_release = []
    with _lock:
        for context, entry in list(_watched.items()):
            if is_connected(entry.session_id):
                entry.gone_since = None
            elif not webrtc_compat.is_running(context):  # nothing running: nothing to release
                del _watched[context]
            else:
                entry.gone_since = entry.gone_since if entry.gone_since is not None else now
                if now - entry.gone_since >= GONE_AFTER_S:
                    del _watched[context]
                    to_release.append(context)
    for context in to_release:  # outside the lock: stopping a worker waits for its threads
        webrtc_compat.reset_context(context)
    return len(to_release)


def give_memory_back() -> None:
    """Collect what the released streams left in reference cycles, then ask glibc to
    return the freed pages: its per-thread arenas otherwise keep them mapped, and the
    server's memory would stay at its peak long after the users left."""
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)


def _find_malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None


_malloc_trim = _find_malloc_trim()
