"""Multi-pose decoding (PersonLab fast greedy decoding) on hand-made 6 x 7 tensors.

Every expected number below is worked out by hand from the rules in DESIGN.md: a cell
(y, x) sits at (16 y, 16 x) in network-input pixels, the nearest cell of a point is
round-half-up(point / 16) clamped to the grid.
"""

from dataclasses import dataclass, field

import numpy as np
import pytest

import posenet_core
from posenet_core import PART_NAMES, POSE_CHAIN, MultiPoseTrace

ROWS, COLS, STRIDE = 6, 7, 16
PARTS, EDGES = 17, 16


def pid(name: str) -> int:
    return PART_NAMES.index(name)


def edge_id(parent: str, child: str) -> int:
    return POSE_CHAIN.index((pid(parent), pid(child)))


@dataclass
class Outputs:
    """The four network outputs, all zero until a test writes into them."""

    scores: np.ndarray = field(default_factory=lambda: np.zeros((ROWS, COLS, PARTS), np.float32))
    offsets: np.ndarray = field(default_factory=lambda: np.zeros((ROWS, COLS, 2 * PARTS), np.float32))
    fwd: np.ndarray = field(default_factory=lambda: np.zeros((ROWS, COLS, 2 * EDGES), np.float32))
    bwd: np.ndarray = field(default_factory=lambda: np.zeros((ROWS, COLS, 2 * EDGES), np.float32))

    def set_offset(self, cell, part: str, dy: float, dx: float) -> None:
        self.offsets[cell][pid(part)], self.offsets[cell][PARTS + pid(part)] = dy, dx

    @staticmethod
    def set_displacement(tensor, cell, edge: int, dy: float, dx: float) -> None:
        tensor[cell][edge], tensor[cell][EDGES + edge] = dy, dx

    def decode(self, trace=None, **params):
        return posenet_core.decode_multiple_poses(
            self.scores, self.offsets, self.fwd, self.bwd, output_stride=STRIDE, trace=trace, **params
        )

    def traced(self, **params):
        trace = MultiPoseTrace()
        return self.decode(trace, **params), trace


def xy(pose, part: str) -> tuple[float, float]:
    position = pose.keypoint(part).position
    return position.x, position.y


# --- candidate roots ---------------------------------------------------------------------


def candidate_scene() -> Outputs:
    outputs = Outputs()
    s = outputs.scores
    s[2, 2, pid("nose")] = 0.9
    s[2, 3, pid("nose")] = 0.8  # above the threshold, but next to 0.9: not a local maximum
    s[0, 5, pid("nose")] = 0.7  # two cells from 0.8: a second maximum of the same part
    s[2, 3, pid("leftEye")] = 0.85  # the neighbourhood is per part: the nose's 0.9 does not count
    s[5, 0, pid("leftEar")] = 0.95  # a corner cell: the border does not stop it
    s[3, 5, pid("leftShoulder")] = 0.4  # a maximum below the threshold
    s[0, 0, pid("rightShoulder")] = 0.5  # exactly at the threshold
    return outputs


def candidates(scores, threshold):
    found_scores, ys, xs, parts = posenet_core.candidate_roots(scores, threshold)
    return [(round(float(v), 4), int(y), int(x), PART_NAMES[p]) for v, y, x, p in zip(found_scores, ys, xs, parts)]


def test_candidate_roots_are_local_maxima_at_or_above_the_threshold_strongest_first():
    assert candidates(candidate_scene().scores, 0.5) == [
        (0.95, 5, 0, "leftEar"),
        (0.9, 2, 2, "nose"),
        (0.85, 2, 3, "leftEye"),
        (0.7, 0, 5, "nose"),
        (0.5, 0, 0, "rightShoulder"),
    ]


def test_candidate_roots_follow_the_threshold():
    scores = candidate_scene().scores
    assert candidates(scores, 0.86) == [(0.95, 5, 0, "leftEar"), (0.9, 2, 2, "nose")]
    assert (0.4, 3, 5, "leftShoulder") in candidates(scores, 0.3)
    assert (0.8, 2, 3, "nose") not in candidates(scores, 0.0)


