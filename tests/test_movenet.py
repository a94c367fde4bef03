"""MoveNet's decoding rules on small hand-made tensors, the letterbox, and the estimator interface."""

import numpy as np
import pytest

import posenet_core
from posenet_core import PART_NAMES
from posenet_core.successors.letterbox import Letterbox
from posenet_core.successors.movenet import (
    DISTANCE_BIAS,
    centre_prior,
    decode_centre_out,
    decode_multi,
    decode_single,
)

K = len(PART_NAMES)


def test_a_landscape_frame_is_centred_with_black_bars_above_and_below():
    box = Letterbox.fit(100, 200, 192)
    assert box.inner_size == (96, 192) and box.pad_yx == (48, 0)
    square = box.apply(np.full((100, 200, 3), 200, np.uint8))
    assert square.shape == (192, 192, 3)
    assert square[:48].max() == 0 and square[144:].max() == 0 and square[48:144].min() == 200
    # Input pixel (48, 0) is the frame's top left; (143, 191) close to its bottom right.
    assert box.to_image_yx([[48, 0], [48 + 96, 192]]) == pytest.approx(np.array([[0, 0], [100, 200]]))


def test_a_portrait_frame_gets_bars_left_and_right():
    box = Letterbox.fit(1280, 720, 256)
    assert box.inner_size == (256, 144) and box.pad_yx == (0, 56)
    assert box.to_image_yx([[128, 56 + 72]]) == pytest.approx(np.array([[640, 360]]))


def test_the_heatmap_affine_puts_a_cell_where_its_input_pixel_lies_in_the_frame():
    box = Letterbox.fit(100, 200, 192)
    matrix = box.affine_to_image(4.0)
    column, row = 10, 20  # input pixel (y, x) = (80, 40)
    x, y = matrix @ [column, row, 1]
    assert (y, x) == pytest.approx(tuple(box.to_image_yx([[80, 40]])[0]))


def test_decode_single_maps_normalised_positions_to_frame_pixels_and_averages_the_scores():
    box = Letterbox.fit(100, 200, 192)
    keypoints = np.zeros((K, 3))
    keypoints[:, 0] = 0.5  # the middle row of the square: the frame's middle row
    keypoints[:, 1] = np.linspace(0, 1, K)
    keypoints[:, 2] = np.linspace(0, 1, K)
    pose = decode_single(keypoints[None, None], box)  # the graph's 1 x 1 x 17 x 3 works too
    assert [k.part for k in pose.keypoints] == list(PART_NAMES)
    assert pose.positions_xy()[:, 1] == pytest.approx(np.full(K, 50.0))
    assert pose.positions_xy()[[0, -1], 0] == pytest.approx([0.0, 200.0])
    assert pose.score == pytest.approx(0.5)


def test_decode_single_rejects_a_wrong_shape():
    with pytest.raises(ValueError, match="17 x 3"):
        decode_single(np.zeros((16, 3)), Letterbox.fit(10, 10, 192))


def multipose_row(score: float, x: float) -> np.ndarray:
    parts = np.tile([0.5, x, 0.9], K)
    return np.concatenate([parts, [0.1, 0.1, 0.9, 0.9, score]])


def test_decode_multi_orders_people_by_score_and_leaves_empty_slots_out():
    box = Letterbox.fit(192, 192, 192)
    rows = np.stack([multipose_row(0.3, 0.25), multipose_row(0.05, 0.1), multipose_row(0.8, 0.75)])
    poses = decode_multi(rows[None], box)
    assert [p.score for p in poses] == pytest.approx([0.8, 0.3])
    assert poses[0].keypoint("nose").position.x == pytest.approx(0.75 * 192)
    assert len(decode_multi(rows, box, min_score=0.0)) == 3


def test_decode_multi_rejects_rows_of_the_wrong_length():
    with pytest.raises(ValueError, match="56"):
        decode_multi(np.zeros((6, 55)), Letterbox.fit(10, 10, 192))


def test_the_centre_prior_peaks_in_the_middle_of_the_grid():
    prior = centre_prior(48, 48)
    assert np.unravel_index(prior.argmax(), prior.shape) == (24, 24)
    assert prior[24, 24] == pytest.approx(1 / DISTANCE_BIAS)
    assert prior[24, 34] == pytest.approx(1 / (10 + DISTANCE_BIAS))


