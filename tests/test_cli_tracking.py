"""`python -m posenet_core ... --track / --smooth`: IDs in the JSON, one colour per person in the picture."""

import json

import av
import numpy as np
import pytest
from test_cli import SAMPLES, assert_succeeded, run_cli

from posenet_core import Pose, draw_poses
from posenet_core.draw import colour_of
from posenet_core.style import POSE_COLOURS


def positions(record: dict) -> np.ndarray:
    return np.array([(k["position"]["x"], k["position"]["y"]) for k in record["keypoints"]])


def test_track_and_smooth_give_the_one_person_of_the_squats_video_one_id(tmp_path):
    tracked_file, smoothed_file, video = tmp_path / "tracked.json", tmp_path / "smoothed.json", tmp_path / "out.mp4"
    assert_succeeded(run_cli(SAMPLES / "pose_squats.mp4", "--track", "--json", tracked_file))
    assert_succeeded(run_cli(SAMPLES / "pose_squats.mp4", "--smooth", "--json", smoothed_file, "--out", video))

    tracked = json.loads(tracked_file.read_text())["frames"]
    smoothed = json.loads(smoothed_file.read_text())["frames"]
    assert len(tracked) == len(smoothed) == 65
    assert all([pose["id"] for pose in frame["poses"]] == [1] for frame in tracked + smoothed)
    # --track alone leaves the keypoints as decoded; --smooth starts from them, then filters.
    assert (positions(smoothed[0]["poses"][0]) == positions(tracked[0]["poses"][0])).all()
    moved = [np.abs(positions(s["poses"][0]) - positions(t["poses"][0])).max() for s, t in zip(smoothed, tracked)]
    assert max(moved) > 1.0
    with av.open(str(video)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 65


def test_track_on_an_image_numbers_the_people_found(tmp_path):
    poses_file = tmp_path / "poses.json"
    assert_succeeded(run_cli(SAMPLES / "three_people.jpg", "--multi", "--track", "--json", poses_file))
    poses = json.loads(poses_file.read_text())["poses"]
    assert sorted(pose["id"] for pose in poses) == list(range(1, len(poses) + 1))
    assert len(poses) >= 3 and all(pose["score"] >= 0.15 for pose in poses)  # low-score duplicates left out


def colour_pixels(frame: np.ndarray, colour, tolerance: int = 50) -> int:
    return int((np.abs(frame.astype(int) - colour).max(axis=-1) <= tolerance).sum())


@pytest.fixture(scope="module")
def two_people_video(tmp_path_factory):
    """The squatter twice, side by side, 4 s apart in time (30 frames, 720 x 640)."""
    with av.open(str(SAMPLES / "pose_squats.mp4")) as container:
        frames = [f.to_ndarray(format="rgb24")[::2, ::2] for f in container.decode(video=0)]
    path = tmp_path_factory.mktemp("clip") / "two_people.mp4"
    with av.open(str(path), "w") as sink:
        stream = sink.add_stream("libx264", rate=5)
        stream.width, stream.height, stream.pix_fmt = 720, 640, "yuv420p"
        for i in range(30):
            picture = np.ascontiguousarray(np.concatenate([frames[i], frames[i + 20]], axis=1))
            sink.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        sink.mux(stream.encode())
    return path


def test_track_keeps_each_persons_id_and_colour_across_a_video(tmp_path, two_people_video):
    poses_file, video = tmp_path / "poses.json", tmp_path / "annotated.mp4"
    assert_succeeded(run_cli(two_people_video, "--multi", "--track", "--json", poses_file, "--out", video))

    frames = json.loads(poses_file.read_text())["frames"]
    side_ids = {"left": set(), "right": set()}
    for frame in frames:
        for pose in frame["poses"]:
            side_ids["left" if positions(pose)[:, 0].mean() < 360 else "right"].add(pose["id"])
    assert sorted(map(len, side_ids.values())) == [1, 1] and side_ids["left"] != side_ids["right"]
    (left_id,), (right_id,) = side_ids["left"], side_ids["right"]

    with av.open(str(video)) as container:
        annotated = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    own, other = POSE_COLOURS[left_id - 1], POSE_COLOURS[right_id - 1]
    for picture in annotated:  # each person in their own colour in every frame
        left, right = picture[:, :360], picture[:, 360:]
        assert colour_pixels(left, own) > 10 * colour_pixels(left, other) + 50
        assert colour_pixels(right, other) > 10 * colour_pixels(right, own) + 50


def test_a_tracked_pose_is_drawn_in_its_persons_colour():
    base = Pose.from_arrays(0.9, np.tile([[40.0, 40.0]], (17, 1)) + np.arange(17)[:, None] * 3, np.full(17, 0.9))
    tracked = Pose(base.score, base.keypoints, track_id=3)
    assert colour_of(base, 0) == POSE_COLOURS[0] and colour_of(tracked, 0) == POSE_COLOURS[2]
    assert colour_of(Pose(base.score, base.keypoints, track_id=len(POSE_COLOURS) + 1), 1) == POSE_COLOURS[0]
    picture = draw_poses(np.zeros((120, 120, 3), np.uint8), [tracked])
    assert colour_pixels(picture, POSE_COLOURS[2], 0) > 0 and colour_pixels(picture, POSE_COLOURS[0], 0) == 0