def test_decoding_starts_one_pose_per_candidate_in_candidate_order():
    poses, trace = candidate_scene().traced(score_threshold=0.5, nms_radius=1)
    assert [(c.cell, PART_NAMES[c.part], c.pose_index) for c in trace.candidates] == [
        ((5, 0), "leftEar", 0),
        ((2, 2), "nose", 1),
        ((2, 3), "leftEye", 2),
        ((0, 5), "nose", 3),
        ((0, 0), "rightShoulder", 4),
    ]
    assert len(poses) == 5
    assert xy(poses[1], "nose") == (2 * STRIDE, 2 * STRIDE)


# --- non-maximum suppression -------------------------------------------------------------


def two_nose_roots(second_offset_x: float) -> Outputs:
    """Nose roots at cell (1, 1) -> (x=16, y=16) and cell (1, 3) -> (x=48 + offset, y=16)."""
    outputs = Outputs()
    outputs.scores[1, 1, pid("nose")] = 0.9
    outputs.scores[1, 3, pid("nose")] = 0.8
    outputs.set_offset((1, 3), "nose", 0.0, second_offset_x)
    return outputs


def test_a_candidate_within_the_nms_radius_of_the_same_part_is_skipped():
    poses, trace = two_nose_roots(-14.0).traced(nms_radius=20)  # 18 px from the first nose
    assert len(poses) == 1
    second = trace.candidates[1]
    assert second.position_yx == pytest.approx((16.0, 34.0))
    assert (second.blocked_by, second.pose_index) == (0, None)
    assert len(trace.walks) == 1


def test_a_candidate_just_outside_the_nms_radius_starts_a_new_pose():
    poses, trace = two_nose_roots(-11.5).traced(nms_radius=20)  # 20.5 px from the first nose
    assert len(poses) == 2
    assert (trace.candidates[1].blocked_by, trace.candidates[1].pose_index) == (None, 1)
    assert xy(poses[1], "nose") == pytest.approx((36.5, 16.0))


def test_nms_compares_a_candidate_with_the_same_part_only():
    """A leftEye root 18 px from the first pose's nose, but 30 px from its leftEye, is kept."""
    outputs = Outputs()
    outputs.scores[1, 1, pid("nose")] = 0.9
    outputs.scores[1, 3, pid("leftEye")] = 0.8
    outputs.set_offset((1, 3), "leftEye", 0.0, -14.0)  # leftEye root at (x=34, y=16)
    # The first pose's leftEye: displaced from its nose to (x=56, y=16), snapped to cell (1, 4).
    outputs.set_displacement(outputs.fwd, (1, 1), edge_id("nose", "leftEye"), 0.0, 40.0)
    poses, trace = outputs.traced(nms_radius=20)
    assert xy(poses[0], "leftEye") == pytest.approx((64.0, 16.0))
    assert len(poses) == 2
    assert trace.candidates[1].blocked_by is None


# --- max_detections ----------------------------------------------------------------------


def four_corner_roots() -> Outputs:
    outputs = Outputs()
    for cell, part, score in [
        ((0, 0), "nose", 0.9),
        ((0, 6), "leftEye", 0.8),
        ((5, 0), "rightEye", 0.7),
        ((5, 6), "leftEar", 0.6),
    ]:
        outputs.scores[cell][pid(part)] = score
    return outputs


@pytest.mark.parametrize("max_detections, expected", [(1, 1), (2, 2), (3, 3), (4, 4), (10, 4)])
def test_max_detections_caps_the_number_of_poses(max_detections, expected):
    poses = four_corner_roots().decode(max_detections=max_detections)
    assert len(poses) == expected
    roots = [("nose", (0.0, 0.0)), ("leftEye", (96.0, 0.0)), ("rightEye", (0.0, 80.0)), ("leftEar", (96.0, 80.0))]
    assert [xy(pose, part) for pose, (part, _) in zip(poses, roots)] == [position for _, position in roots[:expected]]


