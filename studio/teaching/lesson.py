"""What the page teaches, read off posenet_core: no decoding of its own.

Each function takes posenet_core's ``NetworkOutputs`` and returns the numbers a step
shows, each taken from posenet_core's parameters arithmetic, single-pose helpers,
decoders or multi-pose trace. Positions are (y, x) in network-input pixels, as the
network's tensors order them; ``NetworkOutputs.scale_yx`` maps them onto the picture.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

import posenet_core
from posenet_core import (
    PART_NAMES,
    PART_WORDS,
    POSE_CHAIN,
    Candidate,
    MultiPoseTrace,
    NetworkOutputs,
    Pose,
    WalkStep,
    argmax_cells,
    offset_vectors,
    params,
)
from studio.settings.demo import from_table

NUM_PARTS = len(PART_NAMES)


def yx_of(keypoint) -> tuple[float, float]:
    return keypoint.position.y, keypoint.position.x


# Step 1: the input size arithmetic -----------------------------------------------------


@dataclass(frozen=True)
class InputArithmetic:
    """Sizes as (height, width)."""

    scale_factor: float
    output_stride: int
    image_size: tuple[int, int]
    scaled_size: tuple[int, int]  # image size x scale factor, rounded
    input_size: tuple[int, int]  # the valid size the network was fed
    output_resolution: tuple[int, int]


def input_arithmetic(outputs: NetworkOutputs) -> InputArithmetic:
    """The article's input-size arithmetic for these outputs, checked against what posenet_core computed."""
    height, width = outputs.image_size
    stride = outputs.output_stride
    scaled = params.scaled_size(height, width, outputs.scale_factor)
    valid = tuple(params.valid_input_size(side, stride) for side in scaled)
    resolution = tuple(params.output_resolution(side, stride) for side in valid)
    if valid != outputs.input_size or resolution != outputs.output_resolution:
        raise RuntimeError(
            f"posenet_core's size arithmetic gives input {valid} and grid {resolution}, but the network was fed "
            f"{outputs.input_size} and returned {outputs.output_resolution}"
        )
    return InputArithmetic(outputs.scale_factor, stride, outputs.image_size, scaled, valid, resolution)


# Step 3: single-pose decoding ---------------------------------------------------------


@dataclass(frozen=True)
class PartReading:
    """One part of the single-pose decoding, as the article's steps 2 to 5 find it."""

    part: int
    name: str
    cell: tuple[int, int]  # heatmapPosition (y, x): the argmax cell
    offset_yx: tuple[float, float]  # offsetVector (dy, dx) read at that cell
    position_yx: tuple[float, float]  # keypointPosition in network-input pixels
    image_position_yx: tuple[float, float]  # in the picture's pixels
    score: float


@dataclass(frozen=True)
class SinglePoseLesson:
    readings: tuple[PartReading, ...]
    pose: Pose  # network-input pixels
    image_pose: Pose  # the picture's pixels


def single_pose_lesson(outputs: NetworkOutputs) -> SinglePoseLesson:
    """Step 3's numbers: each part's argmax cell, offset and position, and the decoded pose."""
    cells = argmax_cells(outputs.heatmap_scores)
    offsets = offset_vectors(outputs.offsets, cells)
    pose = posenet_core.decode_single_pose(outputs.heatmap_scores, outputs.offsets, output_stride=outputs.output_stride)
    image_pose = outputs.to_image(pose)
    readings = tuple(
        PartReading(
            part,
            PART_NAMES[part],
            (int(cells[part, 0]), int(cells[part, 1])),
            (float(offsets[part, 0]), float(offsets[part, 1])),
            yx_of(pose.keypoints[part]),
            yx_of(image_pose.keypoints[part]),
            pose.keypoints[part].score,
        )
        for part in range(NUM_PARTS)
    )
    return SinglePoseLesson(readings, pose, image_pose)


# Step 4: multi-pose decoding ----------------------------------------------------------


@dataclass(frozen=True)
class MultiPoseSettings:
    max_detections: int = from_table("max_detections")
    score_threshold: float = from_table("score_threshold")
    nms_radius: float = from_table("nms_radius")


@dataclass(frozen=True)
class RootCandidate:
    """One local maximum reaching the threshold, with what the decoder did with it."""

    rank: int  # 1 = strongest
    score: float
    part: int
    cell: tuple[int, int]
    considered: Candidate | None  # None: max detections were reached before its turn


@dataclass(frozen=True)
class WalkEvent:
    """One step of the stepper: a candidate considered, or one edge of a pose's walk."""

    candidate_number: int  # 1-based, in the order the decoder considered them
    candidate: Candidate
    step_number: int = 0  # 1-based within the pose's walk; 0 for the candidate itself
    step: WalkStep | None = None

    @property
    def pose_index(self) -> int | None:
        return self.candidate.pose_index


@dataclass(frozen=True)
class MultiPoseLesson:
    settings: MultiPoseSettings
    roots: tuple[RootCandidate, ...]
    trace: MultiPoseTrace
    poses: tuple[Pose, ...]  # network-input pixels, in the order found
    image_poses: tuple[Pose, ...]
    events: tuple[WalkEvent, ...]

    def poses_before(self, event: WalkEvent) -> int:
        """How many poses were complete when ``event``'s candidate was considered."""
        earlier = self.trace.candidates[: event.candidate_number - 1]
        return sum(c.pose_index is not None for c in earlier)

    def walked_before(self, event: WalkEvent) -> list[WalkStep]:
        """The steps of ``event``'s pose done before it (the pose's walk so far)."""
        if event.pose_index is None:
            return []
        return list(self.trace.walks[event.pose_index][: max(event.step_number - 1, 0)])

    def source_position(self, event: WalkEvent) -> tuple[float, float]:
        """Where the walk step started: the source part of the pose being built."""
        return yx_of(self.poses[event.pose_index].keypoints[event.step.source_part])

    def blocking_keypoint(self, candidate: Candidate) -> tuple[float, float]:
        """The same part of the accepted pose that made the decoder skip ``candidate``."""
        return yx_of(self.poses[candidate.blocked_by].keypoints[candidate.part])

    @property
    def skipped_count(self) -> int:
        return sum(c.blocked_by is not None for c in self.trace.candidates)


