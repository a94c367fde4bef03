"""The square, turned crop around a person that BlazePose's landmark model looks at.

Two points fix it, as MediaPipe's ``AlignmentPointsRectsCalculator`` then
``RectTransformationCalculator`` do for pose (published options: rotation target 90 degrees,
scale 1.25, square): the middle of the hips is the centre; a second point (the body-scale point of
the detector, or of the previous frame's landmarks when tracking) sets the size, twice its
distance from the centre times 1.25, and the rotation, so that the line from the centre to it
points straight up in the crop. Everything here is in frame pixels, x right and y down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

CROP_ENLARGE = 1.25
TARGET_ANGLE = math.pi / 2  # the scale point straight above the centre: no rotation


def normalise_angle(angle: float) -> float:
    """The same angle in -pi..pi."""
    return angle - 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))


@dataclass(frozen=True)
class Crop:
    """A square of the frame, turned by ``rotation`` radians (positive: clockwise on screen).

    Attributes:
        centre_xy: Its centre, frame pixels.
        size: Its side, frame pixels.
        rotation: How far the crop's x axis is turned from the frame's.
    """

    centre_xy: tuple[float, float]
    size: float
    rotation: float

    @classmethod
    def from_points(cls, centre_xy, scale_xy, enlarge: float = CROP_ENLARGE) -> Crop:
        """The crop centred on ``centre_xy`` with ``scale_xy`` straight above the centre in it."""
        (x0, y0), (x1, y1) = centre_xy, scale_xy
        size = 2.0 * math.hypot(x1 - x0, y1 - y0) * enlarge
        rotation = normalise_angle(TARGET_ANGLE - math.atan2(-(y1 - y0), x1 - x0))
        return cls((float(x0), float(y0)), size, rotation)

    def to_image(self, side: int) -> np.ndarray:
        """The 2 x 3 matrix from a side x side crop's pixels (x, y) to the frame's."""
        scale = self.size / side
        cos, sin = math.cos(self.rotation) * scale, math.sin(self.rotation) * scale
        cx, cy = self.centre_xy
        half = side / 2
        return np.array([[cos, -sin, cx - (cos - sin) * half], [sin, cos, cy - (sin + cos) * half]], np.float64)

    def cut(self, image: np.ndarray, side: int) -> np.ndarray:
        """The side x side crop of ``image`` (bilinear; black outside the frame)."""
        # Positions here are continuous (pixel (i, j) spans i..i + 1); warpAffine maps pixel
        # indices (a pixel's centre at i + 0.5 continuous), hence the half-pixel shifts.
        matrix = self.to_image(side)
        matrix[:, 2] += matrix[:, :2] @ [0.5, 0.5] - 0.5
        return cv2.warpAffine(
            image,
            matrix,
            (side, side),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )

    def points_to_image(self, xy: np.ndarray, side: int) -> np.ndarray:
        """N x 2 (x, y) crop pixels -> N x 2 (x, y) frame pixels."""
        xy = np.asarray(xy, np.float64).reshape(-1, 2)
        matrix = self.to_image(side)
        return xy @ matrix[:, :2].T + matrix[:, 2]

    def corners(self, side: int = 1) -> np.ndarray:
        """The crop's four corners in frame pixels (top left, top right, bottom right, bottom left), for drawing."""
        return self.points_to_image([[0, 0], [side, 0], [side, side], [0, side]], side)
