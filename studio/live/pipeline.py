"""One video frame through PoseNet: estimate, draw the chosen view, time every stage.

Plain Python (no Streamlit), shared by the live stream, the sample sources and the tests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

import posenet_core
from posenet_core import Pose
from studio.live.stream_tracker import StreamTracker
from studio.settings.demo import DemoSettings


@dataclass(frozen=True)
class FrameReport:
    poses: list[Pose]  # as drawn: in frame pixels, mirrored if flip is on, above the pose threshold
    timings_ms: dict[str, float]  # resize, network, decode, render, total
    input_size: tuple[int, int]
    output_resolution: tuple[int, int]
    all_pose_scores: list[float] = field(default_factory=list)  # every decoded pose, before the display filter


def estimate(net: posenet_core.PoseNet, outputs: posenet_core.NetworkOutputs, settings: DemoSettings) -> list[Pose]:
    """Poses in frame pixels, not mirrored (the raw-output views need them that way)."""
    if settings.multi_pose:
        return net.multiple_poses_from(
            outputs,
            flip_horizontal=False,
            max_detections=settings.max_detections,
            score_threshold=settings.score_threshold,
            nms_radius=settings.nms_radius,
        )
    return [net.single_pose_from(outputs)]


def draw_view(image: np.ndarray, outputs, poses: list[Pose], settings: DemoSettings) -> np.ndarray:
    """The raw-output picture under the skeleton, in the camera's own orientation."""
    if settings.view == "heatmap":
        return posenet_core.draw_heatmap(image, outputs, settings.heatmap_part)
    if settings.view == "offsets":
        return posenet_core.draw_offset_vectors(
            posenet_core.draw_stride_grid(image, outputs), outputs, min_score=settings.vector_min_score
        )
    if settings.view == "displacements":
        return posenet_core.draw_displacement_vectors(
            image, outputs, poses, min_part_confidence=settings.min_part_confidence
        )
    return image


def draw_legend(picture: np.ndarray, settings: DemoSettings) -> np.ndarray:
    """The view's key in a corner, drawn last: after mirroring, so its text reads the right way round."""
    if settings.view == "heatmap":
        return posenet_core.draw_heatmap_legend(picture, settings.heatmap_part)
    if settings.view == "offsets":
        return posenet_core.draw_offset_legend(picture, min_score=settings.vector_min_score)
    if settings.view == "displacements":
        return posenet_core.draw_displacement_legend(picture)
    return picture


def process_frame(
    net: posenet_core.PoseNet,
    image: np.ndarray,
    settings: DemoSettings,
    tracker: StreamTracker | None = None,
    timestamp: float = 0.0,
) -> tuple[np.ndarray, FrameReport]:
    """``tracker`` (one per stream) and the frame's ``timestamp`` in seconds: IDs and smoothing, as ``settings`` say."""
    started = time.perf_counter()
    outputs = net.predict(image, settings.scale_factor, settings.output_stride)
    decode_started = time.perf_counter()
    poses = estimate(net, outputs, settings)
    render_started = time.perf_counter()

    shown = [p for p in poses if p.score >= settings.min_pose_confidence]
    if tracker is not None:
        shown = tracker.update(shown, timestamp, settings)
    picture = draw_view(image, outputs, shown, settings)
    if settings.flip_horizontal:
        # A mirror view, as a webcam preview is expected to look: mirror the frame and
        # the poses together, so the skeleton stays on the body and labels read normally.
        picture = cv2.flip(picture, 1)  # 0.1 ms at 640x480; a NumPy copy of picture[:, ::-1] took 1.4
        shown = [p.scaled(1.0, 1.0, flip_width=image.shape[1]) for p in shown]
    picture = posenet_core.draw_poses(
        picture,
        shown,
        min_part_confidence=settings.min_part_confidence,
        boxes=settings.show_boxes,
        scores=settings.show_scores
        and (settings.multi_pose or any(p.track_id is not None for p in shown)),  # "#ID score"
    )
    picture = draw_legend(picture, settings)
    finished = time.perf_counter()

    timings = dict(outputs.timings_ms)
    timings["decode"] = 1e3 * (render_started - decode_started)
    timings["render"] = 1e3 * (finished - render_started)
    timings["total"] = 1e3 * (finished - started)
    report = FrameReport(shown, timings, outputs.input_size, outputs.output_resolution, [p.score for p in poses])
    return picture, report
