"""Joint angles against values worked out by hand, and the confidence rule."""

import math

import numpy as np
import pytest

from posenet_core import PART_NAMES, Keypoint, Pose, Position
from posenet_core.angles import JOINTS, angle_at, draw_joint_angles, joint_angle, joint_angles


def pose_with(points: dict[str, tuple[float, float]], scores: dict[str, float] | None = None) -> Pose:
    """Every part at (0, 0) scoring 0 except those given (score 0.9 unless ``scores`` says)."""
    scores = scores or {}
    keypoints = tuple(
        Keypoint(part, Position(*points.get(part, (0.0, 0.0))), scores.get(part, 0.9 if part in points else 0.0))
        for part in PART_NAMES
    )
    return Pose(0.9, keypoints)


def test_right_angle_straight_and_folded():
    assert angle_at((1, 0), (0, 0), (0, 1)) == pytest.approx(90.0)
    assert angle_at((-3, 0), (0, 0), (5, 0)) == pytest.approx(180.0)
    assert angle_at((2, 0), (0, 0), (7, 0)) == pytest.approx(0.0)


def test_hand_computed_angles():
    # (3, 4) and (4, -3) from the joint: dot 0 -> 90 degrees, whatever the lengths.
    assert angle_at((13, 24), (10, 20), (14, 17)) == pytest.approx(90.0)
    # (1, 0) and (1, 1): 45 degrees; (1, 0) and (-1, 1): 135; (1, 0) and (1, sqrt 3): 60.
    assert angle_at((1, 0), (0, 0), (1, 1)) == pytest.approx(45.0)
    assert angle_at((1, 0), (0, 0), (-1, 1)) == pytest.approx(135.0)
    assert angle_at((1, 0), (0, 0), (1, math.sqrt(3))) == pytest.approx(60.0)
    # Order of the ends and the image's y-down axis do not matter.
    assert angle_at((1, math.sqrt(3)), (0, 0), (1, 0)) == pytest.approx(60.0)
    assert angle_at((1, -math.sqrt(3)), (0, 0), (1, 0)) == pytest.approx(60.0)


def test_an_end_on_the_joint_has_no_angle():
    assert angle_at((5, 5), (5, 5), (9, 1)) is None


def test_knee_of_a_squat_from_keypoints():
    # Hip above the knee, ankle down and back: thigh (0,-100) from the knee, shin (-60, 80):
    # cos = (0*-60 + -100*80) / (100 * 100) = -0.8 -> 143.13 degrees.
    pose = pose_with({"leftHip": (200, 100), "leftKnee": (200, 200), "leftAnkle": (140, 280)})
    assert joint_angle(pose, "leftKnee") == pytest.approx(math.degrees(math.acos(-0.8)))
    assert joint_angle(pose, "leftKnee") == pytest.approx(143.1301, abs=1e-3)


def test_every_joint_and_its_three_parts():
    assert set(JOINTS) == {f"{side}{j}" for side in ("left", "right") for j in ("Elbow", "Shoulder", "Hip", "Knee")}
    for joint, (a, b, c) in JOINTS.items():
        assert b == joint and {a, c} <= set(PART_NAMES)
    # Arm out sideways, elbow bent up: shoulder (100,100), elbow (200,100), wrist (200,0) -> elbow 90;
    # hip (100, 300) under the shoulder -> shoulder angle between elbow and hip = 90.
    pose = pose_with(
        {"rightShoulder": (100, 100), "rightElbow": (200, 100), "rightWrist": (200, 0), "rightHip": (100, 300)}
    )
    angles = joint_angles(pose)
    assert angles["rightElbow"] == pytest.approx(90.0)
    assert angles["rightShoulder"] == pytest.approx(90.0)
    assert angles["leftKnee"] is None  # its parts score 0


def test_only_where_all_three_keypoints_pass_the_part_confidence():
    points = {"leftHip": (0, 0), "leftKnee": (0, 10), "leftAnkle": (10, 10)}
    assert joint_angle(pose_with(points), "leftKnee", 0.5) == pytest.approx(90.0)
    for weak in points:
        pose = pose_with(points, {**{p: 0.9 for p in points}, weak: 0.49})
        assert joint_angle(pose, "leftKnee", 0.5) is None, weak
        assert joint_angle(pose, "leftKnee", 0.4) == pytest.approx(90.0)
    # at exactly the confidence it passes (as drawing does: score >= min_part_confidence)
    assert joint_angle(pose_with(points, {p: 0.5 for p in points}), "leftKnee", 0.5) == pytest.approx(90.0)


def test_angles_are_drawn_at_the_joint_only_when_known():
    image = np.zeros((240, 320, 3), np.uint8)
    pose = pose_with({"leftHip": (100, 40), "leftKnee": (100, 120), "leftAnkle": (160, 120)})
    drawn = draw_joint_angles(image, [pose])
    assert image.sum() == 0  # the input is left alone
    changed = np.argwhere(drawn.any(axis=2))
    assert len(changed) > 20
    # the "90" sits beside the knee (right of it: a left joint), nowhere near the hip
    assert 100 <= changed[:, 1].min() <= 115 and changed[:, 1].max() < 160
    assert 100 <= changed[:, 0].min() and changed[:, 0].max() <= 140
    weak = pose_with({"leftHip": (100, 40), "leftKnee": (100, 120), "leftAnkle": (160, 120)}, {"leftAnkle": 0.05})
    assert not draw_joint_angles(image, weak).any()
