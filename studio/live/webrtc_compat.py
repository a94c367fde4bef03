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
- ``use_cheap_return_video()``: aiortc's private encoder choice (``aiortc.rtcrtpsender.get_encoder``)
  and its H.264 encoder's bitstream splitter (``H264Encoder._split_bitstream``), plus a wrap of
  ``RTCPeerConnection.createAnswer``: answers prefer H.264 when the browser offers it, encoded by
  x264 with ``ultrafast`` + ``zerolatency`` on one thread (the answer's order is the transceiver's
  private ``_codecs``: aiortc fixes it in ``setRemoteDescription``, before an answerer could call
  the public ``setCodecPreferences``) (aiortc's own settings cost 2.8x VP8's CPU,
  these 0.4x at the same bitrate and a higher PSNR), VP8 otherwise; both capped at
  ``RETURN_VIDEO_MAX_BITRATE`` (under REMB aiortc let H.264 climb to 1.9 Mbps).
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
import contextlib
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
    "RETURN_VIDEO_MAX_BITRATE",
    "use_cheap_return_video",
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


class _ProcessedFrames(collections.deque):
    """The worker's hand-back: the newest processed frame only; each one wakes the sender.

    The library's worker ``extend``s it under the track's ``_out_lock``."""

    def __init__(self, on_frame):
        super().__init__(maxlen=1)
        self._on_frame = on_frame
        self.from_worker = False  # True once the worker has handed back a frame

    def extend(self, frames) -> None:
        super().extend(frames)
        self.from_worker = True
        self._on_frame()


