"""How alike two poses are: COCO's object keypoint similarity (OKS) and the IoU of their boxes.

``PoseTracker`` matches people across frames on a mix of the two; the accuracy tests and the
teaching page use the single-pair forms. Positions are (x, y) pixels.
"""

from __future__ import annotations

import numpy as np

from .parts import NUM_KEYPOINTS
from .pose import Pose

# COCO's per-part OKS sigmas (cocoeval), in PoseNet's part order (the same as COCO's).
COCO_SIGMAS = np.array(
    [0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062, 0.062, 0.107, 0.107, 0.087, 0.087, 0.089]
    + [0.089]
)
_PART_TOLERANCE = (2.0 * COCO_SIGMAS) ** 2  # k^2 per part


def pose_arrays(poses) -> tuple[np.ndarray, np.ndarray]:
    """Positions (N x 17 x 2, as x, y) and keypoint scores (N x 17) of a list of poses."""
    if not poses:
        return np.zeros((0, NUM_KEYPOINTS, 2)), np.zeros((0, NUM_KEYPOINTS))
    flat = [value for p in poses for k in p.keypoints for value in (k.position.x, k.position.y, k.score)]
    table = np.array(flat, dtype=np.float64).reshape(len(poses), NUM_KEYPOINTS, 3)
    return table[..., :2], table[..., 2]


def keypoint_boxes(positions: np.ndarray, confident: np.ndarray) -> np.ndarray:
    """N x 4 boxes (x_min, y_min, x_max, y_max) around each pose's confident keypoints; all 0 (no area) if none."""
    inside = confident[..., None]
    low = np.where(inside, positions, np.inf).min(axis=1)
    high = np.where(inside, positions, -np.inf).max(axis=1)
    boxes = np.concatenate([low, high], axis=1)
    boxes[~confident.any(axis=1)] = 0.0
    return boxes


def box_areas(boxes: np.ndarray) -> np.ndarray:
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def iou_matrix(boxes_a: np.ndarray, boxes_b: np.ndarray) -> np.ndarray:
    """Intersection over union of every box of ``boxes_a`` with every box of ``boxes_b``: A x B, 0 where undefined."""
    a, b = boxes_a[:, None, :], boxes_b[None, :, :]
    width = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
    height = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    overlap = np.maximum(width, 0.0) * np.maximum(height, 0.0)
    union = box_areas(boxes_a)[:, None] + box_areas(boxes_b)[None, :] - overlap
    return overlap / np.maximum(union, 1e-12)  # no union: no overlap either, so 0


def oks_matrix(
    reference_positions: np.ndarray,
    reference_confident: np.ndarray,
    reference_areas: np.ndarray,
    positions: np.ndarray,
    confident: np.ndarray,
) -> np.ndarray:
    """OKS of every pose against every reference pose: R x N.

    The scale is each reference's box area; only keypoints confident in both poses count,
    and a pair with none in common scores 0.
    """
    offsets = reference_positions[:, None] - positions[None]  # R x N x 17 x 2
    squared = np.einsum("rnkc,rnkc->rnk", offsets, offsets)
    similar = np.exp(squared * (-0.5 / (np.maximum(reference_areas, 1.0)[:, None, None] * _PART_TOLERANCE)))
    counted = reference_confident[:, None, :] & confident[None, :, :]
    total = np.einsum("rnk,rnk->rn", similar, counted)
    return total / np.maximum(counted.sum(axis=-1), 1)  # none in common: total 0, so 0


def box_iou(pose: Pose, other: Pose, *, min_keypoint_score: float = 0.1) -> float:
    """IoU of the boxes around the two poses' keypoints scoring at least ``min_keypoint_score``.

    Args:
        pose: One pose.
        other: The other, in the same pixels.
        min_keypoint_score: Keypoints scoring less (0..1) are left out of the boxes.

    Returns:
        0 to 1; 0 if either pose has no such keypoint.
    """
    positions, scores = pose_arrays([pose, other])
    boxes = keypoint_boxes(positions, scores >= min_keypoint_score)
    return float(iou_matrix(boxes[:1], boxes[1:])[0, 0])


def object_keypoint_similarity(pose: Pose, reference: Pose, *, min_keypoint_score: float = 0.1) -> float:
    """COCO's OKS of ``pose`` against ``reference``, the scale being the reference's box area.

    Args:
        pose: The pose compared.
        reference: The pose it is compared against (its box area is the scale).
        min_keypoint_score: Keypoints scoring less (0..1) in either pose are left out.

    Returns:
        0 to 1, the mean over the keypoints scoring at least ``min_keypoint_score`` in both
        poses; 0 if there is none.
    """
    positions, scores = pose_arrays([reference, pose])
    confident = scores >= min_keypoint_score
    area = box_areas(keypoint_boxes(positions[:1], confident[:1]))
    return float(oks_matrix(positions[:1], confident[:1], area, positions[1:], confident[1:])[0, 0])
