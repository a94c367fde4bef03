"""`python -m posenet_core` (the `posenet` command) as a user runs it: one subprocess per command line.

The bad inputs are refused before the network is loaded, so their runs are short.
"""

import fcntl
import json
import os
import pathlib
import pty
import re
import struct
import subprocess
import sys
import termios

import av
import cv2
import pytest

from posenet_core import PART_NAMES
from tests.support.clips import short_clip
from tests.support.paths import SAMPLES

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent


def run_cli(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    command = [sys.executable, "-m", "posenet_core", *map(str, args)]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)


def assert_succeeded(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def assert_article_poses(poses: list) -> None:
    """The article's JSON: {score, keypoints: [{part, position: {x, y}, score}]} with its 17 parts."""
    for pose in poses:
        assert sorted(pose) == ["keypoints", "score"] and isinstance(pose["score"], float)
        assert [keypoint["part"] for keypoint in pose["keypoints"]] == list(PART_NAMES)
        for keypoint in pose["keypoints"]:
            assert sorted(keypoint) == ["part", "position", "score"]
            assert sorted(keypoint["position"]) == ["x", "y"]
            assert all(isinstance(value, float) for value in (*keypoint["position"].values(), keypoint["score"]))


def test_multi_pose_on_an_image_writes_json_and_an_annotated_png(tmp_path):
    source = SAMPLES / "three_people.jpg"
    poses_file, picture = tmp_path / "poses.json", tmp_path / "annotated.png"
    result = run_cli(source, "--multi", "--json", poses_file, "--out", picture)
    assert_succeeded(result)

    record = json.loads(poses_file.read_text())
    assert (record["width"], record["height"]) == (1049, 861)
    assert 3 <= len(record["poses"]) <= 5  # --max-detections defaults to 5
    assert_article_poses(record["poses"])
    assert sum(pose["score"] >= 0.3 for pose in record["poses"]) == 3

    annotated = cv2.imread(str(picture))
    assert annotated is not None and annotated.shape == (861, 1049, 3)
    assert (annotated != cv2.imread(str(source))).any()


def test_the_low_score_duplicates_are_left_out_as_in_the_demo_and_litert_says_nothing(tmp_path):
    """The one-person yoga photo: the multi-pose decoder also returns two duplicates scoring ~0.05."""
    counts = {}
    for name, extra in (("default", []), ("all", ["--min-pose-confidence", "0"])):
        poses_file, picture = tmp_path / f"{name}.json", tmp_path / f"{name}.png"
        result = run_cli(SAMPLES / "pose.jpg", "--multi", "--json", poses_file, "--out", picture, *extra)
        assert_succeeded(result)
        assert "XNNPACK" not in result.stderr and "INFO" not in result.stderr, result.stderr
        counts[name] = [pose["score"] for pose in json.loads(poses_file.read_text())["poses"]]
        counts[name + " picture"] = cv2.imread(str(picture))
    assert len(counts["default"]) == 1 and counts["default"][0] > 0.5
    assert len(counts["all"]) == 3 and min(counts["all"]) < 0.15
    assert (counts["default picture"] != counts["all picture"]).any()  # the duplicates' tags are not drawn
    result = run_cli(SAMPLES / "pose.jpg", "--min-pose-confidence", "1.5")
    assert result.returncode == 1 and "--min-pose-confidence must be a number from 0 to 1" in result.stderr


def test_int8_precision_finds_the_same_three_people(tmp_path):
    poses_file = tmp_path / "poses.json"
    assert_succeeded(run_cli(SAMPLES / "three_people.jpg", "--multi", "--precision", "int8", "--json", poses_file))
    poses = json.loads(poses_file.read_text())["poses"]
    assert_article_poses(poses)
    assert sum(pose["score"] >= 0.3 for pose in poses) == 3


@pytest.mark.parametrize(("model", "people"), [("movenet-multipose", 3), ("movenet-lightning", 1)])
def test_any_model_on_an_image_writes_the_same_json(tmp_path, model, people):
    poses_file = tmp_path / "poses.json"
    result = run_cli(SAMPLES / "three_people.jpg", "--model", model, "--json", poses_file)
    assert_succeeded(result)
    record = json.loads(poses_file.read_text())
    assert (record["width"], record["height"]) == (1049, 861)
    assert len(record["poses"]) == people  # MultiPose finds several without --multi
    assert_article_poses(record["poses"])


def test_blazepose_lite_on_an_image_and_a_video_writes_the_same_json_near_the_reference(tmp_path):
    poses_file = tmp_path / "photo.json"
    assert_succeeded(run_cli(SAMPLES / "pose.jpg", "--model", "blazepose-lite", "--json", poses_file))
    (pose,) = json.loads(poses_file.read_text())["poses"]
    assert_article_poses([pose])
    assert pose["score"] > 0.9

    poses_file = tmp_path / "squats.json"
    result = run_cli(SAMPLES / "pose_squats.mp4", "--model", "blazepose-lite", "--flip", "--json", poses_file)
    assert_succeeded(result)
    frames = json.loads(poses_file.read_text())["frames"]
    assert len(frames) == 65 and all(len(f["poses"]) == 1 for f in frames)
    assert_article_poses([pose for f in frames for pose in f["poses"]])
    # The crop is tracked from frame to frame; mirrored (--flip), each nose is near the reference's.
    reference = json.loads((SAMPLES / "pose_squats.reference.json").read_text())
    for frame, truth in zip(frames, reference, strict=True):
        nose = frame["poses"][0]["keypoints"][0]["position"]
        assert abs(719 - nose["x"] - truth["nose"]["x"]) < 40 and abs(nose["y"] - truth["nose"]["y"]) < 40


def test_single_pose_on_a_video_writes_one_record_per_frame_and_an_annotated_mp4(tmp_path):
    poses_file, video = tmp_path / "poses.json", tmp_path / "annotated.mp4"
    result = run_cli(SAMPLES / "pose_squats.mp4", "--json", poses_file, "--out", video)
    assert_succeeded(result)
    assert_progress_lines(result.stderr, total=65)

    frames = json.loads(poses_file.read_text())["frames"]
    assert [f["frame"] for f in frames] == list(range(65))
    assert all(len(f["poses"]) == 1 for f in frames)
    assert_article_poses([pose for f in frames for pose in f["poses"]])
    times = [f["time"] for f in frames]
    assert times == sorted(times) and times[0] < times[-1]

    with av.open(str(video)) as container:
        decoded = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert len(decoded) == 65
    assert decoded[0].shape == (1280, 720, 3)


def assert_progress_lines(stderr: str, total: int) -> None:
    """stderr is a pipe here, as in a log: progress comes as a few whole lines, never carriage returns."""
    assert "\r" not in stderr
    progress = [line for line in stderr.splitlines() if re.fullmatch(rf"\d+/{total} frames, .*", line)]
    assert progress[0].startswith(f"0/{total} frames") and progress[-1].startswith(f"{total}/{total} frames")
    assert len(progress) <= 2 + 30  # a line every 10 s: 5 minutes at most, not one per frame


def test_a_webm_shows_progress_against_its_length(tmp_path):
    # WebM headers give no frame count, only a length: the bar counts against length x rate.
    clip = short_clip(tmp_path / "clip.webm", frames=8, codec="libvpx-vp9")
    with av.open(str(clip)) as container:
        assert container.streams.video[0].frames == 0
    result = run_cli(clip, "--json", tmp_path / "poses.json")
    assert_succeeded(result)
    assert_progress_lines(result.stderr, total=8)


@pytest.mark.parametrize("columns", [100, 0], ids=["100 columns", "a terminal with no size"])
def test_on_a_terminal_the_progress_is_a_bar_redrawn_in_place(tmp_path, columns):
    clip = short_clip(tmp_path / "clip.mp4", frames=12)
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    command = [sys.executable, "-m", "posenet_core", str(clip)]
    with subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=terminal) as process:
        os.close(terminal)
        shown = b""
        while chunk := read_or_nothing(controller):
            shown += chunk
        assert process.wait(timeout=300) == 0
    os.close(controller)
    lines = shown.decode(errors="replace").replace("\r\n", "\n").split("\n")
    bar = next(line for line in lines if "12/12" in line)
    assert "\r" in bar and "|" in bar and "frame" in bar  # tqdm's bar, redrawn in place on one line
    assert len(bar.split("\r")[-1]) <= (columns or 80)
    assert len(lines) <= 4  # not a line per frame (LiteRT's INFO line, the bar, the end)