class BoundedProcessTrack(AsyncVideoProcessTrack):
    """streamlit-webrtc's worker track (``async_processing=True``), bounded, never blocking, and
    sending each processed frame as soon as it is ready.

    - Hands the worker the newest frame only (``NewestFrameQueue``), from a task that reads the
      camera as its frames come.
    - ``recv`` (the encoder asking for the next frame to send) returns the worker's next
      processed frame as soon as the worker has it. The library's ``recv`` answered only when
      the next camera frame came: up to a frame interval (33 ms at 30 fps) added to every
      frame's latency, and the last processed frame re-sent for each camera frame meanwhile.
      Until the worker's first frame the camera's own frames are sent, so the video shows at once.
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
        self._loop = asyncio.get_running_loop()
        self._ready = asyncio.Event()  # set (on the loop) when a frame to send, an error or the end came
        self._in_queue = NewestFrameQueue()
        self._out_lock = threading.Lock()
        self._out_deque = _ProcessedFrames(self._wake)
        self._sent_pts = None
        self._thread = threading.Thread(
            target=self._run_worker_thread,
            name=f"async_media_processor_{next(_process.media_processing_thread_id_generator)}",
            daemon=True,
        )
        self._thread.start()
        self._feeder = self._loop.create_task(self._feed_worker())

    def _wake(self) -> None:
        """Wake ``recv``; callable from any thread (the worker's, a session watch's)."""
        loop = getattr(self, "_loop", None)
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
                loop.call_soon_threadsafe(self._ready.set)

    async def _feed_worker(self) -> None:
        while self.readyState == "live":
            try:
                frame = await self.track.recv()
            except MediaStreamError:  # the camera ended (its "ended" event stops this track)
                return
            self._in_queue.put(frame)
            with self._out_lock:
                if not self._out_deque.from_worker:  # nothing processed yet: show the camera meanwhile
                    self._out_deque.append(frame)
                    self._wake()
            waited = self.stalled_for()
            if waited >= self.stall_after_s:
                self._end_stalled(waited)
                return

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
            self._wake()

    def stalled_for(self) -> float:
        in_queue = getattr(self, "_in_queue", None)
        return in_queue.waited_s() if in_queue is not None else 0.0

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        self._start()
        while True:
            self._ready.clear()
            with self._worker_exception_lock:
                failed = self._worker_exception
            if failed is not None:
                self.stop()
                raise MediaStreamError from failed
            if self.readyState != "live":
                raise MediaStreamError
            with self._out_lock:
                frame = self._out_deque.popleft() if self._out_deque else None
            if frame is not None and frame is not self._last_out_frame and not self._older_than_sent(frame):
                self._last_out_frame = frame
                return frame
            await self._ready.wait()

    def _older_than_sent(self, frame) -> bool:
        """Whether ``frame`` would take the video back in time (a camera frame sent before the
        worker's first result may be newer than that result): the encoder wants rising times.
        The processed picture of the camera frame just sent goes out one tick after it."""
        if frame.pts is None:
            return False
        if self._sent_pts is not None and frame.pts <= self._sent_pts:
            if frame.pts < self._sent_pts:
                return True
            frame.pts += 1
        self._sent_pts = frame.pts
        return False

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
            self._wake()
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


# The processed video's bitrate ceiling, bits per second: a 640x480 skeleton overlay looks the same
# at 1 Mbps in either codec, and more only costs encoder CPU and the student's bandwidth.
RETURN_VIDEO_MAX_BITRATE = 1_000_000
VIDEO_CODEC_PREFERENCE = ("video/H264", "video/VP8")  # rtx follows whichever is chosen
_X264_OPTIONS = {"preset": "ultrafast", "tune": "zerolatency", "level": "31"}


def _capped_encoder_classes():
    import fractions

    import av
    from aiortc.codecs.h264 import MAX_FRAME_RATE, H264Encoder
    from aiortc.codecs.vpx import Vp8Encoder

    def capped(encoder_class):
        """``encoder_class`` with its REMB-driven ``target_bitrate`` held under the cap."""
        parent = encoder_class.target_bitrate
        return type(
            f"Capped{encoder_class.__name__}",
            (encoder_class,),
            {"target_bitrate": property(lambda self: min(parent.fget(self), RETURN_VIDEO_MAX_BITRATE), parent.fset)},
        )

    class LowLatencyH264Encoder(capped(H264Encoder)):
        """x264 at its cheapest low-latency settings, one thread, Baseline (what browsers decode), capped."""

        def _encode_frame(self, frame, force_keyframe):
            if frame.width % 2 or frame.height % 2:  # x264's 4:2:0 needs even sizes; photos may be odd
                frame = frame.reformat(width=frame.width & ~1, height=frame.height & ~1, format="yuv420p")
            codec = self.codec
            if codec is not None and (
                (frame.width, frame.height) != (codec.width, codec.height)
                or abs(self.target_bitrate - codec.bit_rate) > 0.1 * codec.bit_rate  # aiortc's rule
            ):
                codec = self.codec = None
            frame.pict_type = av.video.frame.PictureType.I if force_keyframe else av.video.frame.PictureType.NONE
            if codec is None:
                codec = self.codec = av.CodecContext.create("libx264", "w")
                codec.width, codec.height, codec.pix_fmt = frame.width, frame.height, "yuv420p"
                codec.bit_rate = self.target_bitrate
                codec.framerate = fractions.Fraction(MAX_FRAME_RATE, 1)
                codec.time_base = fractions.Fraction(1, MAX_FRAME_RATE)
                codec.thread_count = 1  # a second thread costs more CPU per frame on a shared server
                # maxrate and bufsize make the cap a ceiling (x264's VBV), not only an average.
                rate = str(self.target_bitrate)
                codec.options = {**_X264_OPTIONS, "maxrate": rate, "bufsize": rate}
                codec.profile = "Baseline"
            data = b"".join(bytes(packet) for packet in codec.encode(frame))
            if data:
                yield from self._split_bitstream(data)

    return capped(Vp8Encoder), LowLatencyH264Encoder


def use_cheap_return_video() -> None:
    """H.264 (x264 ultrafast, zerolatency) where the browser offers it, VP8 otherwise, capped (idempotent).

    aiortc answers in the browser's codec order (Chromium puts VP8 first) and picks each sender's
    encoder with ``aiortc.rtcrtpsender.get_encoder``: this reorders the codecs the answer lists (both
    sides then send the first) and swaps in the encoders above.
    """
    from aiortc import RTCPeerConnection, rtcrtpsender

    if getattr(rtcrtpsender.get_encoder, "cheap_return_video", False):
        return
    capped_vp8, low_latency_h264 = _capped_encoder_classes()
    original_get_encoder = rtcrtpsender.get_encoder

    def get_encoder(codec):
        name = codec.mimeType.lower()
        if name == "video/h264":
            return low_latency_h264()
        if name == "video/vp8":
            return capped_vp8()
        return original_get_encoder(codec)

    get_encoder.cheap_return_video = True
    rtcrtpsender.get_encoder = get_encoder

    original_create_answer = RTCPeerConnection.createAnswer

    async def create_answer(self):
        for transceiver in self.getTransceivers():
            if transceiver.kind == "video":
                transceiver._codecs = preferred_video_codecs(transceiver._codecs)
        return await original_create_answer(self)

    RTCPeerConnection.createAnswer = create_answer


def preferred_video_codecs(codecs: list) -> list:
    """Negotiated video codecs in ``VIDEO_CODEC_PREFERENCE`` order, the rest (rtx) after them."""

    def rank(codec) -> int:
        name = codec.mimeType.lower()
        order = [m.lower() for m in VIDEO_CODEC_PREFERENCE]
        return order.index(name) if name in order else len(order)

    return sorted(codecs, key=rank)
