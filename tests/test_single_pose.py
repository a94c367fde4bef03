"""Single-pose decoding (the article's five steps) on hand-made 3 x 4 tensors, and the
mapping of a decoded pose back to the original image (scale per axis, horizontal flip)."""

import json

import numpy as np
import pytest

import posenet_core
from posenet_core import PART_NAMES

ROWS, COLS, PARTS = 3, 4, 17


def part_id(name: str) -> int:
    return PART_NAMES.index(name)


def blank_outputs(rows=ROWS, cols=COLS):
    """Low, distinct background scores (no ties) and zero offsets."""
    background = np.linspace(0.01, 0.2, rows * cols * PARTS).reshape(rows, cols, PARTS)
    return background.astype(np.float32), np.zeros((rows, cols, 2 * PARTS), np.float32)


def peak_cell(part: int) -> tuple[int, int]:
    """A different argmax cell for neighbouring parts, covering the whole 3 x 4 grid."""
    return part % ROWS, (part * 3) % COLS


def outputs_with_peaks():
    """Part k peaks at peak_cell(k) with score 0.5 + k / 50; offset there (dy, dx) = (k - 8, 2k - 9)."""
    scores, offsets = blank_outputs()
    for k in range(PARTS):
        y, x = peak_cell(k)
        scores[y, x, k] = 0.5 + k / 50
        offsets[y, x, k] = k - 8
        offsets[y, x, PARTS + k] = 2 * k - 9
    return scores, offsets


def test_each_part_is_placed_at_its_argmax_cell_plus_its_offset():
    scores, offsets = outputs_with_peaks()
    pose = posenet_core.decode_single_pose(scores, offsets, output_stride=16)
    for k, keypoint in enumerate(pose.keypoints):
        y, x = peak_cell(k)
        assert keypoint.part == PART_NAMES[k]
        assert keypoint.position.y == pytest.approx(y * 16 + k - 8)
        assert keypoint.position.x == pytest.approx(x * 16 + 2 * k - 9)


@pytest.mark.parametrize("stride", [8, 16, 32])
def test_position_is_cell_times_output_stride_plus_offset(stride):
    scores, offsets = blank_outputs()
    nose = part_id("nose")
    scores[2, 3, nose] = 0.9
    offsets[2, 3, nose], offsets[2, 3, PARTS + nose] = 1.5, -2.25
    position = posenet_core.decode_single_pose(scores, offsets, output_stride=stride).keypoint("nose").position
    assert (position.x, position.y) == pytest.approx((3 * stride - 2.25, 2 * stride + 1.5))


def test_offset_y_is_channel_k_and_x_is_channel_17_plus_k():
    """Cell (1, 1) puts the keypoint at (16, 16) before offsets, so only the channel
    order decides whether leftWrist lands at (x=16+7, y=16-5) or (x=16-5, y=16+7)."""
    scores, offsets = blank_outputs()
    wrist = part_id("leftWrist")
    scores[1, 1, wrist] = 0.95
    offsets[1, 1, wrist] = -5.0  # dy
    offsets[1, 1, PARTS + wrist] = 7.0  # dx
    # A decoy in the next part's channels: an off-by-one channel index would read it.
    offsets[1, 1, wrist + 1], offsets[1, 1, PARTS + wrist + 1] = 30.0, 40.0
    position = posenet_core.decode_single_pose(scores, offsets).keypoint("leftWrist").position
    assert (position.x, position.y) == pytest.approx((23.0, 11.0))


def test_keypoint_score_is_the_heatmap_score_at_the_argmax_cell_and_pose_score_their_mean():
    scores, offsets = outputs_with_peaks()
    pose = posenet_core.decode_single_pose(scores, offsets)
    expected = [0.5 + k / 50 for k in range(PARTS)]
    assert [k.score for k in pose.keypoints] == pytest.approx(expected, abs=1e-6)
    assert pose.score == pytest.approx(np.mean(expected), abs=1e-6)


def test_argmax_ignores_the_other_parts_scores():
    """A part's keypoint comes from its own channel, even where another part scores higher."""
    scores, offsets = blank_outputs()
    scores[0, 0, part_id("nose")] = 0.99
    scores[2, 1, part_id("rightEye")] = 0.4
    pose = posenet_core.decode_single_pose(scores, offsets)
    eye = pose.keypoint("rightEye")
    assert (eye.position.x, eye.position.y, eye.score) == pytest.approx((16.0, 32.0, 0.4))


