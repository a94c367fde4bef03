"""Pictures of poses and of what the network outputs: numpy RGB image in, new image out.

Poses are in original-image pixels (what ``estimate_*`` return). The raw-output views
(heatmap, offsets, displacements, grid) take the ``NetworkOutputs`` of the same image
and map network-input pixels onto it. Line widths and text follow the image size, so
pictures look alike at 320 and 1920 pixels.
"""

from __future__ import annotations

from typing import Iterable

import cv2
import numpy as np

from . import style
from .estimator import NetworkOutputs
from .multi_pose import nearest_cell
from .parts import NUM_EDGES, NUM_KEYPOINTS, PART_IDS, POSE_CHAIN, SKELETON, part_words
from .pose import Pose


def _as_list(poses: Pose | Iterable[Pose]) -> list[Pose]:
    return [poses] if isinstance(poses, Pose) else list(poses)


def colour_of(pose: Pose, index: int) -> style.Colour:
    """A pose's colour: a tracked pose's follows its person (``track_id``), an untracked one's
    its place ``index`` in the list (``style.pose_colour``)."""
    return style.pose_colour(index if pose.track_id is None else pose.track_id - 1)


def _point(x: float, y: float) -> tuple[int, int]:
    return int(round(x)), int(round(y))


def _input_to_image(outputs: NetworkOutputs, y, x):
    """Network-input pixels (y, x) -> original-image pixel (x, y) as ints for OpenCV."""
    scale_y, scale_x = outputs.scale_yx
    return _point(x * scale_x, y * scale_y)


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
    for index, pose in enumerate(_as_list(poses)):
        colour = colour_of(pose, index)
        for keypoint in pose.keypoints:
            if keypoint.score >= min_part_confidence:
                centre = _point(keypoint.position.x, keypoint.position.y)
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
    for index, pose in enumerate(_as_list(poses)):
        colour = colour_of(pose, index)
        for a, b in SKELETON:
            ka, kb = pose.keypoints[a], pose.keypoints[b]
            if min(ka.score, kb.score) >= min_part_confidence:
                start, end = _point(ka.position.x, ka.position.y), _point(kb.position.x, kb.position.y)
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
    for index, pose in enumerate(_as_list(poses)):
        box = pose.bounding_box(min_part_confidence)
        if box is not None:
            colour = colour_of(pose, index)
            cv2.rectangle(out, _point(*box[:2]), _point(*box[2:]), colour, style.thin_thickness(out), cv2.LINE_AA)


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
    an untracked pose has no ID, and a rank in the decoder's order would look like one."""
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
    for index, pose in enumerate(_as_list(poses)):
        box = pose.bounding_box(min_part_confidence)
        if box is not None:
            _label(out, pose_tag(pose), _point(box[0], box[1] - 4), colour_of(pose, index))


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
    for pose in _as_list(poses):
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


# Legends --------------------------------------------------------------------------------
# A key in the top left corner on a dark translucent panel, sized from the image like the
# labels. Draw it last (after any mirroring), so the text reads the right way round.

_FONT = cv2.FONT_HERSHEY_SIMPLEX
_LEGEND_OPACITY = 0.65


