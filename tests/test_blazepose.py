"""BlazePose's pieces on hand-made tensors: the detector's SSD anchors, box and keypoint decoding,
weighted suppression, the turned crop and the way landmarks go back to the frame; then the
estimator on real pictures (tracking between frames, the 33 landmarks kept)."""

import math

import numpy as np
import pytest

import posenet_core
from posenet_core import PART_NAMES
from posenet_core.successors.anchors import ssd_anchor_centres
from posenet_core.successors.blazepose import (
    COCO_FROM_BLAZEPOSE,
    LANDMARK_NAMES,
    BlazePoseOutputs,
    decode_landmarks,
)
from posenet_core.successors.crop import Crop
from posenet_core.successors.draw_blazepose import (
    BOX_COLOUR,
    CROP_COLOUR,
    detector_box_corners,
    detector_keypoints,
    draw_blazepose_steps,
)
from posenet_core.successors.letterbox import Letterbox
from posenet_core.successors.pose_detector import Detection, decode_boxes, decode_detections, overlap
from posenet_core.successors.refine import refine_from_heatmaps


def test_the_anchors_are_mediapipes_2254_for_the_224_pose_detector():
    anchors = ssd_anchor_centres()
    assert anchors.shape == (2254, 2)  # 28 x 28 x 2 + 14 x 14 x 2 + 7 x 7 x 6
    # Stride 8: cell (0, 0) twice, then cell (0, 1); x runs fastest.
    assert anchors[0] == pytest.approx([0.5 / 28, 0.5 / 28])
    assert anchors[1] == pytest.approx(anchors[0])
    assert anchors[2] == pytest.approx([1.5 / 28, 0.5 / 28])
    assert anchors[2 * 28] == pytest.approx([0.5 / 28, 1.5 / 28])
    # Stride 16 starts after 1568; the three stride-32 layers share one 7 x 7 grid, 6 anchors a cell.
    assert anchors[1568] == pytest.approx([0.5 / 14, 0.5 / 14])
    assert anchors[1960] == pytest.approx([0.5 / 7, 0.5 / 7])
    assert anchors[1965] == pytest.approx(anchors[1960])
    assert anchors[1966] == pytest.approx([1.5 / 7, 0.5 / 7])
    assert anchors[-1] == pytest.approx([6.5 / 7, 6.5 / 7])


def test_the_anchors_follow_other_strides_too():
    assert ssd_anchor_centres(64, (16, 32)).shape == (4 * 4 * 2 + 2 * 2 * 2, 2)


def raw_row(logit, box, keypoints):
    return np.concatenate([[logit], box, np.ravel(keypoints)])


def test_box_decoding_measures_from_the_anchor_in_input_pixels_and_keeps_confident_rows():
    anchors = np.array([[0.25, 0.5], [0.75, 0.5]])
    raw = np.stack(
        [
            raw_row(2.0, [22.4, -11.2, 44.8, 89.6], [[0, 0], [0, -22.4], [11.2, 0], [0, 0]]),
            raw_row(-3.0, [0, 0, 10, 10], np.zeros((4, 2))),  # sigmoid 0.047: dropped
        ]
    )
    scores, boxes, keypoints = decode_boxes(raw, anchors, 224)
    assert scores == pytest.approx([1 / (1 + math.exp(-2.0))])
    assert boxes[0] == pytest.approx([0.35, 0.45, 0.2, 0.4])  # centre moved, sizes as they are
    assert keypoints[0, 0] == pytest.approx([0.25, 0.5])
    assert keypoints[0, 1] == pytest.approx([0.25, 0.4])
    assert keypoints[0, 2] == pytest.approx([0.3, 0.5])


def test_box_decoding_rejects_a_row_count_that_is_not_the_anchors():
    with pytest.raises(ValueError, match="one per anchor"):
        decode_boxes(np.zeros((3, 13)), np.zeros((2, 2)), 224)


def test_overlap_is_intersection_over_union():
    box = np.array([0.5, 0.5, 0.2, 0.2])
    others = np.array([[0.5, 0.5, 0.2, 0.2], [0.6, 0.5, 0.2, 0.2], [0.9, 0.9, 0.1, 0.1]])
    assert overlap(box, others) == pytest.approx([1.0, 0.02 / 0.06, 0.0])