# --- the chain walk ----------------------------------------------------------------------


def elbow_rooted_scene() -> Outputs:
    """A leftElbow root at cell (2, 2), offset (dy=3, dx=-2): position (y=35, x=30)."""
    outputs = Outputs()
    outputs.scores[2, 2, pid("leftElbow")] = 0.9
    outputs.set_offset((2, 2), "leftElbow", 3.0, -2.0)

    # Backward leftElbow -> leftShoulder (edge 5): (35, 30) + (-20, 10) = (15, 40);
    # snap 1: cell (round(0.94), round(2.5)) = (1, 3) -> (16, 48) + (2, 20) = (18, 68);
    # snap 2: cell (round(1.13), round(4.25)) = (1, 4) -> (16, 64) + (-1, 12) = (15, 76);
    # final cell (round(0.94), round(4.75)) = (1, 5): score 0.3 (not the 0.2 of cell (1, 4)).
    outputs.set_displacement(outputs.bwd, (2, 2), edge_id("leftShoulder", "leftElbow"), -20.0, 10.0)
    outputs.set_offset((1, 3), "leftShoulder", 2.0, 20.0)
    outputs.set_offset((1, 4), "leftShoulder", -1.0, 12.0)
    outputs.scores[1, 4, pid("leftShoulder")] = 0.2
    outputs.scores[1, 5, pid("leftShoulder")] = 0.3

    # Forward leftElbow -> leftWrist (edge 6): (35, 30) + (100, -80) = (135, -50), off the grid;
    # snap 1: cell (8, -3) clamped to (5, 0) -> (80, 0) + (-4, 6) = (76, 6);
    # snap 2 and the final cell: (round(4.75), round(0.38)) = (5, 0) again: score 0.25.
    outputs.set_displacement(outputs.fwd, (2, 2), edge_id("leftElbow", "leftWrist"), 100.0, -80.0)
    outputs.set_offset((5, 0), "leftWrist", -4.0, 6.0)
    outputs.scores[5, 0, pid("leftWrist")] = 0.25

    # Forward leftShoulder -> leftHip (edge 7), from (15, 76) at cell (1, 5): + (-100, 200) = (-85, 276);
    # snap 1: cell (-5, 17) clamped to (0, 6) -> (0, 96) + (3, -5) = (3, 91); snap 2: (0, 6) again.
    outputs.set_displacement(outputs.fwd, (1, 5), edge_id("leftShoulder", "leftHip"), -100.0, 200.0)
    outputs.set_offset((0, 6), "leftHip", 3.0, -5.0)
    outputs.scores[0, 6, pid("leftHip")] = 0.35
    return outputs


def test_a_walk_step_follows_the_displacement_then_snaps_twice_to_the_target_parts_offset():
    (pose,), trace = elbow_rooted_scene().traced()
    assert xy(pose, "leftElbow") == pytest.approx((30.0, 35.0))
    assert xy(pose, "leftShoulder") == pytest.approx((76.0, 15.0))
    assert pose.keypoint("leftShoulder").score == pytest.approx(0.3)

    step = trace.walks[0][0]
    assert (step.direction, step.edge) == ("backward", 5)
    assert step.source_cell == (2, 2)
    assert step.displacement_yx == pytest.approx((-20.0, 10.0))
    assert step.displaced_yx == pytest.approx((15.0, 40.0))
    assert [cell for cell, _ in step.snaps] == [(1, 3), (1, 4)]
    assert [point for _, point in step.snaps] == [pytest.approx((18.0, 68.0)), pytest.approx((15.0, 76.0))]
    assert step.final_cell == (1, 5)


