"""Keys to the raw-output pictures (``draw_outputs``): colour bar, arrows, part colours.

A key in the top left corner on a dark translucent panel, sized from the image like the
labels. Draw it last (after any mirroring), so the text reads the right way round.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import style
from .parts import NUM_KEYPOINTS

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
    return draw_score_legend(image, "part score" if part is None else f"{part} score")


def draw_score_legend(image, title: str) -> np.ndarray:
    """The key to ``blend_scores``: ``title``, then the colour map from 0 to 1, in the top left corner."""
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
