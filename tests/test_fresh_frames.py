"""Each processed frame goes to the encoder once, however often the library repeats it."""

import gc
import weakref

import pytest
from aiortc.mediastreams import MediaStreamError

from studio.live.fresh_frames import FreshFramesOnly, newest_since
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


def test_a_frame_leads_to_the_newest_one_its_source_passed_on_since():
    a, b, c = Frame("a"), Frame("b"), Frame("c")
    fresh = FreshFramesOnly(RepeatingTrack([a, b, c]))

    async def read(n):
        return [await fresh.recv() for _ in range(n)]

    run_coroutine(read(1))
    assert newest_since(a) is a  # nothing newer yet
    run_coroutine(read(2))
    assert newest_since(a) is c and newest_since(b) is c and newest_since(c) is c


def test_frames_from_elsewhere_are_their_own_newest():
    loose = Frame("made here")
    assert newest_since(loose) is loose
    loose.opaque = "someone else's data"
    assert newest_since(loose) is loose


def test_a_frame_does_not_keep_its_consumer_alive():
    frame = Frame("a")
    fresh = FreshFramesOnly(RepeatingTrack([frame]))
    run_coroutine(fresh.recv())
    gone = weakref.ref(fresh)
    del fresh
    gc.collect()
    assert gone() is None and newest_since(frame) is frame
