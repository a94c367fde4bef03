"""BlazePose's steps over the frame: the detector's box and keypoints, the turned crop, the crop
itself with the landmarks the landmark model placed on it, and its heatmaps laid back over the
frame through the crop."""

from __future__ import annotations

import cv2
import numpy as np

from ..draw_outputs import blend_scores
from ..parts import PART_IDS
from .blazepose import COCO_FROM_BLAZEPOSE, NUM_LANDMARKS, BlazePoseOutputs

BOX_COLOUR = (255, 200, 0)  # RGB: the detector's box and keypoints
CROP_COLOUR = (255, 60, 200)  # the crop
LANDMARK_COLOUR = (40, 230, 90)


def _thickness(image: np.ndarray) -> int:
    return max(2, round(max(image.shape[:2]) / 400))


def detector_box_corners(outputs: BlazePoseOutputs) -> np.ndarray:
    """The detector's box, (x, y) of its top left and bottom right, in frame pixels."""
    x, y, w, h = outputs.detection.box
    corners_yx = np.array([[y - h / 2, x - w / 2], [y + h / 2, x + w / 2]]) * outputs.letterbox.side
    return outputs.letterbox.to_image_yx(corners_yx)[:, ::-1]


def detector_keypoints(outputs: BlazePoseOutputs) -> np.ndarray:
    """The detector's four keypoints (hips, body scale point, shoulders, upper-body point), frame (x, y)."""
    yx = outputs.detection.keypoints[:, ::-1] * outputs.letterbox.side
    return outputs.letterbox.to_image_yx(yx)[:, ::-1]


def draw_blazepose_steps(image: np.ndarray, outputs: BlazePoseOutputs) -> np.ndarray:
    """A copy of the frame with the detector's box, its hips and body-scale keypoints joined by a
    line (they set the crop's size and turn), and the turned crop. Nothing found: the frame as is."""
    picture = np.ascontiguousarray(image).copy()
    thick = _thickness(picture)
    if outputs.detection is not None:
        (x0, y0), (x1, y1) = detector_box_corners(outputs).round().astype(int)
        cv2.rectangle(picture, (x0, y0), (x1, y1), BOX_COLOUR, thick, cv2.LINE_AA)
        points = detector_keypoints(outputs).round().astype(int)
        cv2.line(picture, tuple(points[0]), tuple(points[1]), BOX_COLOUR, thick, cv2.LINE_AA)
        for x, y in points:
            cv2.circle(picture, (x, y), 3 * thick, BOX_COLOUR, -1, cv2.LINE_AA)
    if outputs.crop is not None:
        corners = outputs.crop.corners().round().astype(np.int32)
        cv2.polylines(picture, [corners], True, CROP_COLOUR, thick, cv2.LINE_AA)
    return picture


def draw_crop_with_landmarks(image: np.ndarray, outputs: BlazePoseOutputs, side: int = 256) -> np.ndarray:
    """The side x side crop the landmark model saw, upright, with its 33 landmarks on it."""
    cut = np.ascontiguousarray(outputs.crop.cut(image, side))
    to_crop = cv2.invertAffineTransform(outputs.crop.to_image(side))
    points = outputs.landmarks[:, :2] @ to_crop[:, :2].T + to_crop[:, 2]
    for x, y in points[:NUM_LANDMARKS].round().astype(int):
        cv2.circle(cut, (x, y), 3, LANDMARK_COLOUR, -1, cv2.LINE_AA)
    return cut


def blazepose_heatmap(outputs: BlazePoseOutputs, part: str | None = None) -> np.ndarray:
    """The landmark model's heatmap (over the crop, 64 x 64) of one of the 17 COCO parts, or the
    max over all 17 (None).

    Raises:
        ValueError: ``part`` is not a part name.
    """
    if part is None:
        return outputs.heatmaps[:, :, list(COCO_FROM_BLAZEPOSE)].max(axis=2)
    if part not in PART_IDS:
        raise ValueError(f"part must be one of {sorted(PART_IDS)} or None for all parts; got {part!r}")
    return outputs.heatmaps[:, :, COCO_FROM_BLAZEPOSE[PART_IDS[part]]]


def heatmap_to_image(outputs: BlazePoseOutputs, side: int = 256) -> np.ndarray:
    """The 2 x 3 matrix from a heatmap cell (column, row) to frame (x, y): through the crop."""
    cell = side / outputs.heatmaps.shape[0]
    to_crop = np.array([[cell, 0, (cell - 1) / 2], [0, cell, (cell - 1) / 2], [0, 0, 1]])  # cell centres
    return (outputs.crop.to_image(side) @ to_crop).astype(np.float32)


def draw_blazepose_heatmap(image: np.ndarray, outputs: BlazePoseOutputs, part: str | None = None) -> np.ndarray:
    """BlazePose's heatmap of ``part`` (None: the max over the 17 parts) over the frame, turned with
    the crop it covers. Nobody found: the frame as is."""
    if outputs.crop is None:
        return image
    return blend_scores(image, blazepose_heatmap(outputs, part), heatmap_to_image(outputs))
