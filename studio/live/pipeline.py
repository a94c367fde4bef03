"""One video frame through the chosen model: estimate, draw the chosen view, time every stage.

PoseNet (the default) is the page's own instance, passed in; a successor (MoveNet, BlazePose) is
loaded once per process by ``posenet_core.load_estimator`` the first time a stream asks for it, so
a model picked on the page applies at the stream's next frame. BlazePose places each frame's crop
from the stream's previous frame (kept by its ``StreamTracker``), as MediaPipe tracks.

Plain Python (no Streamlit), shared by the live stream, the sample sources and the tests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

import posenet_core
from posenet_core import LeftOut, Pose
from posenet_core.successors.blazepose import BlazePoseOutputs
from posenet_core.successors.draw import draw_movenet_centres, draw_movenet_heatmap
from posenet_core.successors.draw_blazepose import draw_blazepose_heatmap
from posenet_core.successors.movenet import MoveNetOutputs
from studio.live.stream_tracker import StreamTracker
from studio.settings.demo import DemoSettings


@dataclass(frozen=True)
class FrameReport:
    poses: list[Pose]  # as drawn: in frame pixels, mirrored if flip is on, above the pose threshold
    timings_ms: dict[str, float]  # resize, network, decode, render, total
    input_size: tuple[int, int]
    output_resolution: tuple[int, int]
    all_pose_scores: list[float] = field(default_factory=list)  # every decoded pose, before the display filter
    model: str = posenet_core.DEFAULT_MODEL
    min_pose_confidence: float = 0.0  # the display filter: poses scoring less are not drawn
    left_out: LeftOut = field(default_factory=LeftOut)  # above it, yet not drawn by the tracker: how many, why


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


def previous_for(tracker: StreamTracker | None) -> BlazePoseOutputs | None:
    """The stream's last BlazePose outputs to track this frame's crop from (None: detect afresh)."""
    last = tracker.last_outputs if tracker is not None else None
    return last if isinstance(last, BlazePoseOutputs) else None


def predict_and_estimate(
    net: posenet_core.PoseNet, image: np.ndarray, settings: DemoSettings, previous: BlazePoseOutputs | None = None
):
    """(outputs, poses, seconds when decoding started): the chosen model's raw outputs and its
    poses in frame pixels, not mirrored. ``previous``: the stream's last BlazePose outputs."""
    if settings.model == posenet_core.DEFAULT_MODEL:
        outputs = net.predict(image, settings.scale_factor, settings.output_stride, precision=settings.precision)
        decode_started = time.perf_counter()
        return outputs, estimate(net, outputs, settings), decode_started
    # As many threads as the app gave PoseNet (studio.model): the turns keep every core busy.
    successor = posenet_core.load_estimator(settings.model, num_threads=net.network.num_threads)
    outputs = successor.predict(image, previous) if successor.info.tracks_crop else successor.predict(image)
    decode_started = time.perf_counter()
    return outputs, successor.poses_from(outputs), decode_started


def draw_view(image: np.ndarray, outputs, poses: list[Pose], settings: DemoSettings) -> np.ndarray:
    """The raw-output picture under the skeleton, in the camera's own orientation."""
    if isinstance(outputs, BlazePoseOutputs):  # its view: the heatmaps over its crop
        return draw_blazepose_heatmap(image, outputs, settings.heatmap_part) if settings.view == "heatmap" else image
    if isinstance(outputs, MoveNetOutputs):  # its views: keypoint heatmaps and person centres
        if settings.view == "heatmap":
            return draw_movenet_heatmap(image, outputs, settings.heatmap_part)
        return draw_movenet_centres(image, outputs) if settings.view == "centres" else image
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
    if settings.view == "centres":
        return posenet_core.draw_score_legend(picture, "person centre score")
    return picture


def process_frame(
    net: posenet_core.PoseNet,
    image: np.ndarray,
    settings: DemoSettings,
    tracker: StreamTracker | None = None,
    timestamp: float = 0.0,
) -> tuple[np.ndarray, FrameReport]:
    """``tracker`` (one per stream) and the frame's ``timestamp`` in seconds: IDs and smoothing, as
    ``settings`` says."""
    started = time.perf_counter()
    outputs, poses, decode_started = predict_and_estimate(net, image, settings, previous_for(tracker))
    if tracker is not None:
        tracker.last_outputs = outputs
    render_started = time.perf_counter()

    shown = [p for p in poses if p.score >= settings.min_pose_confidence]
    left_out = LeftOut()
    if tracker is not None:
        shown = tracker.update(shown, timestamp, settings)
        left_out = tracker.left_out
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
    if settings.show_angles:
        picture = posenet_core.draw_joint_angles(picture, shown, min_part_confidence=settings.min_part_confidence)
    picture = draw_legend(picture, settings)
    finished = time.perf_counter()

    timings = dict(outputs.timings_ms)
    timings["decode"] = 1e3 * (render_started - decode_started)
    timings["render"] = 1e3 * (finished - render_started)
    timings["total"] = 1e3 * (finished - started)
    report = FrameReport(
        shown,
        timings,
        outputs.input_size,
        outputs.output_resolution,
        [p.score for p in poses],
        settings.model,
        settings.min_pose_confidence,
        left_out,
    )
    return picture, report
