"""The live stream's frame callback: a camera frame in, the annotated frame out.

Per frame it takes a fair turn (``live.turns``), then the newest camera frame (one may
have come while it waited: ``fresh_frames.newest_since``), notes that the stream is alive (the
admission count, ``admission``), runs ``pipeline.process_frame`` (with the stream's
tracker and the frame's time, for IDs and smoothing) and hands the picture back as YUV
4:2:0, the format the VP8 encoder wants. streamlit-webrtc re-sends the last processed frame
for every camera frame that arrives while PoseNet is busy, and the encoder converts each one
it gets; converted once here, re-sends cost no conversion.

When the worker is stuck in this callback while camera frames keep coming, the worker's
track ends the stream (``webrtc_compat.BoundedProcessTrack``) and calls ``on_stall``: the
server log gets a WARNING naming the stream, and the page is told why (``LiveStats.end``).
``POSENET_TEST_STALL=N:S`` (tests only) blocks the callback for S seconds at the N-th frame
this process processes, once, to show that.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import av
import cv2

import posenet_core
from studio import timing
from studio.hosting.admission import ADMISSION, FULL
from studio.live.fresh_frames import newest_since
from studio.live.pipeline import process_frame
from studio.live.stream import LiveStream
from studio.live.turns import TURNS

# A turn never takes longer than this unless the server is hopelessly overloaded; then the
# frame goes back as it came rather than stalling the stream.
TURN_TIMEOUT_S = timing.TURN_WAIT_S
FULL_MESSAGE = f"{FULL}; press STOP and try again shortly"
STALLED_MESSAGE = (
    "**The server stopped your stream: PoseNet processed none of your camera's frames for {seconds:.0f} s** "
    "(its worker stalled; the server may be overloaded). The waiting frames were let go, so the server stays "
    "usable. Press START to try again; if it happens again, try a smaller image scale factor or a sample."
)
STALL_TEST_ENV = "POSENET_TEST_STALL"

LOGGER = logging.getLogger(__name__)


class StallForTests:
    """``POSENET_TEST_STALL=N:S``: the N-th frame processed by this process blocks its callback S s, once."""

    def __init__(self, spec: str | None):
        self._lock = threading.Lock()
        self._frames = 0
        self.at_frame, self.seconds = 0, 0.0
        if spec:
            try:
                at_frame, seconds = spec.split(":")
                self.at_frame, self.seconds = int(at_frame), float(seconds)
            except ValueError:
                LOGGER.warning("%s=%r is not N:S (frame number:seconds); ignored", STALL_TEST_ENV, spec)

    def frame_processed(self) -> None:
        if not self.at_frame:
            return
        with self._lock:
            self._frames += 1
            due = self._frames == self.at_frame
        if due:
            LOGGER.warning("%s: blocking a frame callback for %.0f s", STALL_TEST_ENV, self.seconds)
            time.sleep(self.seconds)


STALL_FOR_TESTS = StallForTests(os.environ.get(STALL_TEST_ENV))


def to_video_frame(rgb, like: av.VideoFrame) -> av.VideoFrame:
    """``rgb`` (H x W x 3, even sizes) as a yuv420p frame with ``like``'s timing."""
    height, width = rgb.shape[:2]
    if height % 2 or width % 2:  # 4:2:0 needs even sizes; cameras send them, but be safe
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    else:
        frame = av.VideoFrame.from_ndarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420), format="yuv420p")
    frame.pts = like.pts
    if like.time_base is not None:
        frame.time_base = like.time_base
    return frame


class FrameCallback:
    """The worker's function for ``stream`` (one per script run): reads its settings, feeds its
    tracker each frame's time in seconds, publishes into its stats; admission and the turns know
    the stream by ``stream``. ``stream_id`` names the stream in the server log."""

    def __init__(self, net: posenet_core.PoseNet, stream: LiveStream, stream_id: str = "?"):
        self.net, self.stream, self.stream_id = net, stream, stream_id
        self._last_camera = self._last_picture = None  # the newest frame processed, and what it gave

    def __call__(self, frame: av.VideoFrame) -> av.VideoFrame:
        """One camera frame: the annotated picture back, or the frame as it came (full, no turn, bad settings)."""
        stream, stats = self.stream, self.stream.stats
        if not ADMISSION.keep_alive(stream):  # started past the limit (two STARTs at once): not served
            stats.record_error(FULL_MESSAGE)
            return frame
        if newest_since(frame) is self._last_camera:  # taken already while an earlier call waited: nothing new
            return self._last_picture  # the same object: it is not sent again (fresh_frames)
        with TURNS.turn(stream, timeout=TURN_TIMEOUT_S) as granted:
            if not granted:
                return frame
            frame = newest_since(frame)
            image = frame.to_ndarray(format="rgb24")
            chosen = stream.settings.get()
            try:
                picture, report = process_frame(self.net, image, chosen, stream.tracker, float(frame.time or 0.0))
            except ValueError as error:  # e.g. a scale factor too small for this frame: say so, keep streaming
                stats.record_error(str(error))
                return frame
        stats.record(report, image, picture)  # kept by reference: only a snapshot encodes them
        stream.timeline.add(picture, report.poses, chosen.min_part_confidence)  # chart, reps, recording
        self._last_camera, self._last_picture = frame, to_video_frame(picture, frame)
        STALL_FOR_TESTS.frame_processed()
        return self._last_picture

    def on_stall(self, seconds: float) -> None:
        """Called (on the event loop) as the worker's track ends this stream for a stall."""
        LOGGER.warning(
            "Live stream %s: PoseNet processed no frame for %.1f s while camera frames kept arriving; "
            "ending the stream and letting its frames go",
            self.stream_id,
            seconds,
        )
        self.stream.stats.end(STALLED_MESSAGE.format(seconds=seconds))


def make_frame_callback(net: posenet_core.PoseNet, stream: LiveStream, stream_id: str = "?") -> FrameCallback:
    return FrameCallback(net, stream, stream_id)
