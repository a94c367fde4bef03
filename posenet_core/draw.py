"""Pictures of poses: numpy RGB image in, new image out.

Poses are in original-image pixels (what ``estimate_*`` return). Line widths and text
follow the image size, so pictures look alike at 320 and 1920 pixels. What the network
outputs is drawn by ``draw_outputs``, the keys to those pictures by ``legends``.
"""

from __future__ import annotations

from typing import Iterable

import cv2
import numpy as np

from . import style
from .parts import SKELETON
from .pose import Pose


def as_pose_list(poses: Pose | Iterable[Pose]) -> list[Pose]:
    return [poses] if isinstance(poses, Pose) else list(poses)


def colour_of(pose: Pose, index: int) -> style.Colour:
    """A pose's colour: a tracked pose's follows its person (``track_id``), an untracked one's
    its place ``index`` in the list (``style.pose_colour``)."""
    return style.pose_colour(index if pose.track_id is None else pose.track_id - 1)


def pixel(x: float, y: float) -> tuple[int, int]:
    return int(round(x)), int(round(y))


def draw_keypoints(image, poses, *, min_part_confidence: float = 0.1) -> np.ndarray:
    """A dot on a white rim at each confident keypoint, in its pose's colour (``colour_of``).

    Args:
        image: H x W x 3 uint8 RGB picture, left as it is.
        poses: One ``Pose`` or a list, in ``image``'s pixels (what ``estimate_*`` return).
        min_part_confidence: Keypoints scoring less than this (0..1) get no dot.

    Returns:
        A new image with the dots.
    """
    out = image.copy()
    _keypoints_on(out, poses, min_part_confidence)
    return out


def _keypoints_on(out: np.ndarray, poses, min_part_confidence: float) -> None:
    radius = style.line_thickness(out) + 2
    for index, pose in enumerate(as_pose_list(poses)):
        colour = colour_of(pose, index)
        for keypoint in pose.keypoints:
            if keypoint.score >= min_part_confidence:
                centre = pixel(keypoint.position.x, keypoint.position.y)
                cv2.circle(out, centre, radius + 1, style.WHITE, -1, cv2.LINE_AA)
                cv2.circle(out, centre, radius, colour, -1, cv2.LINE_AA)


def draw_skeleton(image, poses, *, min_part_confidence: float = 0.1) -> np.ndarray:
    """The ``SKELETON`` bones whose two ends are confident, in each pose's colour.

    Args:
        image: H x W x 3 uint8 RGB; a copy is drawn on.
        poses: A ``Pose`` or an iterable of them, positions in ``image``'s pixels.
        min_part_confidence: A bone is drawn only if both its ends score at least this (0..1).

    Returns:
        A new image with the bones.
    """
    out = image.copy()
    _skeleton_on(out, poses, min_part_confidence)
    return out


def _skeleton_on(out: np.ndarray, poses, min_part_confidence: float) -> None:
    thickness = style.line_thickness(out)
    for index, pose in enumerate(as_pose_list(poses)):
        colour = colour_of(pose, index)
        for a, b in SKELETON:
            ka, kb = pose.keypoints[a], pose.keypoints[b]
            if min(ka.score, kb.score) >= min_part_confidence:
                start, end = pixel(ka.position.x, ka.position.y), pixel(kb.position.x, kb.position.y)
                cv2.line(out, start, end, colour, thickness, cv2.LINE_AA)


def draw_bounding_boxes(image, poses, *, min_part_confidence: float = 0.1) -> np.ndarray:
    """The box around each pose's confident keypoints (``Pose.bounding_box``), in its colour.

    Args:
        image: H x W x 3 uint8 RGB; unchanged.
        poses: A ``Pose`` or several, in ``image``'s pixels.
        min_part_confidence: The box spans the keypoints scoring at least this (0..1).

    Returns:
        A new image with one box per pose that has such keypoints.
    """
    out = image.copy()
    _boxes_on(out, poses, min_part_confidence)
    return out


def _boxes_on(out: np.ndarray, poses, min_part_confidence: float) -> None:
    for index, pose in enumerate(as_pose_list(poses)):
        box = pose.bounding_box(min_part_confidence)
        if box is not None:
            colour = colour_of(pose, index)
            cv2.rectangle(out, pixel(*box[:2]), pixel(*box[2:]), colour, style.thin_thickness(out), cv2.LINE_AA)


def _label(image: np.ndarray, text: str, anchor: tuple[int, int], colour) -> None:
    """Text on a filled tag, kept inside the image."""
    scale = style.text_scale(image)
    (w, h), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    x = min(max(anchor[0], 0), max(image.shape[1] - w - 6, 0))
    y = min(max(anchor[1], h + baseline + 4), image.shape[0] - 1)
    cv2.rectangle(image, (x, y - h - baseline - 4), (x + w + 6, y), colour, -1)
    cv2.putText(image, text, (x + 3, y - baseline - 1), cv2.FONT_HERSHEY_SIMPLEX, scale, style.INK, 1, cv2.LINE_AA)


def pose_tag(pose) -> str:
    """A pose's tag: ``#3 0.87`` (its tracking ID and score) if tracked, else the score alone (``0.87``):
    an untracked pose has no ID, and a rank in the decoder's order would look like one.

    Args:
        pose: A ``Pose`` (its ``track_id`` is None unless a ``PoseTracker`` returned it).

    Returns:
        The tag's text.
    """
    score = f"{pose.score:.2f}"
    return score if pose.track_id is None else f"#{pose.track_id} {score}"


def draw_pose_scores(image, poses, *, min_part_confidence: float = 0.1) -> np.ndarray:
    """Each pose's tag (``pose_tag``: ``#ID score`` if tracked, else the score) at the top left of its
    confident keypoints.

    Args:
        image: H x W x 3 uint8 RGB (not modified).
        poses: A ``Pose`` or several, in ``image``'s pixels (``PoseTracker`` gives them IDs).
        min_part_confidence: The tag goes above the keypoints scoring at least this (0..1).

    Returns:
        A new image with the tags.
    """
    out = image.copy()
    _scores_on(out, poses, min_part_confidence)
    return out


def _scores_on(out: np.ndarray, poses, min_part_confidence: float) -> None:
    for index, pose in enumerate(as_pose_list(poses)):
        box = pose.bounding_box(min_part_confidence)
        if box is not None:
            _label(out, pose_tag(pose), pixel(box[0], box[1] - 4), colour_of(pose, index))


def draw_poses(
    image, poses, *, min_part_confidence: float = 0.1, boxes: bool = False, scores: bool = False
) -> np.ndarray:
    """The usual overlay: skeleton and keypoints, optionally bounding boxes and score tags.

    Args:
        image: H x W x 3 uint8 RGB; not changed.
        poses: A ``Pose`` or several, positions in ``image``'s pixels (as ``estimate_*`` return them).
        min_part_confidence: Keypoints scoring less (0..1) are left out.
        boxes: Also draw ``draw_bounding_boxes``.
        scores: Also draw ``draw_pose_scores``.

    Returns:
        A new image.
    """
    out = image.copy()  # one copy, drawn on in place: a copy per layer cost ~0.1 ms each at 640x480
    _skeleton_on(out, poses, min_part_confidence)
    if boxes:
        _boxes_on(out, poses, min_part_confidence)
    _keypoints_on(out, poses, min_part_confidence)
    if scores:
        _scores_on(out, poses, min_part_confidence)
    return out
