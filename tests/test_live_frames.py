"""The live frame callback: a fair turn, PoseNet, the picture back as yuv420p; nothing for a stream past the limit."""

import fractions

import av
import numpy as np
import pytest

from studio.hosting import admission
from studio.live.callback import FULL_MESSAGE, make_frame_callback, to_video_frame
from studio.live.fresh_frames import FreshFramesOnly
from studio.live.stats import LiveStats
from studio.live.stream import LiveStream
from studio.settings.demo import DemoSettings, SettingsBox
from tests.conftest import run_coroutine


def camera_frame(rgb) -> av.VideoFrame:
    """What aiortc hands the callback: a decoded yuv420p frame with RTP timing."""
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[: rgb.shape[0] // 2 * 2, : rgb.shape[1] // 2 * 2]))
    frame = frame.reformat(format="yuv420p")
    frame.pts, frame.time_base = 9000, fractions.Fraction(1, 90_000)
    return frame


@pytest.fixture
def fresh_admission(monkeypatch):
    gate = admission.StreamAdmission(1)
    monkeypatch.setattr("studio.live.callback.ADMISSION", gate)
    return gate


def test_a_frame_comes_back_annotated_in_the_encoders_format(net, three_people_image, fresh_admission):
    stats = LiveStats()
    stream = LiveStream(SettingsBox(DemoSettings(multi_pose=True)), stats)
    on_frame = make_frame_callback(net, stream)
    frame = camera_frame(three_people_image)
    out = on_frame(frame)
    assert out.format.name == "yuv420p" and (out.width, out.height) == (frame.width, frame.height)
    assert out.pts == frame.pts
    assert stats.snapshot().frames_processed == 1 and len(stats.snapshot().last_report.poses) >= 2
    before, after = frame.to_ndarray(format="rgb24"), out.to_ndarray(format="rgb24")
    assert (np.abs(after.astype(int) - before).max(axis=2) > 60).mean() > 0.002  # the skeletons
    assert fresh_admission.holds(stream)
    published = stats.snapshot()  # what "Snapshot" saves: the frame as it came in and as it was annotated
    assert np.array_equal(published.last_frame, before)
    assert published.last_picture.shape == before.shape and not np.array_equal(published.last_picture, before)


def test_a_stream_past_the_limit_is_not_processed_and_told_why(net, three_people_image, fresh_admission):
    other = LiveStats()
    assert fresh_admission.admit(other)  # someone else holds the only place
    stats = LiveStats()
    on_frame = make_frame_callback(net, LiveStream(SettingsBox(DemoSettings(multi_pose=True)), stats))
    frame = camera_frame(three_people_image)
    assert on_frame(frame) is frame
    snapshot = stats.snapshot()
    assert snapshot.frames_processed == 0 and snapshot.last_error == FULL_MESSAGE
    assert fresh_admission.holds(other)


def test_odd_sizes_stay_rgb():
    rgb = np.zeros((5, 7, 3), np.uint8)
    like = av.VideoFrame.from_ndarray(rgb)
    assert to_video_frame(rgb, like).format.name == "rgb24"
    assert to_video_frame(np.zeros((4, 6, 3), np.uint8), like).format.name == "yuv420p"


def test_the_newest_camera_frame_is_processed_and_a_frame_never_twice(net, three_people_image, fresh_admission):
    """Frames that came while the callback waited for its turn: it takes the newest, and when
    the worker then hands it that one again it answers with the same picture (not sent twice)."""
    older, newer = camera_frame(three_people_image), camera_frame(three_people_image[:, ::-1])
    newer.pts = older.pts + 3000
    consumer = FreshFramesOnly(ListTrack([older, newer]))
    run_coroutine(consumer.recv())
    run_coroutine(consumer.recv())  # both arrived; the worker still holds the older one
    stats = LiveStats()
    on_frame = make_frame_callback(net, LiveStream(SettingsBox(DemoSettings(multi_pose=True)), stats))
    out = on_frame(older)
    assert out.pts == newer.pts and stats.snapshot().frames_processed == 1
    assert np.array_equal(stats.snapshot().last_frame, newer.to_ndarray(format="rgb24"))
    assert on_frame(newer) is out and stats.snapshot().frames_processed == 1


class ListTrack:
    kind = "video"

    def __init__(self, frames):
        self.frames = list(frames)

    async def recv(self):
        return self.frames.pop(0)

    def stop(self):
        pass
