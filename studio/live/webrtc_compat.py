"""Every private part of streamlit-webrtc this app relies on, in one place.

streamlit-webrtc is pinned (``requirements.txt``: ``PINNED_VERSION``). Its public API has no
way to stop a stream from the server, to tell "started" from "starting", or to choose the
relay its workers share, so the app reaches into these internals, and only through here:

- ``reset_context(context)``: ``streamlit_webrtc.component._reset_context``. Stops a
  streamer's worker and marks it stopped, exactly as the STOP button does. Used to release
  the stream of a closed tab (``session_watch``), of a source no longer chosen and of a page
  the user came back to (``streamer``).
- ``forget_last_render(context)``: ``WebRtcStreamerContext._last_rendered_run_count``. The
  library tears a stream down when one script run did not render it (its guess at "the user
  left the page"); fragment and connection-set-up reruns fooled that guess, so ``streamer``
  detects page changes itself and clears the library's record.
- ``worker_of(context)``: ``WebRtcStreamerContext._get_worker()``. The running worker, or
  None; the public ``state`` says what the browser last reported, not whether the server
  still runs a worker, which is what releasing a stream needs to know.
- ``shared_relay`` / ``set_shared_relay``: the runtime attribute
  ``"streamlit-webrtc-global-relay"``, where the library keeps the ``MediaRelay`` all its
  workers share; ``relay`` puts one there that never queues frames.
- ``event_loop()`` / ``loop_context``: ``streamlit_webrtc.eventloop``, the loop the streams
  run on; the relay must be made on it.
- ``honour_server_transport_policy()``: wraps ``streamlit_webrtc.component.compile_rtc_configuration``,
  which keeps only ``iceServers`` of the server's configuration, so that a relay-only
  ``iceTransportPolicy`` reaches aiortc too (``ice``'s ``POSENET_ICE_TRANSPORT_POLICY=relay``).
- ``STREAMER_IFRAME``: the CSS selector of the iframe the component draws the video in (its
  title is the component's module path); the page's CSS and scripts and the browser tests find
  the video by it.
- ``quiet_dropped_frames()``: the ``streamlit_webrtc.process`` logger, which warns once per
  frame a worker drops; dropping is what the live path wants, so it logs errors only.
- ``without_session_info()``: ``streamlit_webrtc.component.get_this_session_info``. Under
  AppTest (no server) it returns a mock; tests replace it with "no session" so the
  library skips its run-count bookkeeping.
- ``bound_live_queues()``: the names ``AsyncVideoProcessTrack`` and ``CallbackAttachableProcessor``
  in ``streamlit_webrtc.webrtc`` get the subclasses below (the library's own worker, bounded).
  Its worker hand-off (``AsyncMediaProcessTrack._in_queue``) kept every camera frame while the
  frame callback was busy, ``stop()`` joined the worker thread on the event loop without a
  timeout and raised ``AttributeError: '_in_queue'`` for a track that never got a frame, and the
  processor held its lock while the callback ran, so a stuck callback also blocked every script
  run of its page (``update_callbacks`` takes that lock) and the stream's teardown.
- ``keep_newest_frame_only(track)``: aiortc's ``RemoteStreamTrack._queue``, where its decoder
  thread puts every decoded camera frame. Unbounded: once nobody reads the track (its stream
  stalled or ended while the browser still sends), it grew by one decoded frame per camera
  frame (measured ~12.5 MB/s) until the peer connection closed.

If the installed version differs from the pinned one, importing this module warns; if one
of these parts is gone, it raises ``ImportError`` naming the pinned version.
"""

from __future__ import annotations

import asyncio
import collections
import importlib.metadata
import logging
import queue
import threading
import time
import warnings
from collections.abc import Mapping

from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from streamlit_webrtc import WebRtcStreamerContext

PINNED_VERSION = "0.79.0"
RELAY_ATTRIBUTE = "streamlit-webrtc-global-relay"
STREAMER_IFRAME = 'iframe[title="streamlit_webrtc.component.webrtc_streamer"]'
_PROCESS_LOGGER = "streamlit_webrtc.process"


def _installed_version() -> str | None:
    try:
        return importlib.metadata.version("streamlit-webrtc")
    except importlib.metadata.PackageNotFoundError:  # imported from a source tree
        return None


INSTALLED_VERSION = _installed_version()
if INSTALLED_VERSION != PINNED_VERSION:
    warnings.warn(
        f"PoseNet Studio is tested with streamlit-webrtc {PINNED_VERSION} and uses some of its private parts "
        f"(see studio/live/webrtc_compat.py); installed: {INSTALLED_VERSION or 'unknown'}. "
        f"Install streamlit-webrtc=={PINNED_VERSION} if streams misbehave.",
        RuntimeWarning,
        stacklevel=2,
    )

