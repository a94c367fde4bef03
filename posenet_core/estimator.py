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
    """What the network saw and said about one image (arrays are H' x W' x C)."""

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
        return self.heatmap_scores.shape[0], self.heatmap_scores.shape[1]

    @property
    def scale_yx(self) -> tuple[float, float]:
        """Multiply a network-input (y, x) by this to get original-image pixels."""
        return self.image_size[0] / self.input_size[0], self.image_size[1] / self.input_size[1]

    def to_image(self, pose: Pose, *, flip_horizontal: bool = False) -> Pose:
        """A pose decoded in network-input pixels, in original-image pixels."""
        scale_y, scale_x = self.scale_yx
        return pose.scaled(scale_x, scale_y, flip_width=self.image_size[1] if flip_horizontal else None)


class PoseNet:
    """The article's API. Thread safe; share one instance across threads and sessions."""

    def __init__(self, network: Network | None = None):
        self.network = network or Network()

    def predict(self, image, scale_factor=params.DEFAULT_SCALE_FACTOR, output_stride=params.DEFAULT_OUTPUT_STRIDE):
        """The raw outputs for one RGB uint8 image."""
        scale_factor = params.check_scale_factor(scale_factor)
        output_stride = params.check_output_stride(output_stride)
        image = params.as_rgb_image(image)
        height, width = image.shape[:2]
        input_h, input_w = params.network_input_size(height, width, scale_factor, output_stride)

        started = time.perf_counter()
        resized = cv2.resize(image, (input_w, input_h), interpolation=cv2.INTER_LINEAR)
        batch = (resized.astype(np.float32) * (1 / 127.5) - 1.0)[None]
        resized_at = time.perf_counter()
        raw = self.network.run(batch, output_stride)
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


def load(*, num_threads: int | None = None) -> PoseNet:
    """PoseNet MobileNetV1 0.75 from the weights shipped in this package; no network access."""
    network = Network(num_threads=num_threads)
    network.warm_up((params.DEFAULT_OUTPUT_STRIDE,))  # fail here, not on the first frame
    return PoseNet(network)
