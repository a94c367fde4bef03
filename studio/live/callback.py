"""The live stream's frame callback: a camera frame in, the annotated frame out.

Per frame it takes a fair turn (``live.turns``), then the newest camera frame (one may
have come while it waited: ``fresh_frames.newest_since``), notes that the stream is alive (the
admission count, ``admission``), runs ``pipeline.process_frame`` (with the stream's
tracker and the frame's time, for IDs and smoothing) and hands the picture back as YUV
4:2:0, the format the VP8 encoder wants. streamlit-webrtc re-sends the last processed frame
for every camera frame that arrives while PoseNet is busy, and the encoder converts each one
it gets; converted once here, re-sends cost no conversion.
"""

from __future__ import annotations

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


def make_frame_callback(net: posenet_core.PoseNet, stream: LiveStream):
    """The worker's function for ``stream``: reads its settings, feeds its tracker each frame's time
    in seconds, publishes into its stats; admission and the turns know the stream by this object."""
    stats = stream.stats

    last = {"camera": None, "picture": None}  # the newest frame processed, and what it gave

    def on_frame(frame: av.VideoFrame) -> av.VideoFrame:
        """One camera frame: the annotated picture back, or the frame as it came (full, no turn, bad settings)."""
        if not ADMISSION.keep_alive(stream):  # started past the limit (two STARTs at once): not served
            stats.record_error(FULL_MESSAGE)
            return frame
        if newest_since(frame) is last["camera"]:  # taken already while an earlier call waited: nothing new
            return last["picture"]  # the same object: it is not sent again (fresh_frames)
        with TURNS.turn(stream, timeout=TURN_TIMEOUT_S) as granted:
            if not granted:
                return frame
            frame = newest_since(frame)
            image = frame.to_ndarray(format="rgb24")
            chosen = stream.settings.get()
            try:
                picture, report = process_frame(net, image, chosen, stream.tracker, float(frame.time or 0.0))
            except ValueError as error:  # e.g. a scale factor too small for this frame: say so, keep streaming
                stats.record_error(str(error))
                return frame
        stats.record(report, image, picture)  # kept by reference: only a snapshot encodes them
        stream.timeline.add(picture, report.poses, chosen.min_part_confidence)  # chart, reps, recording
        last["camera"], last["picture"] = frame, to_video_frame(picture, frame)
        return last["picture"]

    return on_frame
