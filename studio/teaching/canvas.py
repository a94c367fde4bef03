"""Teaching pictures: network-input (y, x) points drawn on the picture or a zoom of it.

Plain Python (OpenCV, no Streamlit). The picture-wide views posenet_core already draws
(stride grid, heatmaps, poses) come from ``posenet_core.draw_*``; this adds what only a
teaching page needs: one highlighted cell, one arrow, one disk, a magnified crop.
"""

from __future__ import annotations

import cv2
import numpy as np

from posenet_core import SKELETON, NetworkOutputs, style
from posenet_core.style import BLOCKED, CELL, DISPLACEMENT, GRID, KEYPOINT, OFFSET, SNAP_1, SNAP_2, WHITE

# The marks' colours are posenet_core's style, re-exported so pages write ``canvas.CELL``.
__all__ = [
    "Canvas",
    "heatmap_thumbnail",
    "predicted_skeletons",
    "BLOCKED",
    "CELL",
    "DISPLACEMENT",
    "GRID",
    "KEYPOINT",
    "OFFSET",
    "SNAP_1",
    "SNAP_2",
    "WHITE",
]


class Canvas:
    """A copy of the picture (or a magnified crop of it) that maps network-input (y, x) to pixels."""

    def __init__(self, image: np.ndarray, outputs: NetworkOutputs, origin_xy=(0.0, 0.0), zoom: float = 1.0):
        self.image = np.ascontiguousarray(image).copy()
        self.outputs = outputs
        self.stride = outputs.output_stride
        self._scale_yx = outputs.scale_yx  # network-input pixels -> picture pixels
        self._origin = origin_xy  # the crop's top left in picture pixels
        self.zoom = zoom
        self.thickness = style.line_thickness(self.image)

    @classmethod
    def around(cls, image, outputs: NetworkOutputs, centre_yx, cells: float = 2.5, size: int = 480) -> Canvas:
        """A square crop ``cells`` output cells either side of ``centre_yx``, magnified to ``size`` px."""
        scale_y, scale_x = outputs.scale_yx
        half = cells * outputs.output_stride * max(scale_x, scale_y)
        height, width = image.shape[:2]
        side = min(2 * half, width, height)
        x0 = min(max(centre_yx[1] * scale_x - side / 2, 0), width - side)
        y0 = min(max(centre_yx[0] * scale_y - side / 2, 0), height - side)
        zoom = size / side
        crop = image[int(y0) : int(np.ceil(y0 + side)), int(x0) : int(np.ceil(x0 + side))]
        size_xy = (round(crop.shape[1] * zoom), round(crop.shape[0] * zoom))
        magnified = cv2.resize(crop, size_xy, interpolation=cv2.INTER_CUBIC)
        return cls(magnified, outputs, (int(x0), int(y0)), zoom)

    def px(self, y: float, x: float) -> tuple[int, int]:
        """Network-input (y, x) -> this canvas's (x, y) pixel."""
        scale_y, scale_x = self._scale_yx
        return (
            int(round((x * scale_x - self._origin[0]) * self.zoom)),
            int(round((y * scale_y - self._origin[1]) * self.zoom)),
        )

    def dim(self, factor: float = 0.6) -> Canvas:
        """Darken the picture so the marks stand out."""
        self.image = (self.image * factor).astype(np.uint8)
        return self

    def grid(self) -> Canvas:
        """Cell borders and centres (for magnified views; ``posenet_core.draw_stride_grid`` for whole pictures)."""
        rows, cols = self.outputs.output_resolution
        s = self.stride
        border_ys = [self.px((i - 0.5) * s, 0)[1] for i in range(rows + 1)]
        border_xs = [self.px(0, (j - 0.5) * s)[0] for j in range(cols + 1)]
        centres = [self.px(i * s, j * s) for i in range(rows) for j in range(cols)]
        style.paint_grid(self.image, border_ys, border_xs, centres, self.thickness)
        return self

    def _translucent(self, draw, opacity: float) -> None:
        """Apply ``draw`` (which paints on the image it is given) at ``opacity``."""
        if opacity > 0:
            painted = self.image.copy()
            draw(painted)
            self.image = cv2.addWeighted(painted, opacity, self.image, 1 - opacity, 0)

    def cell(self, cell: tuple[int, int], colour=CELL, fill: float = 0.25) -> Canvas:
        """Outline (and lightly fill) output cell (y, x): network-input pixels cell * stride ± stride / 2."""
        half = self.stride / 2
        top_left = self.px(cell[0] * self.stride - half, cell[1] * self.stride - half)
        bottom_right = self.px(cell[0] * self.stride + half, cell[1] * self.stride + half)
        self._translucent(lambda image: cv2.rectangle(image, top_left, bottom_right, colour, -1), fill)
        cv2.rectangle(self.image, top_left, bottom_right, colour, self.thickness, cv2.LINE_AA)
        return self

    def arrow(self, start_yx, end_yx, colour=OFFSET, tip: float = 0.2) -> Canvas:
        start, end = self.px(*start_yx), self.px(*end_yx)
        if start != end:
            outline = style.outline(colour)
            cv2.arrowedLine(self.image, start, end, outline, self.thickness + 2, cv2.LINE_AA, tipLength=tip)
            cv2.arrowedLine(self.image, start, end, colour, self.thickness, cv2.LINE_AA, tipLength=tip)
        return self

    def line(self, start_yx, end_yx, colour) -> Canvas:
        cv2.line(self.image, self.px(*start_yx), self.px(*end_yx), colour, self.thickness, cv2.LINE_AA)
        return self

    def point(self, yx, colour=KEYPOINT, radius: int | None = None) -> Canvas:
        radius = radius or self.thickness + 3
        centre = self.px(*yx)
        cv2.circle(self.image, centre, radius + 2, WHITE, -1, cv2.LINE_AA)
        cv2.circle(self.image, centre, radius, colour, -1, cv2.LINE_AA)
        return self

    def ring(self, yx, colour=WHITE, radius: int | None = None) -> Canvas:
        cv2.circle(
            self.image, self.px(*yx), radius or self.thickness + 5, colour, max(1, self.thickness - 1), cv2.LINE_AA
        )
        return self

    def disk(self, centre_yx, radius: float, colour, fill: float = 0.22) -> Canvas:
        """A disk of ``radius`` network-input pixels (an ellipse on the picture if its axes scale differently)."""
        centre = self.px(*centre_yx)
        scale_y, scale_x = self._scale_yx
        axes = (max(1, round(radius * scale_x * self.zoom)), max(1, round(radius * scale_y * self.zoom)))
        self._translucent(lambda image: cv2.ellipse(image, centre, axes, 0, 0, 360, colour, -1, cv2.LINE_AA), fill)
        cv2.ellipse(self.image, centre, axes, 0, 0, 360, colour, max(1, self.thickness - 1), cv2.LINE_AA)
        return self