try:
    from streamlit_webrtc import component as _component
    from streamlit_webrtc import process as _process
    from streamlit_webrtc import webrtc as _webrtc
    from streamlit_webrtc.component import _reset_context
    from streamlit_webrtc.eventloop import get_global_event_loop, loop_context
    from streamlit_webrtc.models import CallbackAttachableProcessor
    from streamlit_webrtc.process import AsyncVideoProcessTrack
except ImportError as error:  # pragma: no cover - only with another streamlit-webrtc
    raise ImportError(
        f"streamlit-webrtc {INSTALLED_VERSION} lacks a private part PoseNet Studio needs ({error}); "
        f"install streamlit-webrtc=={PINNED_VERSION} (see studio/live/webrtc_compat.py)"
    ) from error

for _name in ("_get_worker", "_last_rendered_run_count"):
    if not hasattr(WebRtcStreamerContext, _name) and _name not in WebRtcStreamerContext.__annotations__:
        raise ImportError(
            f"streamlit-webrtc {INSTALLED_VERSION}'s WebRtcStreamerContext has no {_name}; "
            f"install streamlit-webrtc=={PINNED_VERSION} (see studio/live/webrtc_compat.py)"
        )

__all__ = [
    "PINNED_VERSION",
    "STREAMER_IFRAME",
    "BoundedProcessTrack",
    "NewestFrameQueue",
    "bound_live_queues",
    "keep_newest_frame_only",
    "event_loop",
    "forget_last_render",
    "honour_server_transport_policy",
    "is_running",
    "loop_context",
    "quiet_dropped_frames",
    "reset_context",
    "set_shared_relay",
    "shared_relay",
    "without_session_info",
    "worker_of",
]


def reset_context(context: WebRtcStreamerContext) -> None:
    """Stop ``context``'s stream as STOP does (its worker stops, its state says not playing)."""
    _reset_context(context)


def forget_last_render(context: WebRtcStreamerContext) -> None:
    """Switch off the library's "not rendered last run, so the user left" teardown for this run."""
    context._last_rendered_run_count = None


def worker_of(context: WebRtcStreamerContext):
    """The worker running ``context``'s stream on the server, or None."""
    return context._get_worker()


def is_running(context: WebRtcStreamerContext | None) -> bool:
    return context is not None and worker_of(context) is not None


def event_loop():
    """The event loop streamlit-webrtc runs every stream on."""
    return get_global_event_loop()


def shared_relay(runtime):
    """The relay the library's workers share, or None before the first stream."""
    return getattr(runtime, RELAY_ATTRIBUTE, None)


def set_shared_relay(runtime, relay) -> None:
    setattr(runtime, RELAY_ATTRIBUTE, relay)


def quiet_dropped_frames() -> None:
    """Log only errors of the workers: they warn for every frame dropped, which is intended here."""
    logging.getLogger(_PROCESS_LOGGER).setLevel(logging.ERROR)


def without_session_info(monkeypatch) -> None:
    """For AppTest (no server): make the library see no session, so it skips its run-count bookkeeping."""
    monkeypatch.setattr(_component, "get_this_session_info", lambda: None)


def honour_server_transport_policy() -> None:
    """Make streamlit-webrtc 0.79.0 pass ``iceTransportPolicy`` on to aiortc.

    aiortc 1.16 supports relay-only (``RTCConfiguration.iceTransportPolicy``), but
    streamlit-webrtc's ``compile_rtc_configuration`` keeps only ``iceServers`` of the dict it
    is given, so the server side would offer host candidates too. This wraps it (idempotent).
    """
    from aiortc import RTCIceTransportPolicy

    original = _component.compile_rtc_configuration
    if getattr(original, "honours_transport_policy", False):
        return

    def compile_with_policy(config):
        compiled = original(config)
        if isinstance(config, Mapping) and config.get("iceTransportPolicy") == "relay":
            compiled.iceTransportPolicy = RTCIceTransportPolicy.RELAY
        return compiled

    compile_with_policy.honours_transport_policy = True
    _component.compile_rtc_configuration = compile_with_policy


LOGGER = logging.getLogger(__name__)
_WORKER_END = _process.__SENTINEL__  # what stop() puts in the hand-off to end the worker thread


