"""PoseNet on images: resize, run the network, decode, map back to the image."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from . import params
from .multi_pose import MultiPoseTrace, decode_multiple_poses
from .network import Network
from .pose import Pose
from .single_pose import decode_single_pose


@dataclass(frozen=True)
class NetworkOutputs:
    """What the network saw and said about one image: its raw tensors and the sizes that map them back.

    Arrays are H' x W' x C float32 on the output grid (H' x W' cells, ``output_resolution``).
    Cell (i, j) sits at network-input pixel (y, x) = (i * output_stride, j * output_stride);
    ``scale_yx`` takes network-input pixels to original-image pixels.

    Attributes:
        heatmap_scores: 17 channels, one per part (``PART_NAMES`` order), after the sigmoid: 0..1.
        offsets: 34 channels, network-input pixels: dy of part k in channel k, dx in 17 + k.
        displacement_fwd: 32 channels, network-input pixels: dy of ``POSE_CHAIN`` edge e (parent ->
            child) in channel e, dx in 16 + e.
        displacement_bwd: The same for child -> parent.
        output_stride: Network-input pixels per output cell: 8, 16 or 32.
        scale_factor: The image scale factor the image was resized by before the network.
        input_size: (height, width) in pixels fed to the network.
        image_size: (height, width) in pixels of the original image.
        timings_ms: Milliseconds spent on "resize" and "network".
    """

    heatmap_scores: np.ndarray  # 17 channels, after the sigmoid
    offsets: np.ndarray  # 34 channels: y of part k in channel k, x in 17 + k
    displacement_fwd: np.ndarray  # 32 channels: y of edge e in channel e, x in 16 + e
    displacement_bwd: np.ndarray
    output_stride: int
    scale_factor: float
    input_size: tuple[int, int]  # (height, width) fed to the network
    image_size: tuple[int, int]  # (height, width) of the original image
    timings_ms: dict = field(default_factory=dict)  # "resize", "network"

    @property
    def output_resolution(self) -> tuple[int, int]:
        """(rows, columns) of the output grid: ``((input_size - 1) / output_stride) + 1`` per side."""
        return self.heatmap_scores.shape[0], self.heatmap_scores.shape[1]

    @property
    def scale_yx(self) -> tuple[float, float]:
        """(scale_y, scale_x): multiply a network-input (y, x) by these to get original-image pixels."""
        return self.image_size[0] / self.input_size[0], self.image_size[1] / self.input_size[1]

    def to_image(self, pose: Pose, *, flip_horizontal: bool = False) -> Pose:
        """A pose decoded in network-input pixels, moved to original-image pixels.

        Args:
            pose: Positions in network-input pixels (as ``decode_*`` return them).
            flip_horizontal: Mirror x as well (``x -> image width - 1 - x``), for a mirrored preview.

        Returns:
            The same pose with positions in original-image pixels; scores unchanged.
        """
        scale_y, scale_x = self.scale_yx
        return pose.scaled(scale_x, scale_y, flip_width=self.image_size[1] if flip_horizontal else None)


class PoseNet:
    """The article's API: estimate poses in RGB images. Thread safe; share one instance.

    Args:
        network: The MobileNetV1 to run; by default the vendored weights (``load()`` also warms it up).
    """

    def __init__(self, network: Network | None = None):
        self.network = network or Network()

    def predict(
        self,
        image,
        scale_factor=params.DEFAULT_SCALE_FACTOR,
        output_stride=params.DEFAULT_OUTPUT_STRIDE,
        *,
        precision: str | None = None,
    ):
        """Run the network on one image and return its raw outputs, for decoding or drawing.

        Args:
            image: H x W x 3 uint8 RGB (grey H x W [x 1] and RGBA are converted).
            scale_factor: Resize factor before the network, 0.2 to 1.0; smaller is faster, less precise.
            output_stride: 8, 16 or 32 network-input pixels per output cell; smaller is finer, slower.
            precision: "float" or "int8" for this image; None: the one ``load`` was given.

        Returns:
            The ``NetworkOutputs``, with the sizes that map them back onto ``image``.

        Raises:
            ValueError: ``image`` is not an RGB uint8 array of at least 2 x 2, an argument is out of
                range, or the image is too small for the scale factor and stride.
        """
        scale_factor = params.check_scale_factor(scale_factor)
        output_stride = params.check_output_stride(output_stride)
        precision = params.check_precision(precision or self.network.precision)
        image = params.as_rgb_image(image)
        height, width = image.shape[:2]
        input_h, input_w = params.network_input_size(height, width, scale_factor, output_stride)

        started = time.perf_counter()
        resized = cv2.resize(image, (input_w, input_h), interpolation=cv2.INTER_LINEAR)
        batch = resized.astype(np.float32)[None]
        batch *= 1 / 127.5  # in place, same float32 arithmetic: two fresh 1 MB temporaries per
        batch -= 1.0  # frame cost 0.5 ms more (new pages to fault in), more than the resize itself
        resized_at = time.perf_counter()
        raw = self.network.run(batch, output_stride, precision)
        finished = time.perf_counter()
        return NetworkOutputs(
            **raw,
            output_stride=output_stride,
            scale_factor=scale_factor,
            input_size=(input_h, input_w),
            image_size=(height, width),
            timings_ms={"resize": 1e3 * (resized_at - started), "network": 1e3 * (finished - resized_at)},
        )

    @staticmethod
    def single_pose_from(outputs: NetworkOutputs, *, flip_horizontal: bool = False) -> Pose:
        """Decode one pose (each part's best cell) from ``predict``'s outputs.

        Args:
            outputs: What ``predict`` returned for the image.
            flip_horizontal: Mirror the positions (``x -> width - 1 - x``).

        Returns:
            The pose in original-image pixels; its score is the mean of the 17 part scores.
        """
        pose = decode_single_pose(outputs.heatmap_scores, outputs.offsets, output_stride=outputs.output_stride)
        return outputs.to_image(pose, flip_horizontal=flip_horizontal)

    @staticmethod
    def multiple_poses_from(
        outputs: NetworkOutputs,
        *,
        flip_horizontal: bool = False,
        max_detections=params.DEFAULT_MAX_DETECTIONS,
        score_threshold=params.DEFAULT_SCORE_THRESHOLD,
        nms_radius=params.DEFAULT_NMS_RADIUS,
        trace: MultiPoseTrace | None = None,
    ) -> list[Pose]:
        """Decode several poses from ``predict``'s outputs (see ``decode_multiple_poses``).

        Args:
            outputs: What ``predict`` returned for the image.
            flip_horizontal: Mirror the positions (``x -> width - 1 - x``).
            max_detections: At most this many poses, at least 1.
            score_threshold: 0..1; a part's cell must score this much to start a pose.
            nms_radius: Network-input pixels; a candidate this close to the same part of a pose
                already found is skipped.
            trace: If given, filled with every decision (for teaching).

        Returns:
            Poses in original-image pixels, strongest root first. Filter by ``pose.score`` for display.

        Raises:
            ValueError: An argument is out of range.
        """
        poses = decode_multiple_poses(
            outputs.heatmap_scores,
            outputs.offsets,
            outputs.displacement_fwd,
            outputs.displacement_bwd,
            output_stride=outputs.output_stride,
            max_detections=max_detections,
            score_threshold=score_threshold,
            nms_radius=nms_radius,
            trace=trace,
        )
        return [outputs.to_image(pose, flip_horizontal=flip_horizontal) for pose in poses]

    def estimate_single_pose(
        self,
        image,
        *,
        scale_factor=params.DEFAULT_SCALE_FACTOR,
        flip_horizontal=False,
        output_stride=params.DEFAULT_OUTPUT_STRIDE,
    ) -> Pose:
        """The article's ``estimateSinglePose``: one pose in an image.

        Args:
            image: H x W x 3 uint8 RGB (grey and RGBA are converted).
            scale_factor: Resize factor before the network, 0.2 to 1.0.
            flip_horizontal: Mirror the positions (``x -> width - 1 - x``), for a mirrored webcam.
            output_stride: 8, 16 or 32.

        Returns:
            The pose, positions in ``image``'s pixels.

        Raises:
            ValueError: A bad image or an argument out of range (the message names it).
        """
        return self.single_pose_from(self.predict(image, scale_factor, output_stride), flip_horizontal=flip_horizontal)

    def estimate_multiple_poses(
        self,
        image,
        *,
        scale_factor=params.DEFAULT_SCALE_FACTOR,
        flip_horizontal=False,
        output_stride=params.DEFAULT_OUTPUT_STRIDE,
        max_detections=params.DEFAULT_MAX_DETECTIONS,
        score_threshold=params.DEFAULT_SCORE_THRESHOLD,
        nms_radius=params.DEFAULT_NMS_RADIUS,
    ) -> list[Pose]:
        """The article's ``estimateMultiplePoses``: every person in an image.

        Args:
            image: H x W x 3 uint8 RGB (grey and RGBA are converted).
            scale_factor: Resize factor before the network, 0.2 to 1.0.
            flip_horizontal: Mirror the positions (``x -> width - 1 - x``).
            output_stride: 8, 16 or 32.
            max_detections: At most this many poses, at least 1.
            score_threshold: 0..1; applies to each pose's root part, so filter by ``pose.score`` too.
            nms_radius: Network-input pixels between the same part of two poses, more than 0.

        Returns:
            Poses in ``image``'s pixels, in the order found (strongest root first).

        Raises:
            ValueError: A bad image or an argument out of range, before the network runs.
        """
        # Check the decoder's arguments before spending time on the network.
        params.check_multi_pose_params(max_detections, score_threshold, nms_radius)
        outputs = self.predict(image, scale_factor, output_stride)
        return self.multiple_poses_from(
            outputs,
            flip_horizontal=flip_horizontal,
            max_detections=max_detections,
            score_threshold=score_threshold,
            nms_radius=nms_radius,
        )


def load(*, num_threads: int | None = None, precision: str = params.DEFAULT_PRECISION) -> PoseNet:
    """PoseNet MobileNetV1 0.75 from the weights shipped in this package; no network access.

    Args:
        num_threads: CPU threads for the network; None lets the runtime choose.
        precision: "float" (the reference) or "int8" (quantized: a third of the size; see the README
            for its accuracy and speed).

    Returns:
        A ready ``PoseNet``, its default output stride already built (so the first frame is not slow).
    """
    network = Network(num_threads=num_threads, precision=params.check_precision(precision))
    network.warm_up((params.DEFAULT_OUTPUT_STRIDE,))  # fail here, not on the first frame
    return PoseNet(network)
