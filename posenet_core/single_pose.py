"""Single-pose decoding, the article's five steps, on raw network outputs."""

from __future__ import annotations

import numpy as np

from .grid import check_tensor
from .params import check_output_stride
from .parts import NUM_KEYPOINTS
from .pose import Pose


def argmax_cells(heatmap_scores: np.ndarray) -> np.ndarray:
    """Step 2: each part's highest-scoring cell.

    Args:
        heatmap_scores: H x W x 17 scores.

    Returns:
        A 17 x 2 int array of (y, x) cells (row, column of the output grid), one row per part.
    """
    height, width, parts = heatmap_scores.shape
    flat = heatmap_scores.reshape(height * width, parts).argmax(axis=0)
    return np.stack(np.divmod(flat, width), axis=1)


def offset_vectors(offsets: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Step 3: each part's offset vector, read at its cell (y from channel k, x from channel 17 + k).

    Args:
        offsets: H x W x 34 offsets in network-input pixels.
        cells: N x 2 int (y, x) cells, row k for part k (``argmax_cells``' output).

    Returns:
        An N x 2 float array of (dy, dx) in network-input pixels.
    """
    parts = np.arange(len(cells))
    ys, xs = cells[:, 0], cells[:, 1]
    return np.stack([offsets[ys, xs, parts], offsets[ys, xs, parts + NUM_KEYPOINTS]], axis=1)


def decode_single_pose(heatmap_scores, offsets, *, output_stride: int = 16) -> Pose:
    """The article's single-pose decoding: each part at its best cell, moved by its offset.

    Args:
        heatmap_scores: H x W x 17 part scores after the sigmoid.
        offsets: H x W x 34 offsets (dy in channel k, dx in 17 + k), network-input pixels.
        output_stride: 8, 16 or 32, as the outputs were made with.

    Returns:
        The pose in network-input pixels (``cell * output_stride + offset``); its score is the mean
        of the 17 part scores. ``NetworkOutputs.to_image`` maps it onto the image.

    Raises:
        ValueError: A tensor of the wrong shape or a bad output stride.
    """
    output_stride = check_output_stride(output_stride)
    heatmap_scores = check_tensor("heatmap_scores", heatmap_scores, NUM_KEYPOINTS)
    offsets = check_tensor("offsets", offsets, 2 * NUM_KEYPOINTS, like=heatmap_scores)
    cells = argmax_cells(heatmap_scores)
    positions = cells * output_stride + offset_vectors(offsets, cells)
    scores = heatmap_scores[cells[:, 0], cells[:, 1], np.arange(NUM_KEYPOINTS)]
    return Pose.from_arrays(scores.mean(), positions, scores)
