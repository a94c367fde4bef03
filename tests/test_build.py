"""The vendored TFLite models are the ones the vendored weights give: checksums, and a rebuild with TensorFlow
(float and int8, the int8 ones calibrated on the sample media)."""

import cv2
import numpy as np
import pytest

from posenet_core import build, network
from posenet_core.params import PRECISIONS

MODEL_NAMES = [
    f"posenet_stride{stride}{'' if precision == 'float' else '_' + precision}.tflite"
    for precision in PRECISIONS
    for stride in network.OUTPUT_STRIDES
]


def test_sha256sums_lists_every_model_with_its_digest():
    checksums = build.read_checksums()
    assert sorted(checksums) == sorted(MODEL_NAMES)
    for precision in PRECISIONS:
        for stride in network.OUTPUT_STRIDES:
            path = network.model_path(stride, precision=precision)
            assert build.sha256(path) == checksums[path.name], path.name


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """The models rebuilt from the weights with TensorFlow by `python -m posenet_core.build --out DIR`."""
    directory = tmp_path_factory.mktemp("models")
    assert build.main(["--out", str(directory)]) == 0
    return directory


def test_rebuild_writes_the_six_models_and_sha256sums_that_match_them(rebuilt):
    assert sorted(p.name for p in rebuilt.iterdir()) == sorted([*MODEL_NAMES, build.CHECKSUMS_NAME])
    checksums = build.read_checksums(rebuilt)
    assert {name: build.sha256(rebuilt / name) for name in MODEL_NAMES} == checksums


def test_rebuild_is_byte_identical_to_the_vendored_models(rebuilt):
    """Conversion and the int8 calibration are deterministic: anyone can check the shipped files."""
    assert build.read_checksums(rebuilt) == build.read_checksums()


def test_calibration_uses_photos_and_every_8th_squats_frame():
    images = build.calibration_images()
    assert len(images) == 2 + 9  # two photos, frames 0, 8, ..., 64
    batches = build.calibration_batches(images, 16)
    assert batches[0].shape == (1, 321, 497, 3)  # pose.jpg (667 x 1000) at scale 0.5
    assert all(-1.0 <= b.min() and b.max() <= 1.0 and b.dtype == np.float32 for b in batches)


def test_missing_calibration_media_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="pose.jpg.*--samples"):
        build.main(["--out", str(tmp_path / "models"), "--samples", str(tmp_path)])
    assert not (tmp_path / "models").exists()  # nothing half-written


@pytest.mark.parametrize("stride", network.OUTPUT_STRIDES)
@pytest.mark.parametrize("size", [(257, 257), (353, 257)])
def test_rebuilt_models_give_the_vendored_outputs_on_a_real_photo(rebuilt, pose_image, stride, size):
    height, width = size
    batch = (cv2.resize(np.asarray(pose_image), (width, height)).astype(np.float32) / 127.5 - 1.0)[None]
    vendored = network.Network(num_threads=1).run(batch, stride)
    fresh = network.Network(num_threads=1, models_dir=rebuilt).run(batch, stride)
    assert list(fresh) == list(vendored) == list(network.OUTPUT_NAMES)
    for name in network.OUTPUT_NAMES:
        np.testing.assert_allclose(fresh[name], vendored[name], rtol=1e-5, atol=1e-5, err_msg=name)
    assert vendored["heatmap_scores"].max() > 0.5  # a person is found: high scores were compared too
