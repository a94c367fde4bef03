"""Each processed frame goes to the encoder once, however often the library repeats it."""

import pytest
from aiortc.mediastreams import MediaStreamError

from studio.fresh_frames import FreshFramesOnly
from tests.conftest import run_coroutine


class Frame:
    def __init__(self, name):
        self.name = name


class RepeatingTrack:
    """What streamlit-webrtc's output track does while PoseNet is busy: the last frame again."""

    kind = "video"

    def __init__(self, frames):
        self.frames = list(frames)
        self.stopped = False

    async def recv(self):
        if not self.frames:
            raise MediaStreamError
        return self.frames.pop(0)

    def stop(self):
        self.stopped = True


def test_repeats_are_skipped_new_frames_pass():
    a, b, c = Frame("a"), Frame("b"), Frame("c")
    source = RepeatingTrack([a, a, a, b, b, c])
    fresh = FreshFramesOnly(source)

    async def read_all():
        seen = []
        with pytest.raises(MediaStreamError):
            while True:
                seen.append(await fresh.recv())
        return seen

    assert run_coroutine(read_all()) == [a, b, c]
    assert fresh.kind == "video"


def test_equal_but_distinct_frames_both_pass():
    first, second = Frame("same"), Frame("same")
    fresh = FreshFramesOnly(RepeatingTrack([first, second]))

    async def two():
        return [await fresh.recv(), await fresh.recv()]

    assert run_coroutine(two()) == [first, second]


def test_stopping_stops_the_source():
    source = RepeatingTrack([])
    fresh = FreshFramesOnly(source)
    fresh.stop()
    assert source.stopped and fresh.readyState == "ended"
