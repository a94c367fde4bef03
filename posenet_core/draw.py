"""Pictures of poses and of what the network outputs: numpy RGB image in, new image out.

Poses are in original-image pixels (what ``estimate_*`` return). The raw-output views
(heatmap, offsets, displacements, grid) take the ``NetworkOutputs`` of the same image
and map network-input pixels onto it. Line widths and text follow the image size, so
pictures look alike at 320 and 1920 pixels.
"""

from __future__ import annotations

import colorsys
from typing import Iterable

import cv2
import numpy as np

from .estimator import NetworkOutputs
from .multi_pose import nearest_cell
from .parts import NUM_EDGES, NUM_KEYPOINTS, PART_IDS, POSE_CHAIN, SKELETON
from .pose import Pose


def _palette(count: int, saturation: float, value: float) -> list[tuple[int, int, int]]:
    return [tuple(int(255 * c) for c in colorsys.hsv_to_rgb(i / count, saturation, value)) for i in range(count)]


# One colour per pose (multi-pose), one per part (raw-output views).
POSE_COLOURS = [(0, 230, 160), (255, 170, 0), (90, 160, 255), (255, 80, 140), (200, 120, 255), (250, 230, 60)]
PART_COLOURS = _palette(NUM_KEYPOINTS, 0.75, 1.0)
WHITE = (255, 255, 255)


def _as_list(poses: Pose | Iterable[Pose]) -> list[Pose]:
    return [poses] if isinstance(poses, Pose) else list(poses)


def pose_colour(index: int, pose: Pose) -> tuple[int, int, int]:
    """A tracked pose's colour follows its person (``track_id``); an untracked one its place in the list."""
    number = index if pose.track_id is None else pose.track_id - 1
    return POSE_COLOURS[number % len(POSE_COLOURS)]


def _thickness(image: np.ndarray) -> int:
    return max(2, round(np.hypot(*image.shape[:2]) / 400))


def _point(x: float, y: float) -> tuple[int, int]:
    return int(round(x)), int(round(y))


def _input_to_image(outputs: NetworkOutputs, y, x):
    """Network-input pixels (y, x) -> original-image pixel (x, y) as ints for OpenCV."""
    scale_y, scale_x = outputs.scale_yx
    return _point(x * scale_x, y * scale_y)


def draw_keypoints(image, poses, min_part_confidence: float = 0.1) -> np.ndarray:
    out = image.copy()
    radius = _thickness(image) + 2
    for index, pose in enumerate(_as_list(poses)):
        colour = pose_colour(index, pose)
        for keypoint in pose.keypoints:
            if keypoint.score >= min_part_confidence:
                centre = _point(keypoint.position.x, keypoint.position.y)
                cv2.circle(out, centre, radius + 1, WHITE, -1, cv2.LINE_AA)
                cv2.circle(out, centre, radius, colour, -1, cv2.LINE_AA)
    return out


def draw_skeleton(image, poses, min_part_confidence: float = 0.1) -> np.ndarray:
    out = image.copy()
    thickness = _thickness(image)
    for index, pose in enumerate(_as_list(poses)):
        colour = pose_colour(index, pose)
        for a, b in SKELETON:
            ka, kb = pose.keypoints[a], pose.keypoints[b]
            if min(ka.score, kb.score) >= min_part_confidence:
                start, end = _point(ka.position.x, ka.position.y), _point(kb.position.x, kb.position.y)
                cv2.line(out, start, end, colour, thickness, cv2.LINE_AA)
    return out