def _legend(image, rows) -> np.ndarray:
    """``rows``: each a list of pieces, a ``str`` or ``(width_in_line_heights, paint(image, x, y, w, h))``."""
    out = image.copy()
    scale = style.text_scale(image)
    weight = 1 if scale < 0.8 else 2
    (_, text_h), baseline = cv2.getTextSize("Ag", _FONT, scale, weight)
    line_h = text_h + baseline
    pad, gap = max(3, line_h // 3), max(3, line_h // 3)

    def width(piece) -> int:
        if isinstance(piece, str):
            return cv2.getTextSize(piece, _FONT, scale, weight)[0][0]
        return round(piece[0] * line_h)

    row_widths = [sum(width(p) for p in row) + gap * (len(row) - 1) for row in rows]
    panel_w = min(max(row_widths) + 2 * pad, image.shape[1])
    panel_h = min(len(rows) * line_h + (len(rows) - 1) * gap + 2 * pad, image.shape[0])
    x0 = y0 = max(2, line_h // 3)  # a margin from the corner
    panel = out[y0 : y0 + panel_h, x0 : x0 + panel_w]
    panel[:] = (panel * (1 - _LEGEND_OPACITY)).astype(np.uint8)  # darken towards PANEL (black)
    y = y0 + pad
    for row in rows:
        x = x0 + pad
        for piece in row:
            if isinstance(piece, str):
                cv2.putText(out, piece, (x, y + text_h), _FONT, scale, style.WHITE, weight, cv2.LINE_AA)
            else:
                piece[1](out, x, y, width(piece), line_h)
            x += width(piece) + gap
        y += line_h + gap
    return out


def _colour_bar(image, x, y, w, h) -> None:
    bar = style.colour_map(np.linspace(0.0, 1.0, w, dtype=np.float32)[None].repeat(h, axis=0))
    image[y : y + h, x : x + w] = bar[: image.shape[0] - y, : image.shape[1] - x]


def _sample_arrow(colour, dot: bool = False, outline: bool = False):
    def paint(image, x, y, w, h) -> None:
        thickness = max(1, h // 6)
        start, end = (x + thickness, y + h // 2), (x + w - 1, y + h // 2)
        if outline:
            cv2.arrowedLine(image, start, end, style.outline(colour), thickness + 2, cv2.LINE_AA, tipLength=0.35)
        cv2.arrowedLine(image, start, end, colour, thickness, cv2.LINE_AA, tipLength=0.35)
        if dot:
            cv2.circle(image, start, thickness + 1, colour, -1, cv2.LINE_AA)

    return paint


def _part_strip(image, x, y, w, h) -> None:
    edges = np.linspace(x, x + w, NUM_KEYPOINTS + 1).round().astype(int)
    for part, (left, right) in enumerate(zip(edges[:-1], edges[1:])):
        cv2.rectangle(image, (left, y + h // 4), (right - 1, y + h - h // 4), style.PART_COLOURS[part], -1)


def draw_heatmap_legend(image, part: str | None = None) -> np.ndarray:
    """The key to ``draw_heatmap``: the colour map from 0 to 1, titled with what is scored.

    Args:
        image: H x W x 3 uint8 RGB, usually ``draw_heatmap``'s picture.
        part: The part shown (as passed to ``draw_heatmap``), or None for the maximum over all parts.

    Returns:
        A new image with the legend in its top left corner.
    """
    title = "part score" if part is None else f"{part_words(part)} score"
    return _legend(image, [[title], ["0", (5.0, _colour_bar), "1"]])


def draw_offset_legend(image, *, min_score: float = 0.5) -> np.ndarray:
    """The key to ``draw_offset_vectors``: what an arrow is, which cells have one, what its colour says.

    Args:
        image: H x W x 3 uint8 RGB, usually ``draw_offset_vectors``' picture.
        min_score: The threshold passed to ``draw_offset_vectors``.

    Returns:
        A new image with the legend in its top left corner.
    """
    return _legend(
        image,
        [
            [(2.0, _sample_arrow(style.WHITE, dot=True)), "offset: cell -> keypoint"],
            [f"cells with part score >= {min_score:.2f}"],
            [(2.0, _part_strip), "colour: one per part"],
        ],
    )


def draw_displacement_legend(image) -> np.ndarray:
    """The key to ``draw_displacement_vectors``: its arrow, from a part to the next along the pose chain.

    Args:
        image: H x W x 3 uint8 RGB, usually ``draw_displacement_vectors``' picture.

    Returns:
        A new image with the legend in its top left corner.
    """
    return _legend(image, [[(2.0, _sample_arrow(style.DISPLACEMENT, outline=True)), "displacement: part -> next part"]])