def read_or_nothing(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # the terminal closed: the child has exited
        return b""


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.write_text(text)
    return path


BAD_INPUTS = {
    "output stride 10": (lambda tmp: [SAMPLES / "pose.jpg", "--output-stride", "10"], "output_stride"),
    "scale factor 1.5": (lambda tmp: [SAMPLES / "pose.jpg", "--scale-factor", "1.5"], "scale_factor"),
    "precision int4": (lambda tmp: [SAMPLES / "pose.jpg", "--precision", "int4"], "'int4'"),
    "text file named .jpg": (lambda tmp: [write(tmp / "notes.jpg", "not a picture\n")], "notes.jpg"),
    "missing file": (lambda tmp: [tmp / "missing.jpg"], "missing.jpg"),
    "text file named .mp4": (lambda tmp: [write(tmp / "notes.mp4", "not a video\n")], "notes.mp4"),
    "unknown extension": (lambda tmp: [write(tmp / "notes.txt", "hello\n")], ".txt"),
    "unknown model": (lambda tmp: [SAMPLES / "pose.jpg", "--model", "movenet"], "movenet-lightning"),
    "single-pose model with --multi": (
        lambda tmp: [SAMPLES / "pose.jpg", "--model", "movenet-thunder", "--multi"],
        "movenet-multipose",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_exits_non_zero_with_a_one_line_error_and_no_traceback(tmp_path, case):
    arguments, mentioned = case
    result = run_cli(*arguments(tmp_path), "--json", tmp_path / "poses.json")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error:") and mentioned in last_line
    assert not (tmp_path / "poses.json").exists()