def hand_made_heads(rows=12, cols=12):
    heatmaps = np.zeros((rows, cols, K), np.float32)
    centre = np.zeros((rows, cols), np.float32)
    regression = np.zeros((rows, cols, 2 * K), np.float32)
    offsets = np.zeros((rows, cols, 2 * K), np.float32)
    return heatmaps, centre, regression, offsets


def test_centre_out_takes_the_centre_nearest_the_middle_when_scores_tie_and_walks_from_it():
    heatmaps, centre, regression, offsets = hand_made_heads()
    centre[6, 5] = 0.6  # near the middle
    centre[0, 0] = 0.7  # a stronger centre in the corner loses to the prior: 0.7 / 10.3 < 0.6 / 2.8
    regression[6, 5, 0:2] = (2.0, 3.0)  # nose regressed to (8, 8)
    heatmaps[8, 8, 0] = 0.5
    heatmaps[1, 1, 0] = 0.9  # a brighter nose far from the regressed point: 0.9 / 11.7 < 0.5 / 1.8
    offsets[8, 8, 0:2] = (0.25, -0.5)
    walk = decode_centre_out(heatmaps, centre, regression, offsets)
    assert walk.centre_cell == (6, 5)
    assert walk.regressed_yx[0] == pytest.approx([8.0, 8.0])
    assert tuple(walk.part_cells[0]) == (8, 8)
    assert walk.offsets_yx[0] == pytest.approx([0.25, -0.5])
    assert walk.positions_yx[0] == pytest.approx([8.25, 7.5])
    assert walk.scores[0] == pytest.approx(0.5)


def test_centre_out_reads_each_parts_own_offset_channels():
    heatmaps, centre, regression, offsets = hand_made_heads()
    centre[6, 6] = 1.0
    heatmaps[3, 4, 5] = 1.0  # leftShoulder at cell (3, 4)
    offsets[3, 4, 10:12] = (0.5, 0.75)  # its (dy, dx): channels 2k, 2k + 1
    offsets[3, 4, 0:2] = (9.0, 9.0)  # the nose's channels at the same cell: not used for the shoulder
    walk = decode_centre_out(heatmaps, centre, regression, offsets)
    assert walk.positions_yx[5] == pytest.approx([3.5, 4.75])


def test_centre_out_rejects_heads_that_do_not_fit_together():
    heatmaps, centre, regression, offsets = hand_made_heads()
    with pytest.raises(ValueError, match="expected heatmaps"):
        decode_centre_out(heatmaps[:, :, :16], centre, regression, offsets)


@pytest.mark.parametrize("name", ["movenet-lightning", "movenet-thunder"])
def test_centre_out_in_numpy_repeats_the_graphs_own_decoding(name, pose_image, three_people_image):
    for image in (pose_image, three_people_image):
        outputs = posenet_core.load_estimator(name).predict(image)
        walk = decode_centre_out(outputs.heatmap_scores, outputs.centre_scores, outputs.regression, outputs.offsets)
        side = outputs.heatmap_scores.shape[0]
        # The graph multiplies by float16(1 / side): 2e-4 of the square at most.
        assert walk.positions_yx / side == pytest.approx(outputs.keypoints[:, :2], abs=5e-4)
        assert walk.scores == pytest.approx(outputs.keypoints[:, 2], abs=1e-6)


def test_check_model_names_the_models_that_fit():
    with pytest.raises(ValueError, match="one of posenet, movenet-lightning"):
        posenet_core.check_model("movenet")
    with pytest.raises(ValueError, match="several people; models that can: posenet, movenet-multipose"):
        posenet_core.check_model("movenet-thunder", multi_pose=True)
    with pytest.raises(ValueError, match="exactly one person"):
        posenet_core.check_model("movenet-multipose", multi_pose=False)


@pytest.mark.parametrize("name", posenet_core.MODEL_NAMES)
def test_every_model_gives_the_17_parts_by_the_articles_names_and_flips_alike(name, pose_image):
    estimator = posenet_core.load_estimator(name)
    multi = not estimator.info.single_pose
    plain = estimator.estimate_poses(pose_image, multi_pose=multi)
    flipped = estimator.estimate_poses(pose_image, multi_pose=multi, flip_horizontal=True)
    assert plain and [k.part for k in plain[0].keypoints] == list(PART_NAMES)
    width = pose_image.shape[1]
    assert flipped[0].positions_xy() == pytest.approx(plain[0].positions_xy() * [-1, 1] + [width - 1, 0])
    assert set(plain[0].to_dict()) == {"score", "keypoints"}
