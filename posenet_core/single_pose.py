"""Single-pose decoding, the article's five steps, on raw network outputs."""

from __future__ import annotations

import numpy as np

from .params import check_output_stride
from .parts import NUM_KEYPOINTS
from .pose import Pose


def check_tensor(name: str, array, channels: int, like: np.ndarray | None = None) -> np.ndarray:
    array = np.asarray(array)
    if array.ndim != 3 or array.shape[2] != channels or array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"{name} must be an H x W x {channels} array; got shape {array.shape}")
    if like is not None and array.shape[:2] != like.shape[:2]:
        raise ValueError(f"{name} must have the same H x W as heatmap_scores {like.shape[:2]}; got {array.shape[:2]}")
    return array


def argmax_cells(heatmap_scores: np.ndarray) -> np.ndarray:
    """Step 2: the (y, x) cell of the highest score of each part, a 17 x 2 int array."""
    height, width, parts = heatmap_scores.shape
    flat = heatmap_scores.reshape(height * width, parts).argmax(axis=0)
    return np.stack(np.divmod(flat, width), axis=1)


def offset_vectors(offsets: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Step 3: the (dy, dx) offset of part k at its cell; y is channel k, x is channel 17 + k."""
    parts = np.arange(len(cells))
    ys, xs = cells[:, 0], cells[:, 1]
    return np.stack([offsets[ys, xs, parts], offsets[ys, xs, parts + NUM_KEYPOINTS]], axis=1)


def decode_single_pose(heatmap_scores, offsets, *, output_stride: int = 16) -> Pose:
    """One pose from H x W x 17 scores (after the sigmoid) and H x W x 34 offsets.

    Positions are in the network input's pixels: ``cell * output_stride + offset``.
    """
    output_stride = check_output_stride(output_stride)
    heatmap_scores = check_tensor("heatmap_scores", heatmap_scores, NUM_KEYPOINTS)
    offsets = check_tensor("offsets", offsets, 2 * NUM_KEYPOINTS, like=heatmap_scores)
    cells = argmax_cells(heatmap_scores)
    positions = cells * output_stride + offset_vectors(offsets, cells)
    scores = heatmap_scores[cells[:, 0], cells[:, 1], np.arange(NUM_KEYPOINTS)]
    return Pose.from_arrays(scores.mean(), positions, scores)