def walk_events(trace: MultiPoseTrace) -> tuple[WalkEvent, ...]:
    events = []
    for number, candidate in enumerate(trace.candidates, start=1):
        events.append(WalkEvent(number, candidate))
        if candidate.pose_index is not None:
            steps = trace.walks[candidate.pose_index]
            events += [WalkEvent(number, candidate, i, step) for i, step in enumerate(steps, start=1)]
    return tuple(events)


def multi_pose_lesson(outputs: NetworkOutputs, settings: MultiPoseSettings) -> MultiPoseLesson:
    """Step 4's numbers: the candidate roots and every decision of the greedy decoding (posenet_core's trace)."""
    trace = MultiPoseTrace()
    poses = posenet_core.decode_multiple_poses(
        outputs.heatmap_scores,
        outputs.offsets,
        outputs.displacement_fwd,
        outputs.displacement_bwd,
        output_stride=outputs.output_stride,
        max_detections=settings.max_detections,
        score_threshold=settings.score_threshold,
        nms_radius=settings.nms_radius,
        trace=trace,
    )
    scores, ys, xs, parts = posenet_core.candidate_roots(outputs.heatmap_scores, settings.score_threshold)
    roots = tuple(
        RootCandidate(rank, score, part, (y, x), trace.candidates[rank - 1] if rank <= len(trace.candidates) else None)
        for rank, (score, y, x, part) in enumerate(
            zip(scores.tolist(), ys.tolist(), xs.tolist(), parts.tolist()), start=1
        )
    )
    for root in roots:  # the trace considers candidate_roots' list in order; say so if that ever changes
        if root.considered is not None and (root.considered.part, root.considered.cell) != (root.part, root.cell):
            raise RuntimeError(f"the decoder's candidate {root.rank} is not candidate_roots' {root.rank}")
    image_poses = tuple(outputs.to_image(pose) for pose in poses)
    return MultiPoseLesson(settings, roots, trace, tuple(poses), image_poses, walk_events(trace))


def edge_name(edge: int) -> str:
    parent, child = POSE_CHAIN[edge]
    return f"{PART_WORDS[parent]} → {PART_WORDS[child]}"


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Euclidean distance of two posenet_core positions, to say how far inside a disk a point is."""
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))


# Step 5: the same frame at every output stride ----------------------------------------


TIMED_RUNS = 3


@dataclass(frozen=True)
class StrideRun:
    outputs: NetworkOutputs
    image_poses: tuple[Pose, ...]
    timings_ms: dict  # resize, network, decode


def run_at_stride(
    net: posenet_core.PoseNet, image, scale_factor: float, output_stride: int, multi_pose: MultiPoseSettings | None
) -> StrideRun:
    """Time one frame at one stride; ``multi_pose`` None decodes a single pose."""
    net.predict(image, scale_factor, output_stride)  # warm-up: a new input size builds an interpreter once
    runs = [net.predict(image, scale_factor, output_stride) for _ in range(TIMED_RUNS)]
    runs.sort(key=lambda o: o.timings_ms["network"])
    outputs = runs[len(runs) // 2]  # the median run: one busy moment on the server does not decide the comparison
    started = time.perf_counter()
    if multi_pose is None:
        poses = [net.single_pose_from(outputs)]
    else:
        m = multi_pose
        poses = net.multiple_poses_from(
            outputs, max_detections=m.max_detections, score_threshold=m.score_threshold, nms_radius=m.nms_radius
        )
    decode_ms = 1e3 * (time.perf_counter() - started)
    return StrideRun(outputs, tuple(poses), {**outputs.timings_ms, "decode": decode_ms})


# Step 6: matching a frame's poses to the previous frame's ------------------------------


@dataclass(frozen=True)
class TrackingLesson:
    """The last two of a run of video frames, as ``PoseTracker`` saw them. Positions are picture (x, y) pixels."""

    times: tuple[float, float]  # frame t-1's and frame t's, seconds
    before: tuple[Pose, ...]  # what the tracker returned at t-1: the people with their IDs
    decoded: tuple[Pose, ...]  # frame t's poses as the multi-pose decoder returned them (score order)
    trace: posenet_core.MatchTrace  # frame t's matching
    after: tuple[Pose, ...]  # what the tracker returned at t
    tracker: posenet_core.PoseTracker  # its settings (min_pose_score, oks_weight, min_hits, max_age...)


def tracking_lesson(frames_poses, times, tracker: posenet_core.PoseTracker) -> TrackingLesson:
    """Feeds the frames' decoded poses (in order, with their times) to ``tracker``; the last frame is traced."""
    if len(frames_poses) < 2 or len(frames_poses) != len(times):
        raise ValueError("tracking_lesson needs two frames or more, each with its time")
    returned = [tracker.update(poses, t) for poses, t in zip(frames_poses[:-1], times[:-1])]
    trace = posenet_core.MatchTrace()
    after = tracker.update(frames_poses[-1], times[-1], trace=trace)
    return TrackingLesson(
        (times[-2], times[-1]), tuple(returned[-1]), tuple(frames_poses[-1]), trace, tuple(after), tracker
    )