class NewestFrameQueue(queue.Queue):
    """The worker hand-off: at most the newest frame waits; the end marker, once in, stays last.

    Also measures how long a frame has waited for the worker (``waited_s``): a worker that
    is free takes each frame at once, so a frame waiting long means the callback is stuck.
    """

    def __init__(self, clock=time.monotonic):
        super().__init__()
        self._clock = clock
        self._waiting_since: float | None = None

    def _put(self, item) -> None:
        if self.queue and self.queue[-1] is _WORKER_END:  # ending: nothing goes after the end
            return
        self.queue.clear()  # an older frame nobody took yet: the newer one replaces it
        self.queue.append(item)
        if self._waiting_since is None:
            self._waiting_since = self._clock()

    def _get(self):
        self._waiting_since = None
        return self.queue.popleft()

    def waited_s(self) -> float:
        """Seconds the oldest untaken frame has waited for the worker (0 if none waits)."""
        with self.mutex:
            return 0.0 if self._waiting_since is None else self._clock() - self._waiting_since


class BoundedProcessTrack(AsyncVideoProcessTrack):
    """streamlit-webrtc's worker track (``async_processing=True``), bounded and never blocking.

    - Hands the worker the newest frame only (``NewestFrameQueue``).
    - Ends itself when the worker has taken no frame for ``stall_after_s`` while frames keep
      arriving (checked at each arrival), after calling the frame callback's ``on_stall(seconds)``
      if it has one: the stream's owner says why, the frames are let go.
    - ``stop()`` never waits for the worker thread (it ends once its callback returns) and
      works before the first frame.
    """

    stall_after_s = 5.0

    def _start(self) -> None:
        if self._thread:
            return
        self._in_queue = NewestFrameQueue()
        self._out_lock = threading.Lock()
        self._out_deque = collections.deque()
        self._thread = threading.Thread(
            target=self._run_worker_thread,
            name=f"async_media_processor_{next(_process.media_processing_thread_id_generator)}",
            daemon=True,
        )
        self._thread.start()

    def _run_worker_thread(self) -> None:
        try:
            self._worker_thread()
        except Exception as error:  # the library gives up on a callback after 10 s
            if self.readyState == "ended":  # already ended here (stall): nothing more to say
                LOGGER.debug("worker of an ended stream: %s", error)
                return
            LOGGER.warning("The PoseNet worker failed, the stream ends: %s", error)
            with self._worker_exception_lock:
                self._worker_exception = error

    def stalled_for(self) -> float:
        in_queue = getattr(self, "_in_queue", None)
        return in_queue.waited_s() if in_queue is not None else 0.0

    async def recv(self):
        try:
            frame = await super().recv()
        except MediaStreamError:
            raise
        except Exception as error:  # the worker died: end the track rather than the relay's task
            LOGGER.warning("The PoseNet worker failed, the stream ends: %s", error)
            self.stop()
            raise MediaStreamError from error
        waited = self.stalled_for()
        if waited >= self.stall_after_s:
            self._end_stalled(waited)
            raise MediaStreamError
        return frame

    def _end_stalled(self, waited: float) -> None:
        callback = getattr(self.processor, "_frame_callback", None)
        on_stall = getattr(callback, "on_stall", None)
        if on_stall is None:
            LOGGER.warning("A live stream processed no frame for %.0f s while frames arrived: ended", waited)
        else:
            on_stall(waited)
        self.stop()

    def stop(self) -> None:
        MediaStreamTrack.stop(self)  # the library's stop() joins the worker: it may be stuck
        self.track.stop()
        if self._thread is not None:
            self._in_queue.put(_WORKER_END)
        if hasattr(self.processor, "on_ended"):
            self.processor.on_ended()


class UnlockedCallbackProcessor(CallbackAttachableProcessor):
    """Calls the frame callback outside the lock that ``update_callbacks`` (every script run) takes."""

    def recv(self, frame):
        with self._lock:
            callback = self._frame_callback
        return callback(frame) if callback else frame


class _NewestFrameAsyncQueue(asyncio.Queue):
    def _put(self, item) -> None:
        self._queue.clear()  # decoded frames nobody read: only the newest (or the end, None) is kept
        self._queue.append(item)


def keep_newest_frame_only(track) -> None:
    """If ``track`` is an aiortc remote track, its queue of decoded frames keeps only the newest.

    The queue object itself changes class (its decoder thread holds a reference to it)."""
    pending = getattr(track, "_queue", None)
    if type(pending) is asyncio.Queue:
        pending.__class__ = _NewestFrameAsyncQueue


def bound_live_queues(stall_after_s: float | None = None) -> None:
    """Streams started from now on use ``BoundedProcessTrack`` and ``UnlockedCallbackProcessor`` (idempotent)."""
    if stall_after_s is not None:
        BoundedProcessTrack.stall_after_s = stall_after_s
    _webrtc.AsyncVideoProcessTrack = BoundedProcessTrack
    _webrtc.CallbackAttachableProcessor = UnlockedCallbackProcessor
