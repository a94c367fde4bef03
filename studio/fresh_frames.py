"""Send the browser each processed frame once, not once per camera frame.

While PoseNet works on a frame, streamlit-webrtc answers every camera frame that arrives
with the last processed frame again (the same object, re-stamped). Each of those copies
was VP8-encoded, packetised and encrypted anew: with three streams at ~10 processed fps,
two thirds of the encoder's work went into pictures the browser already had. Passing on
only frames not seen before makes the server's cost per stream follow what it processes.
"""

from __future__ import annotations

import time

from aiortc import MediaStreamTrack


class FreshFramesOnly(MediaStreamTrack):
    """``track``'s frames, skipping any frame object it just returned again."""

    def __init__(self, track: MediaStreamTrack):
        super().__init__()
        self.kind = track.kind
        self._track = track
        self._last = None
        self.last_read = time.monotonic()  # when the consumer last asked for a frame (see relay.py)
        self.reads = 0

    async def recv(self):
        self.last_read = time.monotonic()
        self.reads += 1
        while True:
            frame = await self._track.recv()  # raises MediaStreamError when the source ends
            if frame is not self._last:
                self._last = frame
                return frame

    def stop(self) -> None:
        super().stop()
        self._track.stop()
