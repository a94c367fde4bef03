"""Shared fixtures: the repo on sys.path, one PoseNet per session, the sample media."""

import json
import os
import pathlib
import sys

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = REPO_ROOT / "studio" / "samples"
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# The library tests load TensorFlow and the app tests streamlit-webrtc, in one process:
# `studio` loads the latter's SRTP library first, as the app does (see studio/__init__.py).
import studio  # noqa: E402, F401


def read_only(array):
    """Session fixtures are shared: a test that writes into one fails loudly instead."""
    array.flags.writeable = False
    return array


def read_rgb(path: pathlib.Path):
    """An image file as an H x W x 3 uint8 RGB array (read-only)."""
    import cv2

    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert bgr is not None, f"cannot read {path}"
    return read_only(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


@pytest.fixture(scope="session")
def net():
    import posenet_core

    return posenet_core.load()


@pytest.fixture(scope="session")
def pose_image():
    """studio/samples/pose.jpg: one person, full body (1000 x 667)."""
    return read_rgb(SAMPLES / "pose.jpg")


@pytest.fixture(scope="session")
def three_people_image():
    """studio/samples/three_people.jpg: three people, upper bodies (1049 x 861)."""
    return read_rgb(SAMPLES / "three_people.jpg")


@pytest.fixture(scope="session")
def squat_frames():
    """All 65 frames of studio/samples/pose_squats.mp4 (720 x 1280 portrait), RGB uint8."""
    import av

    with av.open(str(SAMPLES / "pose_squats.mp4")) as container:
        return [read_only(frame.to_ndarray(format="rgb24")) for frame in container.decode(video=0)]


@pytest.fixture(scope="session")
def squat_reference():
    """Per frame of pose_squats.mp4, {snake_case COCO part: {"x", "y"}} located by BlazePose."""
    return json.loads((SAMPLES / "pose_squats.reference.json").read_text())
