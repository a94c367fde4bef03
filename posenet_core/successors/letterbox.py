"""A frame fitted into a model's square input: scaled to fit, centred, black around it.

MoveNet and BlazePose take a square input (192, 256 pixels a side); squashing a 16:9 frame into
it would distort every body. The frame is scaled so its long side fits, centred, and the rest is
padded with black (TF.js pose-detection pads the same way, centred). ``Letterbox`` remembers how,
so positions on the square go back to the frame's own pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Letterbox:
    """How a frame sits in the square input: input pixel = frame pixel * scale + pad.

    Attributes:
        side: The square input's side in pixels.
        scale_yx: (y, x) input pixels per frame pixel (the two differ only by rounding).
        pad_yx: (top, left) black rows and columns before the frame.
        image_size: (height, width) of the frame.
    """

    side: int
    scale_yx: tuple[float, float]
    pad_yx: tuple[int, int]
    image_size: tuple[int, int]

    @classmethod
    def fit(cls, height: int, width: int, side: int) -> Letterbox:
        long_side = max(height, width)
        new_h = max(1, round(height * side / long_side))
        new_w = max(1, round(width * side / long_side))
        return cls(side, (new_h / height, new_w / width), ((side - new_h) // 2, (side - new_w) // 2), (height, width))

    @property
    def inner_size(self) -> tuple[int, int]:
        """(height, width) of the frame inside the square."""
        return round(self.image_size[0] * self.scale_yx[0]), round(self.image_size[1] * self.scale_yx[1])

    def apply(self, image: np.ndarray) -> np.ndarray:
        """The side x side x 3 uint8 input: ``image`` resized (bilinear, as for PoseNet) and centred."""
        new_h, new_w = self.inner_size
        top, left = self.pad_yx
        square = np.zeros((self.side, self.side, 3), np.uint8)
        inner = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
        square[top : top + new_h, left : left + new_w] = inner
        return square

    def to_image_yx(self, yx: np.ndarray) -> np.ndarray:
        """N x 2 (y, x) input pixels -> N x 2 (y, x) frame pixels."""
        return (np.asarray(yx, np.float64) - self.pad_yx) / self.scale_yx

    def affine_to_image(self, cell_pixels: float) -> np.ndarray:
        """The 2 x 3 matrix taking a grid's (column, row) cell, ``cell_pixels`` input pixels apart,
        to frame (x, y): what ``cv2.warpAffine`` needs to lay a heatmap over the frame."""
        (scale_y, scale_x), (top, left) = self.scale_yx, self.pad_yx
        return np.float32([[cell_pixels / scale_x, 0, -left / scale_x], [0, cell_pixels / scale_y, -top / scale_y]])
