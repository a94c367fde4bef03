"""The input-size arithmetic, and bad arguments through the public API."""

import numpy as np
import pytest

from posenet_core import network_input_size, output_resolution, valid_input_size


@pytest.mark.parametrize(
    "size, stride, expected",
    [(257, 16, 257), (259, 16, 257), (272, 16, 273), (273, 16, 273), (250, 8, 249), (225, 32, 225), (255, 32, 225)],
)
def test_valid_input_size(size, stride, expected):
    assert valid_input_size(size, stride) == expected


@pytest.mark.parametrize("stride", [8, 16, 32])
def test_valid_input_size_always_maps_onto_whole_cells_within_one_stride(stride):
    for size in range(stride + 1, 1000):
        valid = valid_input_size(size, stride)
        assert (valid - 1) % stride == 0
        assert abs(valid - size) < stride


@pytest.mark.parametrize("input_size, stride, expected", [(257, 16, 17), (513, 32, 17), (225, 8, 29), (961, 16, 61)])
def test_output_resolution_is_the_articles_formula(input_size, stride, expected):
    assert output_resolution(input_size, stride) == expected == (input_size - 1) / stride + 1


@pytest.mark.parametrize(
    "height, width, scale, stride, expected",
    [
        (576, 576, 0.45, 16, (257, 257)),  # 259.2 -> 259 -> 257
        (1280, 720, 0.75, 16, (961, 529)),  # portrait video: the aspect ratio is kept
        (667, 1000, 0.5, 8, (329, 497)),  # 333.5 -> 334 -> 329; 500 -> 497
        (861, 1049, 1.0, 32, (833, 1025)),
        (543, 543, 0.5, 16, (273, 273)),  # 271.5 rounds half up to 272 -> 273 (271 would give 257)
    ],
)
def test_network_input_size(height, width, scale, stride, expected):
    assert network_input_size(height, width, scale, stride) == expected


def test_network_input_size_refuses_an_image_too_small_for_one_cell():
    with pytest.raises(ValueError, match="image too small"):
        network_input_size(40, 40, 0.2, 16)  # 8 x 8 pixels after scaling


# --- bad arguments through the API -------------------------------------------------------

IMAGE = np.zeros((120, 160, 3), np.uint8)

BAD_ARGUMENTS = {
    "output_stride 10": ({"output_stride": 10}, "output_stride"),
    "scale_factor 0": ({"scale_factor": 0}, "scale_factor"),
    "scale_factor 1.5": ({"scale_factor": 1.5}, "scale_factor"),
    "empty array": ({"image": np.zeros((0, 0, 3), np.uint8)}, "image"),
    "1-pixel image": ({"image": np.zeros((1, 1, 3), np.uint8)}, "image"),
    "float64 image": ({"image": IMAGE.astype(np.float64)}, "image"),
    "4-D array": ({"image": IMAGE[None]}, "image"),
    "list": ({"image": IMAGE.tolist()}, "image"),
    "5 channels": ({"image": np.zeros((120, 160, 5), np.uint8)}, "image"),
}


def call(net, method: str, image=IMAGE, **kwargs):
    return getattr(net, method)(image, **kwargs)


@pytest.mark.parametrize("method", ["estimate_single_pose", "estimate_multiple_poses", "predict"])
@pytest.mark.parametrize("case", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_bad_arguments_raise_value_error_naming_the_argument(net, method, case):
    kwargs, named = case
    with pytest.raises(ValueError, match=rf"\b{named}\b"):
        call(net, method, **kwargs)


@pytest.mark.parametrize(
    "kwargs, named",
    [
        ({"max_detections": 0}, "max_detections"),
        ({"score_threshold": 1.5}, "score_threshold"),
        ({"nms_radius": -1}, "nms_radius"),
    ],
)
def test_bad_multi_pose_arguments_raise_value_error_naming_the_argument(net, kwargs, named):
    with pytest.raises(ValueError, match=rf"\b{named}\b"):
        call(net, "estimate_multiple_poses", **kwargs)


def test_the_allowed_values_are_accepted(net):
    for stride in (8, 16, 32):
        assert net.predict(IMAGE, scale_factor=1.0, output_stride=stride).output_stride == stride
    for scale in (0.2, 1.0):
        assert net.predict(IMAGE, scale_factor=scale).scale_factor == scale


# --- grey and RGBA images are converted ---------------------------------------------------


def assert_same_pose(a, b):
    assert a.positions_xy() == pytest.approx(b.positions_xy(), abs=0.5)
    assert a.keypoint_scores() == pytest.approx(b.keypoint_scores(), abs=1e-3)


def test_grey_images_give_the_pose_of_the_same_grey_as_rgb(net, pose_image):
    grey = pose_image.mean(axis=2).round().astype(np.uint8)
    as_rgb = np.repeat(grey[:, :, None], 3, axis=2)
    expected = net.estimate_single_pose(as_rgb)
    assert expected.score > 0.5  # a real person: the comparison means something
    assert_same_pose(net.estimate_single_pose(grey), expected)
    assert_same_pose(net.estimate_single_pose(grey[:, :, None]), expected)


def test_rgba_images_give_the_pose_of_the_rgb_image(net, pose_image):
    alpha = np.full(pose_image.shape[:2] + (1,), 255, np.uint8)
    rgba = np.concatenate([pose_image, alpha], axis=2)
    assert_same_pose(net.estimate_single_pose(rgba), net.estimate_single_pose(pose_image))
    (rgba_pose, *_), (rgb_pose, *_) = net.estimate_multiple_poses(rgba), net.estimate_multiple_poses(pose_image)
    assert_same_pose(rgba_pose, rgb_pose)