def test_weighted_suppression_averages_overlapping_boxes_by_score_and_keeps_separate_people():
    anchors = np.array([[0.3, 0.5], [0.31, 0.5], [0.8, 0.5]])
    size = [44.8, 44.8]
    raw = np.stack(
        [
            raw_row(3.0, [0, 0, *size], np.zeros((4, 2))),
            raw_row(0.0, [0, 0, *size], np.zeros((4, 2))),  # overlaps the first: merged
            raw_row(1.0, [0, 0, *size], np.zeros((4, 2))),  # another person
        ]
    )
    detections = decode_detections(raw, anchors, 224)
    assert len(detections) == 2
    first, second = detections
    w_best, w_other = 1 / (1 + math.exp(-3.0)), 0.5
    expected_x = (0.3 * w_best + 0.31 * w_other) / (w_best + w_other)
    assert first.score == pytest.approx(w_best) and (first.merged, second.merged) == (2, 1)
    assert first.box[0] == pytest.approx(expected_x)
    assert first.keypoints[:, 0] == pytest.approx(np.full(4, expected_x))
    assert second.box[0] == pytest.approx(0.8)


def test_an_upright_body_gives_an_unturned_crop_125_percent_of_twice_the_hips_to_scale_distance():
    crop = Crop.from_points((100.0, 200.0), (100.0, 120.0))  # scale point 80 px straight above the hips
    assert crop.rotation == pytest.approx(0.0)
    assert crop.size == pytest.approx(2 * 80 * 1.25)
    # The crop's centre and corners in the frame.
    assert crop.points_to_image([[128, 128]], 256)[0] == pytest.approx([100, 200])
    assert crop.corners()[0] == pytest.approx([0, 100])
    assert crop.corners()[2] == pytest.approx([200, 300])


def test_a_body_lying_with_its_head_to_the_right_is_turned_upright_in_the_crop():
    crop = Crop.from_points((100.0, 100.0), (150.0, 100.0))
    assert crop.rotation == pytest.approx(math.pi / 2)
    # The top middle of the crop is where the scale point's side lies: right of the hips.
    top_middle = crop.points_to_image([[128, 0]], 256)[0]
    assert top_middle == pytest.approx([100 + crop.size / 2, 100])


def test_cutting_the_crop_puts_the_frames_pixels_where_the_mapping_says():
    image = np.zeros((300, 300, 3), np.uint8)
    image[180:200, 230:250] = 255  # a white square right of and below the centre (150, 150)
    crop = Crop.from_points((150.0, 150.0), (230.0, 150.0))  # turned a quarter, 200 px a side
    cut = crop.cut(image, 64)
    ys, xs = np.nonzero(cut[..., 0] > 128)
    centre = crop.points_to_image([[xs.mean() + 0.5, ys.mean() + 0.5]], 64)[0]
    assert centre == pytest.approx([240, 190], abs=2.0)


def test_landmarks_go_back_through_the_crop_and_their_scores_through_the_sigmoid():
    crop = Crop.from_points((100.0, 200.0), (100.0, 120.0))
    raw = np.zeros((39, 5))
    raw[0] = [128, 128, 5.0, 0.0, 100.0]
    raw[1] = [0, 0, 0, -100.0, 0]
    points = decode_landmarks(raw.ravel(), crop, 256)
    assert points[0] == pytest.approx([100, 200, 5.0, 0.5, 1.0])
    assert points[1, :2] == pytest.approx([0, 100])
    assert points[1, 3] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="39 x 5"):
        decode_landmarks(np.zeros(33 * 5), crop, 256)


def test_the_33_landmarks_have_mediapipes_order_and_the_coco_parts_the_articles_names():
    assert len(set(LANDMARK_NAMES)) == 33
    assert LANDMARK_NAMES[:4] == ("nose", "leftEyeInner", "leftEye", "leftEyeOuter")
    assert LANDMARK_NAMES[11:13] == ("leftShoulder", "rightShoulder")
    assert LANDMARK_NAMES[23:25] == ("leftHip", "rightHip")
    assert LANDMARK_NAMES[-1] == "rightFootIndex"
    assert [LANDMARK_NAMES[i] for i in COCO_FROM_BLAZEPOSE] == list(PART_NAMES)


