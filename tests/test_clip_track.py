"""studio.live.clip_track: a file played as a WebRTC track loops with time stamps that keep going forward."""

import time

import pytest
from aiortc.mediastreams import MediaStreamError

from studio.live.clip_track import CLOCK_RATE, LoopingClipTrack
from tests.conftest import run_coroutine
from tests.support.clips import short_clip


def test_the_clip_loops_at_its_own_rate_with_stamps_that_never_go_back(tmp_path):
    track = LoopingClipTrack(short_clip(tmp_path / "clip.mp4", frames=3, rate=10))

    async def play(count):
        frames, times = [], []
        for _ in range(count):
            frames.append(await track.recv())
            times.append(time.monotonic())
        return frames, times

    frames, times = run_coroutine(play(8))  # two loops and a bit
    seconds = [f.pts / CLOCK_RATE for f in frames]
    assert seconds == pytest.approx([0.1 * n for n in range(8)], abs=0.01)
    assert [f.time_base.denominator for f in frames] == [CLOCK_RATE] * 8
    assert times[-1] - times[0] == pytest.approx(0.7, abs=0.1)  # paced in real time, loops included
    track.stop()
    with pytest.raises(MediaStreamError):
        run_coroutine(track.recv())