@pytest.mark.parametrize("part, x, y, score", [("leftWrist", 6.0, 76.0, 0.25), ("leftHip", 91.0, 3.0, 0.35)])
def test_a_walk_step_clamps_the_nearest_cell_to_the_grid(part, x, y, score):
    (pose,) = elbow_rooted_scene().decode()
    assert xy(pose, part) == pytest.approx((x, y))
    assert pose.keypoint(part).score == pytest.approx(score)


def test_tracing_does_not_change_the_result():
    scene = elbow_rooted_scene()
    assert scene.decode() == scene.traced()[0]


def test_the_walk_goes_backward_to_the_nose_then_forward_from_it():
    (_,), trace = elbow_rooted_scene().traced()
    steps = [(s.direction, s.edge, PART_NAMES[s.source_part], PART_NAMES[s.target_part]) for s in trace.walks[0]]
    assert steps == [
        ("backward", 5, "leftElbow", "leftShoulder"),
        ("backward", 4, "leftShoulder", "nose"),
        ("forward", 0, "nose", "leftEye"),
        ("forward", 1, "leftEye", "leftEar"),
        ("forward", 2, "nose", "rightEye"),
        ("forward", 3, "rightEye", "rightEar"),
        ("forward", 6, "leftElbow", "leftWrist"),
        ("forward", 7, "leftShoulder", "leftHip"),
        ("forward", 8, "leftHip", "leftKnee"),
        ("forward", 9, "leftKnee", "leftAnkle"),
        ("forward", 10, "nose", "rightShoulder"),
        ("forward", 11, "rightShoulder", "rightElbow"),
        ("forward", 12, "rightElbow", "rightWrist"),
        ("forward", 13, "rightShoulder", "rightHip"),
        ("forward", 14, "rightHip", "rightKnee"),
        ("forward", 15, "rightKnee", "rightAnkle"),
    ]


@pytest.mark.parametrize(
    "root, backward_edges",
    [("nose", []), ("rightAnkle", [15, 14, 13, 10]), ("leftEar", [1, 0]), ("leftHip", [7, 4])],
)
def test_every_root_walks_its_path_to_the_nose_backward_then_the_rest_forward(root, backward_edges):
    outputs = Outputs()
    outputs.scores[3, 3, pid(root)] = 0.9
    (pose,), trace = outputs.traced()
    walk = trace.walks[0]
    assert [s.edge for s in walk if s.direction == "backward"] == backward_edges
    assert [s.edge for s in walk if s.direction == "forward"] == [e for e in range(EDGES) if e not in backward_edges]
    backward_count = len(backward_edges)
    assert [s.direction for s in walk] == ["backward"] * backward_count + ["forward"] * (EDGES - backward_count)
    assert pose.keypoint(root).score == pytest.approx(0.9)


def test_displacement_channels_are_y_in_e_and_x_in_16_plus_e():
    """Edge 2 (nose -> rightEye) displaced by (dy=32, dx=-16) from a nose at (y=16, x=48)
    lands on cell (3, 2); swapped channels would give (y=0, x=80), cell (0, 5)."""
    outputs = Outputs()
    outputs.scores[1, 3, pid("nose")] = 0.9
    outputs.set_displacement(outputs.fwd, (1, 3), edge_id("nose", "rightEye"), 32.0, -16.0)
    (pose,) = outputs.decode()
    assert xy(pose, "rightEye") == pytest.approx((32.0, 48.0))


# --- pose score --------------------------------------------------------------------------


