"""A video file played as a WebRTC track at its own frame rate, looping without end.

Why not aiortc's ``MediaPlayer(loop=True)``: when it loops, it seeks back and sends the
frames with the file's own time stamps again, which restart at 0. Those go backwards, so
its pacing stops (the whole clip is sent at once) and the browser drops them as late:
the video froze at the clip's end (measured with a 3 s clip: frozen after 13 frames).
Here each frame is stamped with the time it is due, loop after loop, in real time.

A loop ends after ``max_frames`` frames or ``max_seconds`` of the clip, whatever its header
said (an uploaded clip was measured before it is played, but only from its packets).
"""

from __future__ import annotations

import asyncio
import fractions
import pathlib
import threading
import time

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

CLOCK_RATE = 90_000  # the RTP video clock


class LoopingClipTrack(MediaStreamTrack):
    kind = "video"

    def __init__(self, path: pathlib.Path, max_frames: int | None = None, max_seconds: float | None = None):
        super().__init__()
        self._max_frames, self._max_seconds = max_frames, max_seconds
        self._loop_frames = 0  # frames sent in this loop
        self._container = av.open(str(path))
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        self._frames = self._container.decode(self._stream)
        self._lock = threading.Lock()  # decoding runs in a worker thread; stop() closes the file
        self._interval = 1 / float(self._stream.average_rate or self._stream.guessed_rate or 30)
        self._loop_offset = 0.0  # seconds of the clip played in earlier loops
        self._last_time = 0.0  # the clip time of the last frame sent
        self._started: float | None = None

    def _next(self) -> tuple[av.VideoFrame, float] | None:
        """The next frame and when it is due (seconds since the first); None once stopped."""
        with self._lock:
            if self._container is None:
                return None
            for attempt in range(2):
                frame = next(self._frames, None)
                if frame is not None and self._past_limits(frame):
                    frame = None
                if frame is not None:
                    self._loop_frames += 1
                    clip_time = float(frame.time) if frame.time is not None else self._last_time + self._interval
                    self._last_time = clip_time
                    return frame, self._loop_offset + clip_time
                if attempt == 0:  # the end: play it again, after the last frame's own duration
                    self._loop_offset += self._last_time + self._interval
                    self._last_time, self._loop_frames = 0.0, 0
                    self._container.seek(0)
                    self._frames = self._container.decode(self._stream)
            raise MediaStreamError  # a file with no frames at all (checked before it is played)

    def _past_limits(self, frame: av.VideoFrame) -> bool:
        if self._max_frames is not None and self._loop_frames >= self._max_frames:
            return True
        return self._max_seconds is not None and frame.time is not None and frame.time > self._max_seconds

    async def recv(self):
        """The clip's next frame, when it is due (looping at the end); ends the stream once stopped."""
        if self.readyState != "live":
            raise MediaStreamError
        following = await asyncio.to_thread(self._next)
        if following is None:
            raise MediaStreamError
        frame, due = following
        now = time.monotonic()
        if self._started is None:
            self._started = now - due
        wait = self._started + due - now
        if wait > 0:
            await asyncio.sleep(wait)
        frame.pts = round(due * CLOCK_RATE)
        frame.time_base = fractions.Fraction(1, CLOCK_RATE)
        return frame

    def stop(self) -> None:
        super().stop()
        with self._lock:
            if self._container is not None:
                self._container.close()
                self._container = None
