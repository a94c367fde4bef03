"""The one drawing style of every picture: colours, line widths, the score colour map, the grid.

In the spirit of MediaPipe's ``drawing_styles``: ``posenet_core.draw`` and the teaching
page's canvas both read their look from here, so a colour or a width changes in one place.
Colours are RGB tuples (images in this package are RGB, not OpenCV's BGR). Sizes follow
the picture's diagonal, so a drawing looks alike at 320 and at 1920 pixels.
"""

from __future__ import annotations

import colorsys

import cv2
import numpy as np

from .parts import NUM_KEYPOINTS

Colour = tuple[int, int, int]

WHITE: Colour = (255, 255, 255)
INK: Colour = (20, 20, 20)  # text on a light tag
PANEL: Colour = (0, 0, 0)  # behind a legend

# One colour per pose, in the order the poses were found (multi-pose); the first is the single pose's.
POSE_COLOURS: tuple[Colour, ...] = (
    (0, 230, 160),
    (255, 170, 0),
    (90, 160, 255),
    (255, 80, 140),
    (200, 120, 255),
    (250, 230, 60),
)
# One colour per part (the raw-output views: offsets), evenly spaced hues.
PART_COLOURS: tuple[Colour, ...] = tuple(
    tuple(int(255 * c) for c in colorsys.hsv_to_rgb(i / NUM_KEYPOINTS, 0.75, 1.0)) for i in range(NUM_KEYPOINTS)
)

# The decoding's marks (teaching pictures and the displacement view).
CELL: Colour = (255, 200, 0)  # an output cell being read
OFFSET: Colour = (0, 230, 160)  # an offset vector: cell centre -> keypoint
KEYPOINT: Colour = (255, 80, 140)  # a decoded keypoint
DISPLACEMENT: Colour = (255, 255, 255)  # a displacement vector: part -> next part; unlike any pose colour
SNAP_1: Colour = (255, 150, 40)  # the first refinement snap of a walk step
SNAP_2: Colour = (0, 230, 160)  # the second
BLOCKED: Colour = (255, 70, 70)  # a candidate NMS skipped
GRID: Colour = (210, 210, 210)  # output-cell borders and centres

GRID_OPACITY = 0.4  # the cell borders are a hint, not a drawing
THICKNESS_DIVISOR = 400  # line width = image diagonal / this, at least MIN_THICKNESS
MIN_THICKNESS = 2


def pose_colour(index: int) -> Colour:
    """The colour of the pose found ``index``-th (0-based); the palette repeats after six.

    Args:
        index: The pose's position in the decoder's output list.

    Returns:
        An RGB tuple.
    """
    return POSE_COLOURS[index % len(POSE_COLOURS)]


def outline(colour: Colour) -> Colour:
    """The colour to draw under a mark of ``colour`` so it reads on any picture: dark under light."""
    red, green, blue = colour
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 200 else WHITE


def _diagonal(image: np.ndarray) -> float:
    return float(np.hypot(*image.shape[:2]))


def line_thickness(image: np.ndarray) -> int:
    """The width in pixels of skeleton lines and marks on ``image`` (H x W [x C])."""
    return max(MIN_THICKNESS, round(_diagonal(image) / THICKNESS_DIVISOR))


def thin_thickness(image: np.ndarray) -> int:
    """Half the line width (vectors, boxes, outlines), at least one pixel."""
    return max(1, line_thickness(image) // 2)


def text_scale(image: np.ndarray) -> float:
    """OpenCV Hershey font scale for labels: readable at 360 px, not huge at 1920 px."""
    return max(0.45, _diagonal(image) / 1600)


def grid_dot_radius(thickness: int) -> int:
    """The radius of a cell-centre dot for a given line width."""
    return max(1, thickness // 2)


def colour_map(scores: np.ndarray) -> np.ndarray:
    """Scores as inferno colours: black is 0, red about 0.5, pale yellow 1.

    Args:
        scores: An H x W array of scores from 0 to 1; values outside are clipped.

    Returns:
        An H x W x 3 uint8 RGB array.
    """
    levels = np.clip(np.asarray(scores, np.float32) * 255, 0, 255).astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(levels, cv2.COLORMAP_INFERNO), cv2.COLOR_BGR2RGB)


COLOUR_MAP_NAME = "inferno"  # the same map by name, for chart libraries (Vega's scheme)


def paint_grid(image: np.ndarray, border_ys, border_xs, centres, thickness: int) -> np.ndarray:
    """Output-cell borders (translucent lines) and a dot at each cell centre, in place and returned.

    Args:
        image: H x W x 3 uint8 RGB, painted on.
        border_ys: Picture rows of the horizontal borders.
        border_xs: Picture columns of the vertical borders.
        centres: (x, y) picture pixels of the cell centres; those outside the image are skipped.
        thickness: The picture's line width (``line_thickness``), which sets the dot size.

    Returns:
        ``image``.
    """
    height, width = image.shape[:2]
    lines = image.copy()
    # Axis-aligned one-pixel lines and one-pixel dots look the same without anti-aliasing, which
    # costs a live frame about 2 ms for a 33 x 27 grid.
    for y in border_ys:
        cv2.line(lines, (0, y), (width - 1, y), GRID, 1)
    for x in border_xs:
        cv2.line(lines, (x, 0), (x, height - 1), GRID, 1)
    cv2.addWeighted(lines, GRID_OPACITY, image, 1 - GRID_OPACITY, 0, dst=image)
    radius = grid_dot_radius(thickness)
    line_type = cv2.LINE_AA if radius > 1 else cv2.LINE_8
    for x, y in centres:
        if 0 <= x < width and 0 <= y < height:
            cv2.circle(image, (x, y), radius, GRID, -1, line_type)
    return image
