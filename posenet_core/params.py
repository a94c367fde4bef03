"""The article's parameters: defaults, allowed values, and the input-size arithmetic.

Every check raises a ``ValueError`` that names the argument and what is allowed, so a
caller (the CLI, a web page) can show the message as it is.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

OUTPUT_STRIDES = (8, 16, 32)  # the strides the network is built for (network.block_plan)
DEFAULT_SCALE_FACTOR = 0.5
SCALE_FACTOR_RANGE = (0.2, 1.0)
DEFAULT_OUTPUT_STRIDE = 16
DEFAULT_MAX_DETECTIONS = 5
DEFAULT_SCORE_THRESHOLD = 0.5
DEFAULT_NMS_RADIUS = 20.0
# Not the article's: the PoseNet demos draw no pose scoring less (the multi-pose decoder also returns
# low-score duplicates of the people it found). The live demo, the tracker and the command line share it.
DEFAULT_MIN_POSE_CONFIDENCE = 0.15
# The network's arithmetic: "float" (32-bit, the reference) or "int8" (post-training quantized,
# calibrated on the sample media; see build.py and the README's accuracy and speed figures).
PRECISIONS = ("float", "int8")
DEFAULT_PRECISION = "float"


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_output_stride(output_stride) -> int:
    """The output stride as an int; raises ValueError unless it is 8, 16 or 32."""
    if isinstance(output_stride, bool) or output_stride not in OUTPUT_STRIDES:
        raise ValueError(f"output_stride must be one of {', '.join(map(str, OUTPUT_STRIDES))}; got {output_stride!r}")
    return int(output_stride)


def check_precision(precision) -> str:
    """The network precision; raises ValueError unless it is one of ``PRECISIONS``."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}; got {precision!r}")
    return precision


def check_scale_factor(scale_factor) -> float:
    """The scale factor as a float; raises ValueError unless it is a number in ``SCALE_FACTOR_RANGE``."""
    low, high = SCALE_FACTOR_RANGE
    if not _is_real(scale_factor) or not low <= scale_factor <= high:
        raise ValueError(f"scale_factor must be a number from {low} to {high}; got {scale_factor!r}")
    return float(scale_factor)


def check_multi_pose_params(max_detections, score_threshold, nms_radius) -> tuple[int, float, float]:
    """The multi-pose settings, typed; raises ValueError naming the first one out of range."""
    if not isinstance(max_detections, numbers.Integral) or isinstance(max_detections, bool) or max_detections < 1:
        raise ValueError(f"max_detections must be a whole number of at least 1; got {max_detections!r}")
    if not _is_real(score_threshold) or not 0.0 <= score_threshold <= 1.0:
        raise ValueError(f"score_threshold must be a number from 0 to 1; got {score_threshold!r}")
    if not _is_real(nms_radius) or nms_radius <= 0:
        raise ValueError(f"nms_radius must be a positive number of pixels; got {nms_radius!r}")
    return int(max_detections), float(score_threshold), float(nms_radius)


def as_rgb_image(image) -> np.ndarray:
    """An H x W x 3 uint8 RGB array; grey (H x W, H x W x 1) and RGBA are converted."""
    if not isinstance(image, np.ndarray):
        raise ValueError(f"image must be a numpy array (H x W x 3, uint8 RGB); got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise ValueError(f"image must have dtype uint8 (pixel values 0-255); got {image.dtype}")
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in (1, 3, 4):
        raise ValueError(
            f"image must be H x W x 3 RGB (grey H x W and RGBA H x W x 4 are converted); got shape {image.shape}"
        )
    if image.shape[0] < 2 or image.shape[1] < 2:
        raise ValueError(f"image must be at least 2 x 2 pixels; got {image.shape[1]} x {image.shape[0]}")
    if image.shape[2] == 1:
        return np.repeat(image, 3, axis=2)
    return image[:, :, :3]


def valid_input_size(size: int, output_stride: int) -> int:
    """The size the network is fed for one side: whole output cells, ``(size - 1) % stride == 0``.

    Args:
        size: A side in pixels, after scaling.
        output_stride: 8, 16 or 32.

    Returns:
        ``size`` if already valid, else the next smaller valid size.
    """
    if (size - 1) % output_stride == 0:
        return size
    return (size // output_stride) * output_stride + 1


def output_resolution(input_size: int, output_stride: int) -> int:
    """The article's formula for one side: ``((InputImageSize - 1) / OutputStride) + 1`` cells.

    Args:
        input_size: A valid network-input side in pixels.
        output_stride: 8, 16 or 32.

    Returns:
        The number of output cells along that side.
    """
    return (input_size - 1) // output_stride + 1


def scaled_size(height: int, width: int, scale_factor: float) -> tuple[int, int]:
    """(height, width) times the scale factor, rounded half up (JavaScript's Math.round)."""
    return math.floor(height * scale_factor + 0.5), math.floor(width * scale_factor + 0.5)


def network_input_size(height: int, width: int, scale_factor: float, output_stride: int) -> tuple[int, int]:
    """The network-input size for an image: scaled (rounded half up), then made valid for the stride.

    Args:
        height: Image height in pixels.
        width: Image width in pixels.
        scale_factor: The image scale factor.
        output_stride: 8, 16 or 32.

    Returns:
        (height, width) in pixels fed to the network.

    Raises:
        ValueError: A side would be smaller than ``output_stride + 1`` pixels.
    """
    size = tuple(valid_input_size(side, output_stride) for side in scaled_size(height, width, scale_factor))
    if min(size) < output_stride + 1:
        raise ValueError(
            f"image too small: {width} x {height} at scale_factor {scale_factor} gives a "
            f"{size[1]} x {size[0]} network input; each side needs at least {output_stride + 1} pixels "
            f"after scaling (use a larger image, a larger scale_factor or a smaller output_stride)"
        )
    return size
