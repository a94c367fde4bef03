"""posenet_core.clip: a whole clip through PoseNet, with progress, cancel and clear errors."""

import threading
import time

import av
import pytest

from posenet_core.clip import ClipCancelled, ClipError, probe_clip, process_clip, video_codec
from posenet_core.draw import draw_poses
from tests.support.clips import corrupt_clip, frame_count, short_clip, video_without_frames


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return short_clip(tmp_path_factory.mktemp("clip") / "squats.mp4", frames=8)


def analyse_with(net):
    def analyse(image, timestamp, wants_picture):
        poses = [net.estimate_single_pose(image)]
        return poses, draw_poses(image, poses) if wants_picture else None

    return analyse


def test_probe_reads_size_rate_and_length_from_the_file(clip):
    info = probe_clip(clip)
    assert (info.width, info.height, info.fps, info.frames) == (180, 320, 10.0, 8)
    assert info.expected_frames == 8 and info.duration_s == pytest.approx(0.8, abs=0.11)


def test_every_frame_gets_a_record_and_the_annotated_video_has_every_frame(net, clip, tmp_path):
    seen = []
    out = tmp_path / "annotated.mp4"
    result = process_clip(clip, analyse_with(net), out=out, on_progress=seen.append)
    assert [f["frame"] for f in result["frames"]] == list(range(8))
    assert all(len(f["poses"]) == 1 and len(f["poses"][0]["keypoints"]) == 17 for f in result["frames"])
    assert result["fps"] == 10.0 and result["video"] == str(clip)
    assert [p.done for p in seen] == list(range(9)) and all(p.total == 8 for p in seen)
    assert seen[-1].seconds_left == 0 and seen[-1].fps > 0
    assert frame_count(out) == 8
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name in {"h264", "vp9", "mpeg4"}
        assert (stream.width, stream.height) == (180, 320)


def test_without_an_output_no_picture_is_asked_for(net, clip):
    asked = []

    def analyse(image, timestamp, wants_picture):
        asked.append(wants_picture)
        return analyse_with(net)(image, timestamp, False)

    assert len(process_clip(clip, analyse)["frames"]) == 8 and not any(asked)


def test_the_preferred_codec_is_one_pyav_has():
    assert video_codec() in av.codecs_available


def test_cancel_stops_within_a_second_even_during_a_pause(net, clip):
    cancel, outcome = threading.Event(), []
    progress = []

    def run():
        try:
            process_clip(clip, analyse_with(net), on_progress=progress.append, cancel=cancel, pause_s=lambda: 30.0)
        except ClipCancelled:
            outcome.append("cancelled")

    worker = threading.Thread(target=run)
    worker.start()
    while len(progress) < 2:  # the first frame is done, the pause has begun
        time.sleep(0.01)
    asked = time.monotonic()
    cancel.set()
    worker.join(timeout=5)
    assert outcome == ["cancelled"] and time.monotonic() - asked < 1.0
    assert progress[-1].done == 1


def written(path, data: bytes):
    path.write_bytes(data)
    return path


BROKEN = {
    "empty file": (lambda p: written(p, b""), "empty"),
    "not a video": (lambda p: written(p, b"just some notes\n"), "not a video"),
    "corrupt": (corrupt_clip, "not a video"),
    "no frames": (video_without_frames, "no video"),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_file_gets_a_clear_error(tmp_path, case):
    make, words = case
    path = make(tmp_path / "clip.mp4")
    for attempt in (lambda: probe_clip(path), lambda: process_clip(path, lambda image, timestamp, wants: ([], None))):
        with pytest.raises(ClipError) as error:
            attempt()
        assert words in error.value.message and str(tmp_path) not in error.value.message