@pytest.mark.parametrize("name", ["blazepose-lite", "blazepose-full"])
def test_blazepose_finds_the_person_keeps_33_landmarks_and_tracks_the_next_frame(name, pose_image):
    estimator = posenet_core.load_estimator(name)
    (pose,), outputs = estimator.track(pose_image)
    assert not outputs.tracked and outputs.detection.score > 0.5
    assert pose.score > 0.9 and outputs.landmarks.shape == (33, 5)
    assert [k.part for k in pose.keypoints] == list(PART_NAMES)
    box = pose.bounding_box(0.5)
    assert box is not None and box[3] - box[1] > 0.4 * pose_image.shape[0]  # a full body
    (again,), next_outputs = estimator.track(pose_image, outputs)
    assert next_outputs.tracked and next_outputs.detection is None  # the detector was skipped
    assert again.positions_xy() == pytest.approx(pose.positions_xy(), abs=0.02 * pose_image.shape[0])


def test_blazepose_finds_nobody_in_a_blank_frame_and_does_not_track_from_it():
    estimator = posenet_core.load_estimator("blazepose-lite")
    poses, outputs = estimator.track(np.zeros((240, 320, 3), np.uint8))
    assert poses == [] and outputs.crop is None
    _, after = estimator.track(np.zeros((240, 320, 3), np.uint8), outputs)
    assert not after.tracked


def test_the_detectors_box_and_keypoints_are_drawn_where_they_lie_in_the_frame():
    letterbox = Letterbox.fit(100, 200, 224)  # 0.5 of the input: 56 black rows above the frame
    detection = Detection(0.9, (0.5, 0.5, 0.2, 0.2), np.array([[0.5, 0.5], [0.5, 0.3], [0.5, 0.4], [0.5, 0.35]]))
    crop = Crop.from_points((100.0, 50.0), (100.0, 10.0))
    outputs = BlazePoseOutputs(np.zeros((39, 5)), 0.9, crop, detection, letterbox, np.zeros((64, 64, 39)))
    assert detector_box_corners(outputs) == pytest.approx(np.array([[80, 30], [120, 70]]))
    assert detector_keypoints(outputs)[:2] == pytest.approx(np.array([[100, 50], [100, 10]]))
    picture = draw_blazepose_steps(np.zeros((100, 200, 3), np.uint8), outputs)
    assert tuple(picture[30, 100]) == BOX_COLOUR  # the box's top edge
    assert picture[50, 175].max() == 0  # outside every line
    assert tuple(picture[50, 150]) == CROP_COLOUR  # the crop, 100 px a side around (100, 50)


def test_refining_moves_a_point_to_its_heatmaps_weighted_middle_when_confident():
    heatmaps = np.zeros((64, 64, 2))
    heatmaps[20, 10, 0], heatmaps[20, 12, 0] = 0.9, 0.3  # mean column (10 * 0.9 + 12 * 0.3) / 1.2 = 10.5
    heatmaps[40, 40, 1] = 0.4  # under 0.5: the second point stays
    xy = np.array([[11.2 * 4, 21.0 * 4], [40 * 4, 40 * 4]])  # cells (21, 11) and (40, 40)
    refined = refine_from_heatmaps(xy, heatmaps, 256)
    assert refined[0] == pytest.approx([10.5 * 4, 20 * 4])  # a cell counts at its corner, as MediaPipe's
    assert refined[1] == pytest.approx(xy[1])


def test_refining_leaves_points_far_from_their_heatmap_and_off_the_crop_alone():
    heatmaps = np.zeros((64, 64, 2))
    heatmaps[0, 0, 0] = 1.0  # 10 cells away from the point: outside its 7 x 7 window
    heatmaps[5, 5, 1] = 1.0
    xy = np.array([[40.0, 40.0], [-3.0, 300.0]])
    assert refine_from_heatmaps(xy, heatmaps, 256) == pytest.approx(xy)
    with pytest.raises(ValueError, match="one heatmap channel per point"):
        refine_from_heatmaps(xy, heatmaps[:, :, :1], 256)
