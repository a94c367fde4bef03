"""Server-side players for the sources that are not the browser's camera: a photo as a video,
and a looping clip (a sample or an upload). What streamlit-webrtc's ``player_factory`` needs."""

from __future__ import annotations

import asyncio
import fractions
import pathlib
import time

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from studio.live.clip_track import CLOCK_RATE, LoopingClipTrack
from studio.sources import CLIP_MAX_FRAMES, CLIP_MAX_S, SAMPLES, UPLOAD, read_rgb


class _RealTimeStamps:
    """RTP time stamps from the real time since the first frame, never going back.

    The encoder (libvpx) refuses a frame stamped before the first one it encoded
    ("avcodec_send_frame(): Invalid data"), which ends the stream with a traceback.
    """

    def __init__(self):
        self._started: float | None = None
        self._last = -1

    def stamp(self, frame: av.VideoFrame) -> av.VideoFrame:
        now = time.monotonic()
        if self._started is None:
            self._started = now
        self._last = max(round((now - self._started) * CLOCK_RATE), self._last + 1)
        frame.pts = self._last
        frame.time_base = fractions.Fraction(1, CLOCK_RATE)
        return frame


class StillImageTrack(MediaStreamTrack):
    """A photo sent as a video of up to 30 fps, so it goes through the live pipeline like a camera.

    Frames are stamped with the real time since the first one. aiortc's VideoStreamTrack
    stamps frame n as n / 30 s, which falls behind real time whenever the consumer reads
    fewer than 30 a second, and the browser's buffer (the latency) then grows without end.
    """

    kind = "video"
    FRAME_INTERVAL_S = 1 / 30

    def __init__(self, rgb):
        super().__init__()
        self._rgb = rgb
        self._stamps = _RealTimeStamps()
        self._next_at: float | None = None

    async def recv(self):
        if self.readyState != "live":  # stopped: readers (the relay, the sender) end on this error
            raise MediaStreamError
        now = time.monotonic()
        if self._next_at is not None and self._next_at > now:  # never faster than 30 fps
            await asyncio.sleep(self._next_at - now)
        self._next_at = max(self._next_at or now, now) + self.FRAME_INTERVAL_S
        return self._stamps.stamp(av.VideoFrame.from_ndarray(self._rgb, format="rgb24"))  # fresh: receivers keep frames


class _Player:
    """What streamlit-webrtc's ``player_factory`` must return: ``.video`` and ``.audio`` (a track
    of its own, without sound)."""

    def __init__(self, track):
        self.video, self.audio = track, None


def make_player(sample_key: str, clip: pathlib.Path | None = None):
    """``clip``: the uploaded file, when ``sample_key`` is ``UPLOAD``."""
    if sample_key == UPLOAD:
        return _Player(LoopingClipTrack(clip, CLIP_MAX_FRAMES, CLIP_MAX_S))
    sample = SAMPLES[sample_key]
    if sample.is_video:
        # Looping keeps the demo alive; the file plays at its own frame rate.
        return _Player(LoopingClipTrack(sample.path))
    return _Player(StillImageTrack(read_rgb(sample.path)))