def overlapping_pair() -> Outputs:
    """Pose A: a nose root at cell (1, 1); every part of it at (x=16, y=16).
    Pose B: a leftEye root at cell (1, 4), (x=64, y=16); its own offsets send three leaves
    towards A: rightAnkle onto A's rightAnkle (0 px), rightWrist 8 px from A's, leftWrist
    21 px from A's (outside a 20 px radius)."""
    outputs = Outputs()
    rows, cols, parts = np.meshgrid(np.arange(ROWS), np.arange(COLS), np.arange(PARTS), indexing="ij")
    outputs.scores[:] = 0.1 + 0.01 * parts + 0.001 * cols + 0.0001 * rows  # below the threshold
    outputs.scores[1, 1, pid("nose")] = 0.9
    outputs.scores[1, 4, pid("leftEye")] = 0.8
    outputs.set_offset((1, 4), "rightAnkle", 0.0, -48.0)  # -> (16, 16), cell (1, 1)
    outputs.set_offset((1, 4), "rightWrist", 0.0, -40.0)  # -> (16, 24), cell (1, round(1.5)) = (1, 2)
    outputs.set_offset((1, 2), "rightWrist", 0.0, -8.0)  # -> (16, 24) again
    outputs.set_offset((1, 4), "leftWrist", 0.0, -27.0)  # -> (16, 37), cell (1, 2)
    outputs.set_offset((1, 2), "leftWrist", 0.0, 5.0)  # -> (16, 37) again
    return outputs


def test_pose_score_leaves_out_parts_claimed_by_an_earlier_pose():
    outputs = overlapping_pair()
    first, second = outputs.decode(nms_radius=20)
    s = outputs.scores.astype(np.float64)

    assert all(xy(first, part) == (16.0, 16.0) for part in PART_NAMES)
    assert first.score == pytest.approx(s[1, 1].sum() / 17)

    assert xy(second, "rightAnkle") == (16.0, 16.0)
    assert xy(second, "rightWrist") == (24.0, 16.0)
    assert xy(second, "leftWrist") == (37.0, 16.0)
    expected_keypoint_scores = s[1, 4].copy()
    expected_keypoint_scores[pid("rightAnkle")] = s[1, 1, pid("rightAnkle")]
    expected_keypoint_scores[pid("rightWrist")] = s[1, 2, pid("rightWrist")]
    expected_keypoint_scores[pid("leftWrist")] = s[1, 2, pid("leftWrist")]
    # The keypoints keep their own scores; only the pose score leaves the claimed two out.
    assert second.keypoint_scores() == pytest.approx(expected_keypoint_scores)
    unclaimed = np.ones(PARTS, bool)
    unclaimed[[pid("rightAnkle"), pid("rightWrist")]] = False
    assert second.score == pytest.approx(expected_keypoint_scores[unclaimed].sum() / 17)


def test_which_parts_are_claimed_follows_the_nms_radius():
    _, second = overlapping_pair().decode(nms_radius=5)  # only rightAnkle (0 px) is within 5 px
    assert second.score == pytest.approx((second.keypoint_scores().sum() - second.keypoint("rightAnkle").score) / 17)


# --- bad arguments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, named",
    [
        ({"max_detections": 0}, "max_detections"),
        ({"max_detections": 2.5}, "max_detections"),
        ({"score_threshold": 1.5}, "score_threshold"),
        ({"score_threshold": -0.1}, "score_threshold"),
        ({"nms_radius": -1}, "nms_radius"),
        ({"nms_radius": 0}, "nms_radius"),
    ],
)
def test_invalid_parameters_raise_value_error_naming_the_argument(params, named):
    with pytest.raises(ValueError, match=rf"\b{named}\b"):
        four_corner_roots().decode(**params)


@pytest.mark.parametrize(
    "tensor, shape",
    [
        ("scores", (ROWS, COLS, 16)),
        ("offsets", (ROWS, COLS, 33)),
        ("fwd", (ROWS, COLS, 34)),
        ("bwd", (ROWS, COLS + 1, 2 * EDGES)),
        ("fwd", (ROWS, COLS)),
    ],
)
def test_wrong_tensor_shapes_raise_value_error_naming_the_argument(tensor, shape):
    outputs = four_corner_roots()
    setattr(outputs, tensor, np.zeros(shape, np.float32))
    named = {"scores": "heatmap_scores", "offsets": "offsets", "fwd": "displacement_fwd", "bwd": "displacement_bwd"}
    with pytest.raises(ValueError, match=rf"\b{named[tensor]}\b"):
        outputs.decode()
