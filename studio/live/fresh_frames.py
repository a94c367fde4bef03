"""Send the browser each processed frame once, not once per camera frame; and let PoseNet
start on the newest camera frame, not the one it was handed before it waited its turn.

While PoseNet works on a frame, streamlit-webrtc answers every camera frame that arrives
with the last processed frame again (the same object, re-stamped). Each of those copies
was VP8-encoded, packetised and encrypted anew: with three streams at ~10 processed fps,
two thirds of the encoder's work went into pictures the browser already had. Passing on
only frames not seen before makes the server's cost per stream follow what it processes.

The same consumer sits on the camera side: every frame it passes on carries (in PyAV's
``opaque``) a weak handle back to it, so ``newest_since(frame)`` finds the newest frame
that arrived after it. streamlit-webrtc's worker hands the frame callback the newest frame
*before* the callback waits for its fair turn (``live.turns``); with three streams that
wait is one or two other frames' processing, and the picture would be that much older.
"""

from __future__ import annotations

import contextlib
import time
import weakref

from aiortc import MediaStreamTrack


class FreshFramesOnly(MediaStreamTrack):
    """``track``'s frames, skipping any frame object it just returned again."""

    def __init__(self, track: MediaStreamTrack):
        super().__init__()
        self.kind = track.kind
        self._track = track
        self._last = None
        self._handle = weakref.ref(self)  # in each frame passed on: no cycle frame -> consumer -> frame
        self.last_read = time.monotonic()  # when the consumer last asked for a frame (see relay.py)
        self.reads = 0

    @property
    def newest(self):
        """The last frame passed on (None before the first)."""
        return self._last

    async def recv(self):
        """The source's next frame, noted as the newest one the worker can take (``newest_since``)."""
        self.last_read = time.monotonic()
        self.reads += 1
        while True:
            frame = await self._track.recv()  # raises MediaStreamError when the source ends
            if frame is not self._last:
                self._last = frame
                with contextlib.suppress(AttributeError):  # not a PyAV frame (a test's stand-in)
                    frame.opaque = self._handle
                return frame

    def stop(self) -> None:
        super().stop()
        self._track.stop()


def newest_since(frame):
    """The newest frame from the source ``frame`` came from: ``frame`` itself if none came since,
    or if it did not come through a ``FreshFramesOnly`` (a frame made here, a test's)."""
    handle = getattr(frame, "opaque", None)
    consumer = handle() if isinstance(handle, weakref.ref) else None
    newest = consumer.newest if isinstance(consumer, FreshFramesOnly) else None
    return frame if newest is None else newest
