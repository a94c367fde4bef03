"""BlazePose's landmarks moved to the middle of their own heatmap, as MediaPipe does for pose.

The landmark model gives each point twice: as numbers (x, y on the crop) and as a 64 x 64 heatmap
over the crop. MediaPipe's ``RefineLandmarksFromHeatmapCalculator`` (published options for pose:
kernel 7, min confidence 0.5) looks at the 7 x 7 cells around each point's cell; if the heatmap
reaches 0.5 there, the point moves to the cells' score-weighted mean position (a cell counted at its
column / 64 of the crop, its corner, as MediaPipe counts it). On the squats clip it brings the
median error against the reference from 10.6 to 7.9 px (lite) and from 8.8 to 6.0 px (full).
"""

from __future__ import annotations

import numpy as np

REFINE_KERNEL = 7
MIN_CONFIDENCE_TO_REFINE = 0.5


def refine_from_heatmaps(
    xy: np.ndarray,
    heatmaps: np.ndarray,
    side: int,
    kernel: int = REFINE_KERNEL,
    min_confidence: float = MIN_CONFIDENCE_TO_REFINE,
) -> np.ndarray:
    """Points moved to their heatmap's weighted centre nearby.

    Args:
        xy: N x 2 (x, y) crop pixels, 0..side.
        heatmaps: H x W x N scores 0..1 over the crop, channel k for point k.
        side: The crop's side in pixels.
        kernel: The window's side in cells, around each point's cell.
        min_confidence: A window whose best score is lower leaves its point where it was.

    Returns:
        A new N x 2 array.

    Raises:
        ValueError: Not one heatmap channel per point.
    """
    xy = np.asarray(xy, np.float64)
    rows, cols, channels = heatmaps.shape
    if channels != len(xy):
        raise ValueError(f"expected one heatmap channel per point ({len(xy)}); got {channels}")
    refined = xy.copy()
    half = (kernel - 1) // 2
    for k, (x, y) in enumerate(xy):
        col, row = int(x / side * cols), int(y / side * rows)
        if not (0 <= col < cols and 0 <= row < rows):
            continue
        top, left = max(0, row - half), max(0, col - half)
        window = heatmaps[top : min(rows, row + half + 1), left : min(cols, col + half + 1), k].astype(np.float64)
        total = window.sum()
        if window.max() < min_confidence or total <= 0:
            continue
        ys, xs = np.mgrid[top : top + window.shape[0], left : left + window.shape[1]]
        refined[k] = ((xs * window).sum() / total / cols * side, (ys * window).sum() / total / rows * side)
    return refined
