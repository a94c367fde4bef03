"""Pictures of what the network outputs: heatmaps, offset and displacement vectors, the stride grid.

Each takes the ``NetworkOutputs`` of the image it draws on and maps network-input pixels
onto it; numpy RGB image in, new image out.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import style
from .draw import as_pose_list, pixel
from .estimator import NetworkOutputs
from .grid import nearest_cell
from .parts import NUM_EDGES, NUM_KEYPOINTS, PART_IDS, POSE_CHAIN


def _input_to_image(outputs: NetworkOutputs, y, x):
    """Network-input pixels (y, x) -> original-image pixel (x, y) as ints for OpenCV."""
    scale_y, scale_x = outputs.scale_yx
    return pixel(x * scale_x, y * scale_y)


def heatmap_image(outputs: NetworkOutputs, part: str | None = None) -> np.ndarray:
    """One part's scores (or the max over all parts) as an H' x W' float array."""
    if part is None:
        return outputs.heatmap_scores.max(axis=2)
    if part not in PART_IDS:
        raise ValueError(f"part must be one of {sorted(PART_IDS)} or None for all parts; got {part!r}")
    return outputs.heatmap_scores[:, :, PART_IDS[part]]


def draw_heatmap(image, outputs: NetworkOutputs, part: str | None = None, *, opacity: float = 0.7) -> np.ndarray:
    """Scores colour-mapped (inferno) and blended over the image, more opaque where higher.

    Cell (i, j) sits at network-input pixel (i * stride, j * stride); the map is warped
    with exactly that transform, so hot cells land on the body parts they score.
    ``draw_heatmap_legend`` adds the key.

    Args:
        image: H x W x 3 uint8 RGB, the image ``outputs`` were predicted from; not changed.
        outputs: ``PoseNet.predict``'s outputs for ``image``.
        part: A name from ``PART_NAMES``, or None for the maximum over all 17 parts.
        opacity: How much the hottest cells hide the image, 0..1 (cold cells always show it).

    Returns:
        A new image.

    Raises:
        ValueError: ``part`` is not a part name.
    """
    scale_y, scale_x = outputs.scale_yx
    stride = outputs.output_stride
    to_image = np.float32([[stride * scale_x, 0, 0], [0, stride * scale_y, 0]])
    return blend_scores(image, heatmap_image(outputs, part), to_image, opacity=opacity)


