"""Share PoseNet fairly among the streams of one server process.

Every live stream has its own worker thread, and without a rule they all run PoseNet at
once: more frames in flight than there are cores, every frame slower, the codecs and the
network starved, latency growing, and whoever wins the locks most often gets the most
frames. Here a stream takes a **turn** before processing a frame. At most ``slots``
frames are processed at once (one per core, minus one for decoding, encoding and
RTP), and when streams wait, the one served least recently goes next, so every stream
gets about the same rate. A stream waits at most one turn per other stream; frames that
arrive meanwhile are skipped by the worker (it always takes the newest), never queued.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import time
import weakref


def default_slots(cpus: int | None = None) -> int:
    """Frames processed at once: all cores but one (that one decodes, encodes and sends).

    The cores this process may run on (``taskset``, a container's cpuset), not the machine's.
    """
    cpus = cpus or len(os.sched_getaffinity(0)) or 1
    return max(1, cpus - 1)


class FairTurns:
    """Who processes the next frame; thread safe. A stream is any object that can be weakly
    referenced (the live demo's ``LiveStream``), so a stream that ends is forgotten."""

    def __init__(self, slots: int | None = None, clock=time.monotonic):
        self.slots = slots or default_slots()
        self._clock = clock
        self._cond = threading.Condition()
        self._busy = 0
        self._last_served: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()
        self._waiting: dict[object, float] = {}  # stream -> when it was last served (-inf: never)

    def _next_in_line(self) -> object:
        # Least recently served first; a new stream (never served) goes before everyone.
        return min(self._waiting, key=self._waiting.__getitem__)

    def acquire(self, stream, timeout: float | None = None) -> bool:
        """Wait for ``stream``'s turn; False if ``timeout`` passed first."""
        with self._cond:
            self._waiting[stream] = self._last_served.get(stream, -math.inf)
            try:
                granted = self._cond.wait_for(
                    lambda: self._busy < self.slots and self._next_in_line() == stream, timeout
                )
                if granted:
                    self._busy += 1
                    self._last_served[stream] = self._clock()
                return granted
            finally:
                del self._waiting[stream]
                self._cond.notify_all()  # the next in line may be someone else now

    def release(self) -> None:
        with self._cond:
            self._busy -= 1
            self._cond.notify_all()

    @contextlib.contextmanager
    def turn(self, stream, timeout: float | None = None):
        """``with turns.turn(key) as granted:``; process the frame only if ``granted``."""
        granted = self.acquire(stream, timeout)
        try:
            yield granted
        finally:
            if granted:
                self.release()

    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)


# The process-wide instance every live stream shares.
TURNS = FairTurns()
