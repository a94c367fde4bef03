"""Multi-pose decoding: PersonLab's fast greedy decoding, as in PoseNet.

1. Candidate roots: every (cell, part) whose score reaches the threshold and is the
   maximum of its 3 x 3 neighbourhood, strongest first.
2. A candidate lying within ``nms_radius`` of the same part of an accepted pose is skipped.
3. From the root, the other parts are found by walking the 16-edge pose chain: first
   backwards (child -> parent, backward displacements), then forwards (parent -> child,
   forward displacements). Each step follows the displacement, then snaps twice to
   the nearest cell and its offset for the target part.
4. A pose's score counts only the parts not already claimed (within the radius) by an
   earlier pose, divided by 17.

All positions are in the network input's pixels. Pass a ``MultiPoseTrace`` to record
every decision for teaching; decoding is the same with or without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .grid import check_tensor, nearest_cell
from .params import check_multi_pose_params, check_output_stride
from .parts import NUM_EDGES, NUM_KEYPOINTS, POSE_CHAIN
from .pose import Pose

OFFSET_REFINE_STEPS = 2


@dataclass(frozen=True)
class Candidate:
    """A candidate root the decoder considered (``MultiPoseTrace``): a part's local maximum.

    Cells are (y, x) = (row, column) of the output grid; positions are network-input pixels.
    """

    score: float
    part: int  # index into PART_NAMES
    cell: tuple[int, int]  # (y, x)
    position_yx: tuple[float, float]  # cell * stride + offset, network-input pixels
    blocked_by: int | None = None  # index of the accepted pose whose same part is within the NMS radius
    pose_index: int | None = None  # index of the pose it became the root of


@dataclass(frozen=True)
class WalkStep:
    """One edge of the chain walk, with every intermediate point.

    Cells are (y, x) = (row, column) of the output grid; positions and vectors are (y, x)
    network-input pixels. ``edge`` indexes ``POSE_CHAIN``; parts index ``PART_NAMES``.
    """

    edge: int
    direction: str  # "backward" or "forward"
    source_part: int
    target_part: int
    source_cell: tuple[int, int]
    displacement_yx: tuple[float, float]  # (dy, dx) read at source_cell
    displaced_yx: tuple[float, float]  # the source moved by the displacement
    snaps: tuple[tuple[tuple[int, int], tuple[float, float]], ...]  # (cell, position_yx) per refinement
    final_cell: tuple[int, int]
    score: float


@dataclass
class MultiPoseTrace:
    """Every decision of one ``decode_multiple_poses`` call; pass an empty one in as ``trace``."""

    candidates: list[Candidate] = field(default_factory=list)  # in the order they were considered
    walks: list[list[WalkStep]] = field(default_factory=list)  # one list per accepted pose


def candidate_roots(heatmap_scores: np.ndarray, score_threshold: float) -> tuple[np.ndarray, ...]:
    """Step 1: the candidate roots, every (cell, part) that is its 3 x 3 neighbourhood's maximum.

    Args:
        heatmap_scores: H x W x 17 part scores.
        score_threshold: Only cells scoring at least this (0..1).

    Returns:
        (scores, ys, xs, parts): four equal-length arrays, strongest first (ties in cell order).
    """
    # A 3 x 3 max filter, done separably on a -inf padded copy (no scipy needed).
    padded = np.pad(heatmap_scores, ((1, 1), (1, 1), (0, 0)), constant_values=-np.inf)
    rows = np.maximum(np.maximum(padded[:-2], padded[1:-1]), padded[2:])
    neighbourhood_max = np.maximum(np.maximum(rows[:, :-2], rows[:, 1:-1]), rows[:, 2:])
    ys, xs, parts = np.nonzero((heatmap_scores >= score_threshold) & (heatmap_scores >= neighbourhood_max))
    scores = heatmap_scores[ys, xs, parts]
    order = np.argsort(-scores, kind="stable")
    return scores[order], ys[order], xs[order], parts[order]


class _Grid:
    """The network outputs with the nearest-cell and offset look-ups the walk needs."""

    def __init__(self, scores, offsets, output_stride):
        self.scores, self.offsets, self.stride = scores, offsets, output_stride
        self.height, self.width = scores.shape[:2]

    def nearest_cell(self, y: float, x: float) -> tuple[int, int]:
        return nearest_cell(y, x, self.stride, self.height, self.width)

    def keypoint_at(self, cell: tuple[int, int], part: int) -> tuple[float, float]:
        cy, cx = cell
        return (
            cy * self.stride + float(self.offsets[cy, cx, part]),
            cx * self.stride + float(self.offsets[cy, cx, part + NUM_KEYPOINTS]),
        )


def _walk_edge(grid: _Grid, displacements, edge, direction, source_part, target_part, source) -> WalkStep:
    source_cell = grid.nearest_cell(*source)
    dy = float(displacements[source_cell[0], source_cell[1], edge])
    dx = float(displacements[source_cell[0], source_cell[1], edge + NUM_EDGES])
    displaced = (source[0] + dy, source[1] + dx)
    point, snaps = displaced, []
    for _ in range(OFFSET_REFINE_STEPS):
        cell = grid.nearest_cell(*point)
        point = grid.keypoint_at(cell, target_part)
        snaps.append((cell, point))
    final_cell = grid.nearest_cell(*point)
    score = float(grid.scores[final_cell[0], final_cell[1], target_part])
    return WalkStep(
        edge, direction, source_part, target_part, source_cell, (dy, dx), displaced, tuple(snaps), final_cell, score
    )


def _decode_pose(grid, displacement_fwd, displacement_bwd, root_part, root_position, root_score):
    positions = np.zeros((NUM_KEYPOINTS, 2))
    scores = np.zeros(NUM_KEYPOINTS)
    filled = [False] * NUM_KEYPOINTS
    positions[root_part], scores[root_part], filled[root_part] = root_position, root_score, True
    steps = []
    walks = [
        ("backward", displacement_bwd, edge, child, parent)
        for edge, (parent, child) in reversed(list(enumerate(POSE_CHAIN)))
    ]
    walks += [("forward", displacement_fwd, edge, parent, child) for edge, (parent, child) in enumerate(POSE_CHAIN)]
    for direction, displacements, edge, source, target in walks:
        if filled[source] and not filled[target]:
            step = _walk_edge(grid, displacements, edge, direction, source, target, tuple(positions[source]))
            positions[target], scores[target], filled[target] = step.snaps[-1][1], step.score, True
            steps.append(step)
    return positions, scores, steps


def decode_multiple_poses(
    heatmap_scores,
    offsets,
    displacement_fwd,
    displacement_bwd,
    *,
    output_stride: int = 16,
    max_detections: int = 5,
    score_threshold: float = 0.5,
    nms_radius: float = 20,
    trace: MultiPoseTrace | None = None,
) -> list[Pose]:
    """PersonLab's fast greedy decoding, as in PoseNet (the module docstring has the steps).

    As in the original library the threshold applies to each pose's root part, so a
    returned pose may score lower overall: filter by ``pose.score`` for display.

    Args:
        heatmap_scores: H x W x 17 part scores after the sigmoid.
        offsets: H x W x 34 offsets, network-input pixels.
        displacement_fwd: H x W x 32 parent -> child displacements, network-input pixels.
        displacement_bwd: H x W x 32 child -> parent displacements.
        output_stride: 8, 16 or 32, as the outputs were made with.
        max_detections: At most this many poses, at least 1.
        score_threshold: 0..1; a root's cell must score at least this.
        nms_radius: Network-input pixels, more than 0: a root this close to the same part of a
            pose already found is skipped, and parts this close count only for the first pose.
        trace: If given, filled with every candidate considered and every walk step.

    Returns:
        Up to ``max_detections`` poses in network-input pixels, in the order found (strongest root
        first); each score is the sum of its unclaimed part scores divided by 17.

    Raises:
        ValueError: A tensor of the wrong shape or an argument out of range.
    """
    output_stride = check_output_stride(output_stride)
    max_detections, score_threshold, nms_radius = check_multi_pose_params(max_detections, score_threshold, nms_radius)
    heatmap_scores = check_tensor("heatmap_scores", heatmap_scores, NUM_KEYPOINTS)
    offsets = check_tensor("offsets", offsets, 2 * NUM_KEYPOINTS, like=heatmap_scores)
    displacement_fwd = check_tensor("displacement_fwd", displacement_fwd, 2 * NUM_EDGES, like=heatmap_scores)
    displacement_bwd = check_tensor("displacement_bwd", displacement_bwd, 2 * NUM_EDGES, like=heatmap_scores)

    grid = _Grid(heatmap_scores, offsets, output_stride)
    squared_radius = nms_radius**2
    accepted = np.zeros((0, NUM_KEYPOINTS, 2))  # positions (y, x) of the poses found so far
    poses = []
    for score, y, x, part in zip(*(a.tolist() for a in candidate_roots(heatmap_scores, score_threshold))):
        if len(poses) >= max_detections:
            break
        root = grid.keypoint_at((y, x), part)
        near = np.nonzero(((accepted[:, part] - root) ** 2).sum(axis=1) <= squared_radius)[0]
        if len(near):
            if trace is not None:
                trace.candidates.append(Candidate(score, part, (y, x), root, blocked_by=int(near[0])))
            continue
        positions, scores, steps = _decode_pose(grid, displacement_fwd, displacement_bwd, part, root, score)
        claimed = (((accepted - positions) ** 2).sum(axis=2) <= squared_radius).any(axis=0)
        pose_score = scores[~claimed].sum() / NUM_KEYPOINTS
        if trace is not None:
            trace.candidates.append(Candidate(score, part, (y, x), root, pose_index=len(poses)))
            trace.walks.append(steps)
        poses.append(Pose.from_arrays(pose_score, positions, scores))
        accepted = np.concatenate([accepted, positions[None]])
    return poses