def draw_bounding_boxes(image, poses, min_part_confidence: float = 0.1) -> np.ndarray:
    out = image.copy()
    for index, pose in enumerate(_as_list(poses)):
        box = pose.bounding_box(min_part_confidence)
        if box is not None:
            colour = pose_colour(index, pose)
            cv2.rectangle(out, _point(*box[:2]), _point(*box[2:]), colour, max(1, _thickness(image) // 2), cv2.LINE_AA)
    return out


def _label(image: np.ndarray, text: str, anchor: tuple[int, int], colour) -> None:
    """Text on a filled tag, kept inside the image."""
    scale = max(0.45, np.hypot(*image.shape[:2]) / 1600)
    (w, h), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    x = min(max(anchor[0], 0), max(image.shape[1] - w - 6, 0))
    y = min(max(anchor[1], h + baseline + 4), image.shape[0] - 1)
    cv2.rectangle(image, (x, y - h - baseline - 4), (x + w + 6, y), colour, -1)
    cv2.putText(image, text, (x + 3, y - baseline - 1), cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), 1, cv2.LINE_AA)


def draw_pose_scores(image, poses, min_part_confidence: float = 0.1) -> np.ndarray:
    """Each pose's score on a tag at the top left of its confident keypoints."""
    out = image.copy()
    for index, pose in enumerate(_as_list(poses)):
        box = pose.bounding_box(min_part_confidence)
        if box is not None:
            number = index + 1 if pose.track_id is None else pose.track_id
            _label(out, f"#{number} {pose.score:.2f}", _point(box[0], box[1] - 4), pose_colour(index, pose))
    return out


def draw_poses(image, poses, min_part_confidence: float = 0.1, boxes: bool = False, scores: bool = False) -> np.ndarray:
    """The usual overlay: skeleton and keypoints, optionally bounding boxes and score tags."""
    out = draw_skeleton(image, poses, min_part_confidence)
    if boxes:
        out = draw_bounding_boxes(out, poses, min_part_confidence)
    out = draw_keypoints(out, poses, min_part_confidence)
    if scores:
        out = draw_pose_scores(out, poses, min_part_confidence)
    return out


def heatmap_image(outputs: NetworkOutputs, part: str | None = None) -> np.ndarray:
    """One part's scores (or the max over all parts) as an H' x W' float array."""
    if part is None:
        return outputs.heatmap_scores.max(axis=2)
    if part not in PART_IDS:
        raise ValueError(f"part must be one of {sorted(PART_IDS)} or None for all parts; got {part!r}")
    return outputs.heatmap_scores[:, :, PART_IDS[part]]


def draw_heatmap(image, outputs: NetworkOutputs, part: str | None = None, opacity: float = 0.7) -> np.ndarray:
    """Scores colour-mapped (inferno) and blended over the image, more opaque where higher.

    Cell (i, j) sits at network-input pixel (i * stride, j * stride); the map is warped
    with exactly that transform, so hot cells land on the body parts they score.
    """
    scores = heatmap_image(outputs, part).astype(np.float32)
    weights = np.clip(0.25 + opacity * np.sqrt(scores), 0, 1)  # hotter cells hide more of the frame
    scale_y, scale_x = outputs.scale_yx
    stride = outputs.output_stride
    to_image = np.float32([[stride * scale_x, 0, 0], [0, stride * scale_y, 0]])
    height, width = image.shape[:2]
    # Scores and weights are warped together at grid resolution: cheaper than per pixel.
    warped = cv2.warpAffine(
        np.dstack([scores, weights]), to_image, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    colours = cv2.applyColorMap(np.clip(warped[:, :, 0] * 255, 0, 255).astype(np.uint8), cv2.COLORMAP_INFERNO)
    colours = cv2.cvtColor(colours, cv2.COLOR_BGR2RGB)
    weight = np.ascontiguousarray(warped[:, :, 1])
    return cv2.blendLinear(np.ascontiguousarray(image), colours, 1 - weight, weight)


def draw_offset_vectors(image, outputs: NetworkOutputs, min_score: float = 0.5) -> np.ndarray:
    """From each cell scoring at least ``min_score`` for a part, an arrow to where its offset points."""
    out = image.copy()
    stride = outputs.output_stride
    thickness = max(1, _thickness(image) // 2)
    ys, xs, parts = np.nonzero(outputs.heatmap_scores >= min_score)
    for y, x, part in zip(ys.tolist(), xs.tolist(), parts.tolist()):
        cell = (y * stride, x * stride)
        target = (cell[0] + outputs.offsets[y, x, part], cell[1] + outputs.offsets[y, x, part + NUM_KEYPOINTS])
        start, end = _input_to_image(outputs, *cell), _input_to_image(outputs, *target)
        cv2.circle(out, start, thickness + 1, PART_COLOURS[part], -1, cv2.LINE_AA)
        cv2.arrowedLine(out, start, end, PART_COLOURS[part], thickness, cv2.LINE_AA, tipLength=0.25)
    return out


def draw_displacement_vectors(image, outputs: NetworkOutputs, poses, min_part_confidence: float = 0.1) -> np.ndarray:
    """For each pose, the forward displacement the decoder reads at every parent part.

    ``poses`` are in image pixels, unflipped (decoded with ``flip_horizontal=False``).
    """
    out = image.copy()
    scale_y, scale_x = outputs.scale_yx
    stride = outputs.output_stride
    rows, cols = outputs.output_resolution
    thickness = max(1, _thickness(image) // 2)
    for index, pose in enumerate(_as_list(poses)):
        colour = pose_colour(index, pose)
        for edge, (parent, child) in enumerate(POSE_CHAIN):
            source = pose.keypoints[parent]
            if source.score < min_part_confidence or pose.keypoints[child].score < min_part_confidence:
                continue
            y, x = source.position.y / scale_y, source.position.x / scale_x
            cy, cx = nearest_cell(y, x, stride, rows, cols)  # the cell the decoder reads
            dy, dx = outputs.displacement_fwd[cy, cx, edge], outputs.displacement_fwd[cy, cx, edge + NUM_EDGES]
            start, end = _input_to_image(outputs, y, x), _input_to_image(outputs, y + dy, x + dx)
            cv2.arrowedLine(out, start, end, colour, thickness, cv2.LINE_AA, tipLength=0.15)
    return out


def draw_stride_grid(image, outputs: NetworkOutputs) -> np.ndarray:
    """The output grid: a faint line between cells and a dot at each cell's centre."""
    out = image.copy()
    scale_y, scale_x = outputs.scale_yx
    stride = outputs.output_stride
    rows, cols = outputs.output_resolution
    height, width = image.shape[:2]
    lines = out.copy()
    for i in range(rows + 1):
        y = int(round((i - 0.5) * stride * scale_y))
        cv2.line(lines, (0, y), (width - 1, y), WHITE, 1)
    for j in range(cols + 1):
        x = int(round((j - 0.5) * stride * scale_x))
        cv2.line(lines, (x, 0), (x, height - 1), WHITE, 1)
    out = cv2.addWeighted(lines, 0.35, out, 0.65, 0)
    for i in range(rows):
        for j in range(cols):
            cv2.circle(out, _input_to_image(outputs, i * stride, j * stride), 1, WHITE, -1)
    return out
