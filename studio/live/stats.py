"""What the video worker publishes for the page to show: latest report, counts, rates."""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass

import numpy as np

from studio.live.pipeline import FrameReport

_RATE_WINDOW_S = 2.0


@dataclass(frozen=True)
class LiveSnapshot:
    frames_processed: int
    processed_fps: float  # distinct frames PoseNet processed per second, over the last 2 s
    seconds_since_last_frame: float | None
    last_report: FrameReport | None
    last_error: str | None
    last_frame: np.ndarray | None = None  # the frame of last_report as it came in (RGB)
    last_picture: np.ndarray | None = None  # and as it was shown, annotated (RGB)
    ended_reason: str | None = None  # why the server ended the stream (plain words), until the next START


class LiveStats:
    """Thread-safe: the worker calls ``record``/``record_error``, the page calls ``snapshot``."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._times: collections.deque[float] = collections.deque()
        self._count = 0
        self._last_report: FrameReport | None = None
        self._last_error: str | None = None
        self._last_frame = self._last_picture = None
        self._ended_reason: str | None = None
        self._end_shown = False  # the page has seen the stream stopped and shows the reason

    def record(self, report: FrameReport, frame: np.ndarray | None = None, picture: np.ndarray | None = None) -> int:
        """Returns this frame's number (1, 2, ...). ``frame`` and ``picture`` (kept, not copied:
        the worker makes new arrays for each frame) are what a snapshot saves."""
        now = self._clock()
        with self._lock:
            self._count += 1
            self._times.append(now)
            while self._times and now - self._times[0] > _RATE_WINDOW_S:
                self._times.popleft()
            self._last_report, self._last_error = report, None
            self._last_frame, self._last_picture = frame, picture
            return self._count

    def record_error(self, message: str) -> None:
        with self._lock:
            self._last_error = message

    def end(self, reason: str) -> None:
        """The server ended this stream (the worker stalled, ...): ``reason`` in plain words, for the page."""
        with self._lock:
            self._ended_reason, self._end_shown = reason, False

    def ending(self) -> bool:
        """The server ended the stream and the browser may still show it playing: stop it there too."""
        with self._lock:
            return self._ended_reason is not None and not self._end_shown

    def end_shown(self) -> None:
        """The page saw the stream stopped: the reason stays on screen until ``started``."""
        with self._lock:
            self._end_shown = self._ended_reason is not None

    def started(self) -> None:
        """The user started a new stream: the last one's ending is old news."""
        with self._lock:
            if self._end_shown:
                self._ended_reason, self._end_shown = None, False

    def snapshot(self) -> LiveSnapshot:
        """What the page shows, read at once under the lock: counts, the rate over the last 2 s, the last report."""
        now = self._clock()
        with self._lock:
            recent = [t for t in self._times if now - t <= _RATE_WINDOW_S]
            # Frames over the time they cover up to now: idle time at either end counts,
            # so bursty processing is not overstated.
            covered = min(_RATE_WINDOW_S, now - recent[0]) if len(recent) >= 2 else 0.0
            fps = len(recent) / covered if covered > 0 else 0.0
            since = now - self._times[-1] if self._times else None
            return LiveSnapshot(
                self._count,
                fps,
                since,
                self._last_report,
                self._last_error,
                self._last_frame,
                self._last_picture,
                self._ended_reason,
            )
