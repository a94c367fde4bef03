"""Hand every stage of the live path the newest frame, never a queue of old ones.

streamlit-webrtc links source -> PoseNet -> encoder through aiortc's ``MediaRelay``,
whose default subscription queues every frame without limit. When a stage is slower
than the one before it (three streams on two busy cores encode fewer than 30 frames a
second) the queue grows for as long as the stream runs: measured +20 MB/s of server
memory with three sessions, and the video falling further and further behind. A
subscription without a buffer keeps only the newest frame, so a slow stage skips frames
instead, which is what a live view wants.
"""

from __future__ import annotations

import asyncio

from aiortc.contrib.media import MediaRelay
from streamlit.runtime import Runtime

from .fresh_frames import FreshFramesOnly
from .webrtc_compat import event_loop, loop_context, set_shared_relay, shared_relay


class LatestFrameRelay(MediaRelay):
    def subscribe(self, track, buffered: bool = False):  # streamlit-webrtc asks for the default: never a buffer
        return FreshFramesOnly(super().subscribe(track, buffered=False))  # each frame once, never repeats


def use_latest_frame_relay() -> None:
    """Make the streamers created from now on relay the newest frame only (idempotent)."""
    if not Runtime.exists():  # bare Python: no streams
        return
    loop = event_loop()
    if not isinstance(loop, asyncio.AbstractEventLoop):  # AppTest's stand-in runtime: no streams
        return
    runtime = Runtime.instance()
    if type(shared_relay(runtime)).__name__ != LatestFrameRelay.__name__:
        with loop_context(loop):  # the relay's tasks run on the streams' loop
            set_shared_relay(runtime, LatestFrameRelay())
