"""Joint angles from keypoints: the bend at elbows, shoulders, hips and knees, in degrees.

An angle at a joint is the angle between the two bones that meet there, from three
keypoints (end, joint, end): 180 degrees is a straight limb, 90 a right angle. It exists
only where all three keypoints score at least the part confidence: a guessed keypoint
gives a guessed angle, and a chart or a repetition counter should see a gap instead.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from . import style
from .parts import PART_IDS
from .pose import Pose

# joint -> (one end, the joint itself, the other end)
JOINTS: dict[str, tuple[str, str, str]] = {
    "leftElbow": ("leftShoulder", "leftElbow", "leftWrist"),
    "rightElbow": ("rightShoulder", "rightElbow", "rightWrist"),
    "leftShoulder": ("leftElbow", "leftShoulder", "leftHip"),
    "rightShoulder": ("rightElbow", "rightShoulder", "rightHip"),
    "leftHip": ("leftShoulder", "leftHip", "leftKnee"),
    "rightHip": ("rightShoulder", "rightHip", "rightKnee"),
    "leftKnee": ("leftHip", "leftKnee", "leftAnkle"),
    "rightKnee": ("rightHip", "rightKnee", "rightAnkle"),
}
JOINT_NAMES = tuple(JOINTS)


def angle_at(end_a, joint, end_b) -> float | None:
    """The angle (degrees, 0..180) at ``joint`` between the lines to ``end_a`` and ``end_b``,
    each an (x, y) point; None when an end sits on the joint (no line, no angle)."""
    ax, ay = end_a[0] - joint[0], end_a[1] - joint[1]
    bx, by = end_b[0] - joint[0], end_b[1] - joint[1]
    if math.hypot(ax, ay) < 1e-9 or math.hypot(bx, by) < 1e-9:
        return None
    # atan2 of cross and dot products: exact near 0 and 180 degrees, where acos loses precision.
    return math.degrees(math.atan2(abs(ax * by - ay * bx), ax * bx + ay * by))


def joint_angle(pose: Pose, joint: str, min_part_confidence: float = 0.1) -> float | None:
    """The angle at one joint of ``JOINTS`` in degrees, or None where a keypoint is not confident."""
    points = []
    for part in JOINTS[joint]:
        keypoint = pose.keypoints[PART_IDS[part]]
        if keypoint.score < min_part_confidence:
            return None
        points.append((keypoint.position.x, keypoint.position.y))
    return angle_at(*points)


def joint_angles(pose: Pose, min_part_confidence: float = 0.1) -> dict[str, float | None]:
    """The angle at every joint of ``JOINTS``.

    Args:
        pose: A ``Pose``, in any pixels (angles do not depend on the scale).
        min_part_confidence: A joint's three keypoints must each score at least this (0..1).

    Returns:
        ``{joint: degrees (0..180, 180 = straight) or None where a keypoint is not confident}``.
    """
    return {joint: joint_angle(pose, joint, min_part_confidence) for joint in JOINTS}


def draw_joint_angles(image: np.ndarray, poses, *, min_part_confidence: float = 0.1) -> np.ndarray:
    """Each known angle written at its joint (``87°`` as ``87``, OpenCV's fonts have no degree sign).

    Args:
        image: H x W x 3 uint8 RGB; not changed.
        poses: A ``Pose`` or several, in ``image``'s pixels.
        min_part_confidence: Angles need all three keypoints at least this confident.

    Returns:
        A new image.
    """
    out = image.copy()
    scale = style.text_scale(out) * 0.9
    for pose in [poses] if isinstance(poses, Pose) else poses:
        for joint, angle in joint_angles(pose, min_part_confidence).items():
            if angle is None:
                continue
            at = pose.keypoints[PART_IDS[joint]].position
            text = f"{angle:.0f}"
            (w, h), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
            # Left joints' numbers to one side, right joints' to the other: two knees close together stay readable.
            x = int(at.x + 8) if joint.startswith("left") else int(at.x - 8 - w)
            y = int(at.y + h // 2)
            for colour, width in ((style.INK, 3), (style.WHITE, 1)):  # dark outline: readable on any video
                cv2.putText(out, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, width, cv2.LINE_AA)
    return out
