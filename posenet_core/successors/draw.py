"""MoveNet's heads over the frame: the keypoint heatmaps and the person-centre heatmap."""

from __future__ import annotations

import numpy as np

from ..draw_outputs import blend_scores
from ..parts import PART_IDS
from .movenet import MoveNetOutputs


def movenet_heatmap(outputs: MoveNetOutputs, part: str | None = None) -> np.ndarray:
    """One part's heatmap (or the max over all parts), H' x W'.

    Raises:
        ValueError: ``part`` is not a part name.
    """
    if part is None:
        return outputs.heatmap_scores.max(axis=2)
    if part not in PART_IDS:
        raise ValueError(f"part must be one of {sorted(PART_IDS)} or None for all parts; got {part!r}")
    return outputs.heatmap_scores[:, :, PART_IDS[part]]


def _to_image(outputs: MoveNetOutputs) -> np.ndarray:
    return outputs.letterbox.affine_to_image(outputs.cell_pixels)


def draw_movenet_heatmap(image, outputs: MoveNetOutputs, part: str | None = None) -> np.ndarray:
    """MoveNet's keypoint heatmap of ``part`` (None: the max over all parts) over the frame."""
    return blend_scores(image, movenet_heatmap(outputs, part), _to_image(outputs))


def draw_movenet_centres(image, outputs: MoveNetOutputs) -> np.ndarray:
    """MoveNet's person-centre heatmap over the frame: where it thinks each person's middle is."""
    return blend_scores(image, outputs.centre_scores, _to_image(outputs))


def draw_centre_out(image, outputs: MoveNetOutputs, walk) -> np.ndarray:
    """Single-pose decoding over the frame: the centre heatmap, a ring on the chosen centre, an arrow
    from it to where the regression puts each part (``CentreOutWalk``), a dot where each part ends up."""
    import cv2

    from .. import style

    picture = draw_movenet_centres(image, outputs)
    to_image = _to_image(outputs)

    def px(yx) -> tuple[int, int]:
        x, y = to_image @ [yx[1], yx[0], 1.0]
        return round(float(x)), round(float(y))

    thickness = max(1, round(style.text_scale(picture) * 2))
    centre = px(walk.centre_cell)
    for part, (regressed, final) in enumerate(zip(walk.regressed_yx, walk.positions_yx)):
        colour = style.PART_COLOURS[part]
        cv2.arrowedLine(picture, centre, px(regressed), colour, thickness, cv2.LINE_AA, tipLength=0.08)
        cv2.circle(picture, px(final), 2 * thickness + 1, colour, -1, cv2.LINE_AA)
    cv2.circle(picture, centre, 5 * thickness, style.WHITE, thickness, cv2.LINE_AA)
    return picture
