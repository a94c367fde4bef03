"""`posenet clip.mp4 --csv keypoints.csv --angles`: the CSV beside the JSON, the same numbers in both."""

import csv
import json

import pytest

from posenet_core import PART_NAMES
from posenet_core.angles import JOINTS
from posenet_core.export import CSV_COLUMNS, csv_text
from tests.test_cli import SAMPLES, assert_succeeded, run_cli


def test_video_csv_has_a_row_per_frame_pose_and_part_and_matches_the_json(tmp_path):
    poses_file, table = tmp_path / "poses.json", tmp_path / "keypoints.csv"
    result = run_cli(SAMPLES / "pose_squats.mp4", "--json", poses_file, "--csv", table, "--angles", "--track")
    assert_succeeded(result)
    assert f"keypoints in {table}" in result.stdout
    frames = json.loads(poses_file.read_text())["frames"]
    rows = list(csv.DictReader(table.open()))
    assert list(rows[0]) == [*CSV_COLUMNS, "angle"]
    assert len(frames) == 65 and len(rows) == 17 * sum(len(f["poses"]) for f in frames) == 65 * 17
    for row, (frame, part) in zip(rows, [(f, p) for f in frames for p in PART_NAMES]):
        pose = frame["poses"][0]
        keypoint = pose["keypoints"][PART_NAMES.index(part)]
        assert (int(row["frame"]), row["part"], row["pose"], int(row["id"])) == (frame["frame"], part, "0", pose["id"])
        assert float(row["time"]) == pytest.approx(frame["time"], abs=1e-4)
        assert float(row["x"]) == pytest.approx(keypoint["position"]["x"], abs=0.01)
        assert float(row["score"]) == pytest.approx(keypoint["score"], abs=1e-4)
        angle = pose["angles"].get(part)
        if part not in JOINTS or angle is None:
            assert row["angle"] == ""
        else:
            assert float(row["angle"]) == pytest.approx(angle, rel=1e-5)
    assert set(frames[30]["poses"][0]["angles"]) == set(JOINTS)
    knees = [f["poses"][0]["angles"]["leftKnee"] for f in frames]
    assert min(k for k in knees if k is not None) < 95 and max(k for k in knees if k is not None) > 170


def test_image_csv_without_angles(tmp_path):
    table = tmp_path / "k.csv"
    assert_succeeded(run_cli(SAMPLES / "three_people.jpg", "--multi", "--csv", table))
    rows = list(csv.reader(table.open()))
    assert rows[0] == list(CSV_COLUMNS)  # no angle column unless asked
    poses = {r[2] for r in rows[1:]}
    assert len(rows) - 1 == 17 * len(poses) and len(poses) >= 3
    assert {r[0] for r in rows[1:]} == {"0"} and {r[3] for r in rows[1:]} == {""}  # one frame, no ids


def test_a_csv_path_that_is_not_csv_is_refused(tmp_path):
    result = run_cli(SAMPLES / "pose.jpg", "--csv", tmp_path / "k.json")
    assert result.returncode == 1 and result.stderr.strip() == "error: --csv must end in .csv; got k.json"


def test_frames_without_poses_give_no_rows_and_extra_columns_repeat_per_row():
    frames = [{"frame": 0, "time": 0.0, "poses": [], "reps": 0}]
    assert csv_text(frames, ("reps",)) == ",".join([*CSV_COLUMNS, "reps"]) + "\n"
