"""Hand every stage of the live path the newest frame, never a queue of old ones.

streamlit-webrtc links source -> PoseNet -> encoder through aiortc's ``MediaRelay``,
whose default subscription queues every frame without limit. When a stage is slower
than the one before it (three streams on two busy cores encode fewer than 30 frames a
second) the queue grows for as long as the stream runs: measured +20 MB/s of server
memory with three sessions, and the video falling further and further behind. A
subscription without a buffer keeps only the newest frame, so a slow stage skips frames
instead, which is what a live view wants.

The relay also stops a source that nobody reads any more. aiortc's relay never stops its
sources, and streamlit-webrtc stops only some of them when a stream ends (its comment: the
upstream tracks "may still be used by other consumers"); the PoseNet stage is one it leaves
running. That stage has a worker thread holding the stream's frames, settings and tracker:
seen as one idle thread and a few MB left behind per stream ever started (three sessions
left 14 threads and ~100 MB after their tabs closed). Every consumer here reads at the
camera's rate while its stream lives, so one that asked for nothing for ``ABANDONED_S``
belongs to a connection that is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from aiortc.contrib.media import MediaRelay

from studio import timing
from studio.live import streamlit_compat
from studio.live.fresh_frames import FreshFramesOnly
from studio.live.webrtc_compat import event_loop, loop_context, set_shared_relay, shared_relay

ABANDONED_S = timing.UNREAD_S  # no read for this long: the consumer's connection is gone
NEVER_READ_S = timing.NEVER_READ_S  # a consumer that never read: its connection never came up
CHECK_EVERY_S = 2.0


class LatestFrameRelay(MediaRelay):
    def __init__(
        self, abandoned_s: float = ABANDONED_S, never_read_s: float = NEVER_READ_S, check_every_s: float = CHECK_EVERY_S
    ):
        super().__init__()
        self._abandoned_s, self._never_read_s, self._check_every_s = abandoned_s, never_read_s, check_every_s
        self._consumers: dict = {}  # source track -> its consumers (FreshFramesOnly)

    def subscribe(self, track, buffered: bool = False):  # streamlit-webrtc asks for the default: never a buffer
        consumer = FreshFramesOnly(super().subscribe(track, buffered=False))  # each frame once, never repeats
        first = track not in self._consumers
        self._consumers.setdefault(track, []).append(consumer)
        if first:
            with contextlib.suppress(RuntimeError):  # no running loop (bare Python): nothing to reap
                asyncio.get_running_loop().create_task(self._stop_when_abandoned(track))
        return consumer

    def abandoned(self, track, now: float) -> bool:
        """Whether every consumer of ``track`` has stopped, or read nothing for ``abandoned_s``
        (``never_read_s`` if it never read: a connection still being set up)."""
        return all(
            c.readyState == "ended" or now - c.last_read > (self._abandoned_s if c.reads else self._never_read_s)
            for c in self._consumers[track]
        )

    async def _stop_when_abandoned(self, track) -> None:
        while track.readyState == "live":
            await asyncio.sleep(self._check_every_s)
            if self.abandoned(track, time.monotonic()):
                track.stop()  # a processing track's stop() also ends its worker thread
        del self._consumers[track]


def use_latest_frame_relay() -> None:
    """Make the streamers created from now on relay the newest frame only (idempotent)."""
    runtime = streamlit_compat.runtime()
    if runtime is None:  # bare Python: no streams
        return
    loop = event_loop()
    if not isinstance(loop, asyncio.AbstractEventLoop):  # AppTest's stand-in runtime: no streams
        return
    if type(shared_relay(runtime)).__name__ != LatestFrameRelay.__name__:
        with loop_context(loop):  # the relay's tasks run on the streams' loop
            set_shared_relay(runtime, LatestFrameRelay())