def heatmap_thumbnail(scores: np.ndarray, width: int = 200) -> np.ndarray:
    """One part's H' x W' scores (0..1) as an inferno picture, each cell a crisp block."""
    colours = style.colour_map(scores)
    rows, cols = scores.shape
    block = max(1, width // cols)
    return cv2.resize(colours, (cols * block, rows * block), interpolation=cv2.INTER_NEAREST)


def predicted_skeletons(image: np.ndarray, poses, *, min_part_confidence: float = 0.1) -> np.ndarray:
    """Where the tracker expects people (``Pose`` objects, picture pixels): thin white bones and rings, on a
    darkened copy, so the decoded poses drawn over them in colour stand out."""
    out = (image * 0.7).astype(np.uint8)
    thickness = style.thin_thickness(image)
    for pose in poses:
        confident = [k.score >= min_part_confidence for k in pose.keypoints]
        places = [(int(round(k.position.x)), int(round(k.position.y))) for k in pose.keypoints]
        for a, b in SKELETON:
            if confident[a] and confident[b]:
                cv2.line(out, places[a], places[b], WHITE, thickness, cv2.LINE_AA)
        for place, sure in zip(places, confident):
            if sure:
                cv2.circle(out, place, 3 * thickness, WHITE, thickness, cv2.LINE_AA)
    return out
