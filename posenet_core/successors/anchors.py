"""SSD anchors: the fixed grid of points an SSD detector's boxes are measured from.

BlazePose's person detector (224 x 224 input) predicts, for each of 2254 anchors, a score and a
box and four keypoints as offsets from that anchor. The anchors are not stored in the model: they
are computed from MediaPipe's published parameters for the pose detector
(``SsdAnchorsCalculator`` options in ``pose_detection_cpu.pbtxt``): five layers with strides 8,
16, 32, 32, 32, one aspect ratio (1.0) plus one interpolated scale per layer, centres offset by
half a cell, and fixed anchor sizes (every anchor 1 x 1, so the box sizes are the raw values).
Layers with the same stride share one grid: its cells get two anchors per layer.
"""

from __future__ import annotations

import math

import numpy as np

POSE_DETECTOR_INPUT = 224
POSE_DETECTOR_STRIDES = (8, 16, 32, 32, 32)
ANCHOR_OFFSET = 0.5  # the centre of a cell
ANCHORS_PER_LAYER = 2  # aspect ratio 1.0 and the interpolated scale between this layer and the next


def ssd_anchor_centres(
    input_size: int = POSE_DETECTOR_INPUT, strides: tuple[int, ...] = POSE_DETECTOR_STRIDES
) -> np.ndarray:
    """The anchors' centres as an N x 2 array of (x, y), 0..1 of the square input, in the order of
    the detector's outputs: grid by grid (strides ascending as given), row by row, column by column,
    then the anchors of one cell.

    Args:
        input_size: The detector's square input side in pixels.
        strides: Per layer, input pixels per grid cell; consecutive equal strides share a grid.

    Returns:
        N x 2 float64 (x, y); 2254 for BlazePose's detector.
    """
    centres = []
    layer = 0
    while layer < len(strides):
        stride = strides[layer]
        same = 1
        while layer + same < len(strides) and strides[layer + same] == stride:
            same += 1
        cells = math.ceil(input_size / stride)
        ys, xs = np.mgrid[0:cells, 0:cells].astype(np.float64)
        grid = np.stack([(xs.ravel() + ANCHOR_OFFSET) / cells, (ys.ravel() + ANCHOR_OFFSET) / cells], axis=1)
        centres.append(np.repeat(grid, ANCHORS_PER_LAYER * same, axis=0))
        layer += same
    return np.concatenate(centres)