def test_to_dict_is_the_articles_json():
    scores, offsets = blank_outputs()
    scores[1, 2, :] = 0.8  # every part at cell (1, 2), no offset: position (x=32, y=16)
    pose = posenet_core.decode_single_pose(scores, offsets)
    as_dict = pose.to_dict()
    assert as_dict == {
        "score": pytest.approx(0.8),
        "keypoints": [
            {"part": part, "position": {"x": 32.0, "y": 16.0}, "score": pytest.approx(0.8)} for part in PART_NAMES
        ],
    }
    assert [k["part"] for k in as_dict["keypoints"][:5]] == ["nose", "leftEye", "rightEye", "leftEar", "rightEar"]
    assert all("_" not in k["part"] for k in as_dict["keypoints"])
    assert json.loads(json.dumps(as_dict)) == as_dict  # plain Python numbers, not numpy scalars


@pytest.mark.parametrize(
    "scores_shape, offsets_shape, named",
    [
        ((ROWS, COLS, 16), (ROWS, COLS, 34), "heatmap_scores"),
        ((ROWS, COLS), (ROWS, COLS, 34), "heatmap_scores"),
        ((1, ROWS, COLS, 17), (ROWS, COLS, 34), "heatmap_scores"),
        ((0, COLS, 17), (0, COLS, 34), "heatmap_scores"),
        ((ROWS, COLS, 17), (ROWS, COLS, 17), "offsets"),
        ((ROWS, COLS, 17), (ROWS, COLS + 1, 34), "offsets"),
    ],
)
def test_bad_tensor_shapes_raise_value_error_naming_the_argument(scores_shape, offsets_shape, named):
    with pytest.raises(ValueError, match=rf"\b{named}\b"):
        posenet_core.decode_single_pose(np.zeros(scores_shape), np.zeros(offsets_shape))


# --- back to the original image -------------------------------------------------------


def network_outputs(input_size, image_size):
    scores, offsets = blank_outputs()
    displacements = np.zeros((ROWS, COLS, 32), np.float32)
    return posenet_core.NetworkOutputs(
        scores,
        offsets,
        displacements,
        displacements,
        output_stride=16,
        scale_factor=0.5,
        input_size=input_size,
        image_size=image_size,
    )


def two_point_pose():
    """nose at (x=10, y=5), every other part at (x=40, y=20); scores 0.1 .. 0.9."""

    def position(part):
        return posenet_core.Position(10.0, 5.0) if part == "nose" else posenet_core.Position(40.0, 20.0)

    scores = [(k % 9 + 1) / 10 for k in range(PARTS)]
    keypoints = tuple(posenet_core.Keypoint(part, position(part), s) for part, s in zip(PART_NAMES, scores))
    return posenet_core.Pose(0.42, keypoints)


def xy(pose, part):
    position = pose.keypoint(part).position
    return position.x, position.y


@pytest.mark.parametrize("flip", [False, True])
def test_to_image_scales_each_axis_by_original_over_input_size(flip):
    # input 33 x 49 (h x w) from an image 66 x 147: y doubles, x triples.
    outputs = network_outputs(input_size=(33, 49), image_size=(66, 147))
    pose = outputs.to_image(two_point_pose(), flip_horizontal=flip)
    nose_x, left_eye_x = (30.0, 120.0) if not flip else (147 - 1 - 30.0, 147 - 1 - 120.0)
    assert xy(pose, "nose") == pytest.approx((nose_x, 10.0))
    assert xy(pose, "leftEye") == pytest.approx((left_eye_x, 40.0))


def test_flip_mirrors_x_but_keeps_part_labels_and_scores():
    original = two_point_pose()
    flipped = original.scaled(1.0, 1.0, flip_width=100)
    assert [k.part for k in flipped.keypoints] == list(PART_NAMES)  # leftEye stays leftEye
    assert [k.score for k in flipped.keypoints] == [k.score for k in original.keypoints]
    assert flipped.score == original.score
    assert xy(flipped, "nose") == pytest.approx((89.0, 5.0))
    assert xy(flipped, "rightAnkle") == pytest.approx((59.0, 20.0))


def test_scaled_without_flip_leaves_the_pose_unchanged_at_scale_one():
    original = two_point_pose()
    assert original.scaled(1.0, 1.0) == original
    assert xy(original.scaled(0.5, 4.0), "nose") == pytest.approx((5.0, 20.0))
