"""How many live streams this server process takes, and who holds them (no Streamlit here).

Each live stream costs the server a share of its cores for as long as it runs; past a
point every stream gets slower and later, for everyone. So a process admits up to
``POSENET_MAX_STREAMS`` streams; the next user is told the demo is full instead.

A stream holds its place from START (``admit``) until STOP (``release``), or until it
has shown no sign of life for a while: no frame processed (``keep_alive``, called per
frame) for ``IDLE_AFTER_S``, or, while it is still connecting, for ``CONNECTING_FOR_S``.
That also frees the places of streams whose tab closed or whose page was left.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref

from studio import timing

LIMIT_ENV = "POSENET_MAX_STREAMS"
# From the measured cost (README, "Under load"): a webcam stream on the multi-pose page costs
# the server ~17 ms of CPU per processed frame, ~12 ms of it in the PoseNet turn, and turns get
# one of 2 cores: ~80 frames/s in all, so 4 streams keep ~20 fps each (one core alone served 2 at 29).
DEFAULT_LIMIT = 4
IDLE_AFTER_S = timing.IDLE_PLACE_S
CONNECTING_FOR_S = timing.CONNECTING_PLACE_S  # not up by then: failed (the page said so at STALLED_CONNECTING_S)

LOGGER = logging.getLogger(__name__)
# What "full" means, for the page's message and for a stream turned away mid-start.
FULL = "the live demo is full: as many streams as this server serves smoothly"


def limit_from_env(environ=os.environ) -> int:
    """``POSENET_MAX_STREAMS`` if it is a positive whole number, else the default (with a warning)."""
    raw = environ.get(LIMIT_ENV, "").strip()
    if not raw:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if limit < 1:
        LOGGER.warning("%s=%r is not a whole number >= 1; using %d", LIMIT_ENV, raw, DEFAULT_LIMIT)
        return DEFAULT_LIMIT
    return limit


class StreamAdmission:
    """Thread safe. A holder is any object that can be weakly referenced (the live demo's ``LiveStream``)."""

    def __init__(self, limit: int, clock=time.monotonic):
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._expires: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()
        self._stopped: weakref.WeakSet[object] = weakref.WeakSet()  # released: late frames do not count
        self._owners: weakref.WeakKeyDictionary[object, object] = weakref.WeakKeyDictionary()

    def _prune(self, now: float) -> None:
        for holder, expires in list(self._expires.items()):
            if expires <= now:
                del self._expires[holder]

    def live(self) -> int:
        """Streams holding a place now."""
        with self._lock:
            self._prune(self._clock())
            return len(self._expires)

    def holds(self, holder) -> bool:
        with self._lock:
            self._prune(self._clock())
            return holder in self._expires

    def _others(self, owner) -> list:
        """Places held by streams of other owners (all of them if ``owner`` is None)."""
        return [h for h in self._expires if owner is None or self._owners.get(h) != owner]

    def has_room_for(self, holder, owner=None) -> bool:
        """Would ``admit(holder, owner)`` succeed now?"""
        with self._lock:
            self._prune(self._clock())
            return holder in self._expires or len(self._others(owner)) < self.limit

    def admit(self, holder, owner=None) -> bool:
        """Take a place for a stream that is starting (or keep the one it has); False if full.

        ``owner``: the browser session. A session streams one thing at a time, so a new stream
        of the same owner (another source, another page) takes over the place of the old one,
        which is stopping, instead of waiting for it to go quiet.
        """
        with self._lock:
            now = self._clock()
            self._prune(now)
            self._stopped.discard(holder)
            if holder not in self._expires:
                others = self._others(owner)
                if len(others) >= self.limit:
                    return False
                for old in [h for h in self._expires if h not in others]:
                    del self._expires[old]
                    self._stopped.add(old)
                self._expires[holder] = now + CONNECTING_FOR_S
                if owner is not None:
                    self._owners[holder] = owner
            return True

    def keep_alive(self, holder) -> bool:
        """A frame arrived: the stream keeps its place for a while longer. Returns whether it has one.

        A stream that lost its place to silence (a stall longer than ``IDLE_AFTER_S``) takes
        one again if there is room; one that was released (STOP) does not.
        """
        with self._lock:
            now = self._clock()
            self._prune(now)
            if holder in self._stopped:
                return False
            if holder not in self._expires and len(self._expires) >= self.limit:
                return False
            self._expires[holder] = max(self._expires.get(holder, now), now + IDLE_AFTER_S)
            return True

    def release(self, holder) -> None:
        with self._lock:
            if self._expires.pop(holder, None) is not None:
                self._stopped.add(holder)


# The process-wide instance every page shares.
ADMISSION = StreamAdmission(limit_from_env())
