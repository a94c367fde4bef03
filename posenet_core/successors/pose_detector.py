"""BlazePose's person detector: raw SSD outputs -> scored boxes with four keypoints, overlapping
boxes merged (weighted non-maximum suppression).

Each of the detector's 2254 rows (one per anchor, ``anchors.ssd_anchor_centres``) holds 13 numbers:
a score before the sigmoid, then the box (x centre, y centre, width, height) and four keypoints
(x, y), all in input pixels and measured from the anchor's centre (sizes as they are). The
keypoints, in MediaPipe's order: the middle of the hips, a point whose distance from it gives
the whole body's size and whose direction gives its rotation, the middle of the shoulders, and
the same kind of point for the upper body.

Decoding follows MediaPipe's published options for the pose detector (``TensorsToDetections``:
sigmoid score, clipped at +-100, kept from 0.5; ``NonMaxSuppression``: weighted, overlap 0.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_DETECTION_SCORE = 0.5
MIN_SUPPRESSION_OVERLAP = 0.3
SCORE_CLIP = 100.0
NUM_DETECTOR_KEYPOINTS = 4
ROW_LENGTH = 1 + 4 + 2 * NUM_DETECTOR_KEYPOINTS
HIPS, BODY_SCALE, SHOULDERS, UPPER_BODY_SCALE = range(NUM_DETECTOR_KEYPOINTS)


@dataclass(frozen=True)
class Detection:
    """One person found by the detector, in 0..1 of its square input.

    Attributes:
        score: 0..1.
        box: (x centre, y centre, width, height).
        keypoints: 4 x 2 (x, y): hips, body scale point, shoulders, upper-body scale point.
        merged: How many anchors' boxes were averaged into this one.
    """

    score: float
    box: tuple[float, float, float, float]
    keypoints: np.ndarray
    merged: int = 1


def sigmoid(values):
    return 1.0 / (1.0 + np.exp(-np.asarray(values, np.float64)))


def decode_boxes(raw: np.ndarray, anchors: np.ndarray, input_size: int, min_score: float = MIN_DETECTION_SCORE):
    """The detector's rows scoring at least ``min_score`` as (scores, boxes, keypoints), boxes N x 4
    (x centre, y centre, width, height) and keypoints N x 4 x 2, in 0..1 of the square input.

    Raises:
        ValueError: ``raw`` is not one row of 13 per anchor.
    """
    raw = np.asarray(raw, np.float64).reshape(-1, ROW_LENGTH) if np.size(raw) else np.zeros((0, ROW_LENGTH))
    if raw.shape[0] != len(anchors):
        raise ValueError(f"expected {len(anchors)} rows of {ROW_LENGTH} (one per anchor); got shape {raw.shape}")
    scores = sigmoid(np.clip(raw[:, 0], -SCORE_CLIP, SCORE_CLIP))
    keep = scores >= min_score
    raw, anchors, scores = raw[keep], anchors[keep], scores[keep]
    boxes = raw[:, 1:5] / input_size
    boxes[:, :2] += anchors
    keypoints = raw[:, 5:].reshape(-1, NUM_DETECTOR_KEYPOINTS, 2) / input_size + anchors[:, None, :]
    return scores, boxes, keypoints


def overlap(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one (x centre, y centre, w, h) box with each of ``boxes``."""
    low = np.maximum(box[:2] - box[2:] / 2, boxes[:, :2] - boxes[:, 2:] / 2)
    high = np.minimum(box[:2] + box[2:] / 2, boxes[:, :2] + boxes[:, 2:] / 2)
    inter = np.prod(np.clip(high - low, 0, None), axis=1)
    union = box[2] * box[3] + boxes[:, 2] * boxes[:, 3] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def weighted_suppression(
    scores: np.ndarray, boxes: np.ndarray, keypoints: np.ndarray, min_overlap: float = MIN_SUPPRESSION_OVERLAP
) -> list[Detection]:
    """Weighted non-maximum suppression: the best box and every box overlapping it by more than
    ``min_overlap`` become one detection, their boxes and keypoints averaged weighted by score
    (the best box's score kept); then the next best box left, and so on. Best first."""
    order = np.argsort(-scores, kind="stable")
    scores, boxes, keypoints = scores[order], boxes[order], keypoints[order]
    left = np.ones(len(scores), bool)
    detections = []
    for best in range(len(scores)):
        if not left[best]:
            continue
        group = left & (overlap(boxes[best], boxes) > min_overlap)
        group[best] = True
        weights = scores[group] / scores[group].sum()
        box = (boxes[group] * weights[:, None]).sum(axis=0)
        points = (keypoints[group] * weights[:, None, None]).sum(axis=0)
        detections.append(Detection(float(scores[best]), tuple(float(v) for v in box), points, int(group.sum())))
        left &= ~group
    return detections


def decode_detections(raw: np.ndarray, anchors: np.ndarray, input_size: int, min_score: float = MIN_DETECTION_SCORE):
    """The people the detector found, best first (see the module's docstring)."""
    return weighted_suppression(*decode_boxes(raw, anchors, input_size, min_score))