def blend_scores(image, scores: np.ndarray, to_image: np.ndarray, *, opacity: float = 0.7) -> np.ndarray:
    """A grid of 0..1 scores colour-mapped (inferno) and blended over the image, more opaque where higher.

    Args:
        image: H x W x 3 uint8 RGB; not changed.
        scores: H' x W' scores of the grid's cells.
        to_image: 2 x 3 affine matrix taking a cell's (column, row) to image (x, y) pixels.
        opacity: How much the hottest cells hide the image, 0..1 (cold cells always show it).

    Returns:
        A new image.
    """
    scores = np.asarray(scores, np.float32)
    weights = np.clip(0.25 + opacity * np.sqrt(scores), 0, 1)  # hotter cells hide more of the frame
    height, width = image.shape[:2]
    # Scores and weights are warped together at grid resolution: cheaper than per pixel.
    warped = cv2.warpAffine(
        np.dstack([scores, weights]), to_image, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    colours = style.colour_map(warped[:, :, 0])
    weight = np.ascontiguousarray(warped[:, :, 1])
    return cv2.blendLinear(np.ascontiguousarray(image), colours, 1 - weight, weight)


def draw_offset_vectors(image, outputs: NetworkOutputs, *, min_score: float = 0.5) -> np.ndarray:
    """From each cell scoring at least ``min_score`` for a part, an arrow to where its offset points.

    One colour per part (``style.PART_COLOURS``); ``draw_offset_legend`` adds the key.

    Args:
        image: H x W x 3 uint8 RGB, the image ``outputs`` were predicted from; not changed.
        outputs: ``PoseNet.predict``'s outputs for ``image``.
        min_score: Heatmap score (0..1) a (cell, part) needs for an arrow.

    Returns:
        A new image.
    """
    out = image.copy()
    stride = outputs.output_stride
    thickness = style.thin_thickness(image)
    ys, xs, parts = np.nonzero(outputs.heatmap_scores >= min_score)
    for y, x, part in zip(ys.tolist(), xs.tolist(), parts.tolist()):
        cell = (y * stride, x * stride)
        target = (cell[0] + outputs.offsets[y, x, part], cell[1] + outputs.offsets[y, x, part + NUM_KEYPOINTS])
        start, end = _input_to_image(outputs, *cell), _input_to_image(outputs, *target)
        cv2.circle(out, start, thickness + 1, style.PART_COLOURS[part], -1, cv2.LINE_AA)
        cv2.arrowedLine(out, start, end, style.PART_COLOURS[part], thickness, cv2.LINE_AA, tipLength=0.25)
    return out


def draw_displacement_vectors(image, outputs: NetworkOutputs, poses, *, min_part_confidence: float = 0.1) -> np.ndarray:
    """For each pose, the forward displacement the decoder reads at every parent part.

    Each arrow starts at a parent keypoint and ends where the displacement read at its
    nearest cell points: the decoder's guess for the child part, before refinement. Drawn
    in ``style.DISPLACEMENT`` (unlike any pose colour); ``draw_displacement_legend`` adds the key.

    Args:
        image: H x W x 3 uint8 RGB, the image ``outputs`` were predicted from; not changed.
        outputs: ``PoseNet.predict``'s outputs for ``image``.
        poses: A ``Pose`` or several in ``image``'s pixels, not mirrored (``flip_horizontal=False``).
        min_part_confidence: Edges whose parent or child scores less (0..1) are left out.

    Returns:
        A new image.
    """
    out = image.copy()
    scale_y, scale_x = outputs.scale_yx
    stride = outputs.output_stride
    rows, cols = outputs.output_resolution
    thickness = style.thin_thickness(image)
    for pose in as_pose_list(poses):
        for edge, (parent, child) in enumerate(POSE_CHAIN):
            source = pose.keypoints[parent]
            if source.score < min_part_confidence or pose.keypoints[child].score < min_part_confidence:
                continue
            y, x = source.position.y / scale_y, source.position.x / scale_x
            cy, cx = nearest_cell(y, x, stride, rows, cols)  # the cell the decoder reads
            dy, dx = outputs.displacement_fwd[cy, cx, edge], outputs.displacement_fwd[cy, cx, edge + NUM_EDGES]
            start, end = _input_to_image(outputs, y, x), _input_to_image(outputs, y + dy, x + dx)
            # Their own colour on a dark outline: the arrows run along the bones the skeleton is drawn on.
            cv2.arrowedLine(
                out, start, end, style.outline(style.DISPLACEMENT), thickness + 2, cv2.LINE_AA, tipLength=0.15
            )
            cv2.arrowedLine(out, start, end, style.DISPLACEMENT, thickness, cv2.LINE_AA, tipLength=0.15)
    return out


def draw_stride_grid(image, outputs: NetworkOutputs) -> np.ndarray:
    """The output grid: a faint line between cells and a dot at each cell's centre.

    Args:
        image: H x W x 3 uint8 RGB, the image ``outputs`` were predicted from; not changed.
        outputs: ``PoseNet.predict``'s outputs for ``image`` (for the stride and the grid size).

    Returns:
        A new image.
    """
    scale_y, scale_x = outputs.scale_yx
    stride = outputs.output_stride
    rows, cols = outputs.output_resolution
    border_ys = [round((i - 0.5) * stride * scale_y) for i in range(rows + 1)]
    border_xs = [round((j - 0.5) * stride * scale_x) for j in range(cols + 1)]
    centres = [_input_to_image(outputs, i * stride, j * stride) for i in range(rows) for j in range(cols)]
    return style.paint_grid(image.copy(), border_ys, border_xs, centres, style.line_thickness(image))
