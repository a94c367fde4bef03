"""The network: TFLite equals the TensorFlow graph, the stride plans, offline loading, threads, LiteRT."""

import pathlib
import socket
import threading
import urllib.request
import warnings

import cv2
import numpy as np
import pytest

import posenet_core
from posenet_core import build, network

INPUT_HW = (161, 225)  # non-square; (size - 1) divisible by 8, 16 and 32
CHANNELS = {"heatmap_scores": 17, "offsets": 34, "displacement_fwd": 32, "displacement_bwd": 32}


@pytest.fixture(scope="module")
def weights():
    return build.load_weights()


def random_input():
    return np.random.default_rng(7).uniform(-1, 1, (1, *INPUT_HW, 3)).astype(np.float32)


def photo_input(image):
    """A real photo, so the heatmaps reach high scores too."""
    resized = cv2.resize(np.asarray(image), INPUT_HW[::-1], interpolation=cv2.INTER_AREA)
    return (resized.astype(np.float32) / 127.5 - 1.0)[None]


@pytest.mark.parametrize("stride", [8, 16, 32])
@pytest.mark.parametrize("source", ["random", "photo"])
def test_tflite_network_equals_the_tensorflow_graph(net, weights, pose_image, stride, source):
    x = random_input() if source == "random" else photo_input(pose_image)
    assert isinstance(net.network, network.Network)
    lite = net.network.run(x, stride)
    graph = dict(zip(network.OUTPUT_NAMES, (t.numpy() for t in build.build_tf_function(weights, stride)(x))))

    rows, cols = ((side - 1) // stride + 1 for side in INPUT_HW)
    assert list(lite) == list(network.OUTPUT_NAMES) == list(CHANNELS)
    for name, channels in CHANNELS.items():
        assert lite[name].shape == graph[name].shape == (rows, cols, channels), name
        np.testing.assert_allclose(lite[name], graph[name], atol=1e-3, rtol=1e-4, err_msg=name)
    scores = lite["heatmap_scores"]
    assert 0.0 <= scores.min() and scores.max() <= 1.0
    if source == "photo":
        assert scores.max() > 0.5  # a person is found: the comparison covered high scores


NATIVE = [(1, 1), (2, 1), (1, 1), (2, 1), (1, 1), (2, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1)]


def test_block_plan_at_stride_16_is_the_trained_network():
    assert build.block_plan(16) == NATIVE


def test_block_plan_at_stride_8_runs_block_6_at_stride_1_and_dilates_the_rest():
    plan = build.block_plan(8)
    assert plan[:5] == NATIVE[:5]
    assert plan[5] == (1, 1)  # block 6
    assert plan[6:] == [(1, 2)] * 7  # blocks 7 .. 13


def test_block_plan_at_stride_32_runs_block_12_at_stride_2():
    plan = build.block_plan(32)
    assert plan[11] == (2, 1)  # block 12
    assert plan[:11] + plan[12:] == NATIVE[:11] + NATIVE[12:]


@pytest.mark.parametrize("stride", [8, 16, 32])
def test_block_plan_strides_multiply_to_the_output_stride(stride):
    # Conv2d_0 has stride 2.
    assert 2 * np.prod([s for s, _ in build.block_plan(stride)]) == stride


def test_block_plan_refuses_other_strides():
    with pytest.raises(ValueError, match="output_stride"):
        build.block_plan(10)


# --- offline -------------------------------------------------------------------------------


def test_weights_and_models_ship_inside_the_package():
    package = pathlib.Path(posenet_core.__file__).resolve().parent
    weights_file = build.WEIGHTS_FILE.resolve()
    assert weights_file.is_file()
    assert weights_file.parent == package / "weights"
    assert weights_file.suffix == ".npz"
    assert len(build.load_weights()) == 62
    for precision in posenet_core.params.PRECISIONS:
        for stride in network.OUTPUT_STRIDES:
            model = network.model_path(stride, precision=precision).resolve()
            assert model.parent == package / "models" and model.is_file(), model


def test_int8_models_are_quantized_and_a_third_of_the_float_size():
    from ai_edge_litert.interpreter import Interpreter

    for stride in network.OUTPUT_STRIDES:
        float_size = network.model_path(stride).stat().st_size
        int8_path = network.model_path(stride, precision="int8")
        assert int8_path.name == f"posenet_stride{stride}_int8.tflite"
        assert int8_path.stat().st_size < 0.35 * float_size
        tensors = Interpreter(model_path=str(int8_path)).get_tensor_details()
        # Weights and activations in int8 (biases int32): only the input and the four outputs are float.
        floats = sorted(t["name"] for t in tensors if t["dtype"] == np.float32)
        assert floats == ["Identity", "Identity_1", "Identity_2", "Identity_3", "image"]
        assert sum(t["dtype"] == np.int8 for t in tensors) >= 2 * 13 + 2 + 4  # 13 blocks, first conv, 4 heads


def test_precision_is_chosen_at_load_and_per_call(pose_image):
    int8 = posenet_core.load(precision="int8", num_threads=1)
    floating = posenet_core.load(num_threads=1)
    assert (int8.network.precision, floating.network.precision) == ("int8", "float")
    by_default, asked = int8.predict(pose_image), floating.predict(pose_image, precision="int8")
    np.testing.assert_array_equal(by_default.heatmap_scores, asked.heatmap_scores)
    different = floating.predict(pose_image).heatmap_scores
    assert not np.array_equal(different, asked.heatmap_scores)
    assert np.abs(different - asked.heatmap_scores).max() < 0.2  # the same network, rounded


def test_unknown_precision_is_refused_in_words(pose_image):
    with pytest.raises(ValueError, match="precision must be one of float, int8; got 'int4'"):
        posenet_core.load(precision="int4")
    with pytest.raises(ValueError, match="precision must be one of float, int8"):
        posenet_core.load().predict(pose_image, precision="half")


def test_a_missing_model_file_says_how_to_rebuild_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"posenet_stride16\.tflite.*python -m posenet_core\.build"):
        network.Network(models_dir=tmp_path).warm_up((16,))


def test_model_refuses_other_strides():
    with pytest.raises(ValueError, match="output_stride"):
        network.Network().model(10)


class NetworkAccess(AssertionError):
    pass


def refuse(*args, **kwargs):
    raise NetworkAccess(f"network access attempted: {args!r}")


def test_load_needs_no_network_access(monkeypatch, pose_image, net):
    for target, name in [
        (socket.socket, "connect"),
        (socket.socket, "connect_ex"),
        (socket, "create_connection"),
        (socket, "getaddrinfo"),
        (urllib.request, "urlopen"),
    ]:
        monkeypatch.setattr(target, name, refuse)
    with pytest.raises(NetworkAccess):  # the guard itself works
        urllib.request.urlopen("https://storage.googleapis.com/tfjs-models/")

    offline = posenet_core.load()
    pose = offline.estimate_single_pose(pose_image)
    assert pose.score > 0.5
    assert pose.positions_xy() == pytest.approx(net.estimate_single_pose(pose_image).positions_xy(), abs=1e-3)


# --- LiteRT ---------------------------------------------------------------------------------


@pytest.mark.parametrize("num_threads", [1, 2])
def test_load_passes_num_threads_to_the_interpreter(monkeypatch, pose_image, num_threads):
    from ai_edge_litert import interpreter as litert

    created = []

    class Recording(litert.Interpreter):
        def __init__(self, *args, **kwargs):
            created.append(kwargs.get("num_threads"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(litert, "Interpreter", Recording)
    net = posenet_core.load(num_threads=num_threads)
    net.estimate_single_pose(pose_image)
    assert created == [num_threads]


@pytest.mark.parametrize("stride", [8, 16, 32])
def test_litert_gives_exactly_what_tensorflows_tflite_interpreter_gave(net, pose_image, stride):
    """Serving moved from tf.lite.Interpreter to LiteRT: same flat buffer, same kernels, same numbers,
    so every decoded pose stays what it was."""
    import tensorflow as tf

    x = photo_input(pose_image)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # TF 2.21: tf.lite.Interpreter moves to LiteRT
        before = tf.lite.Interpreter(model_content=net.network.model(stride), num_threads=2)
    index = before.get_input_details()[0]["index"]
    before.resize_tensor_input(index, x.shape, strict=False)
    before.allocate_tensors()
    before.set_tensor(index, x)
    before.invoke()
    by_name = {d["name"]: before.get_tensor(d["index"]) for d in before.get_output_details()}
    now = net.network.run(x, stride)
    for number, name in enumerate(network.OUTPUT_NAMES):
        np.testing.assert_array_equal(now[name], by_name[f"Identity_{number}" if number else "Identity"], err_msg=name)


# --- threads -------------------------------------------------------------------------------


@pytest.mark.parametrize("second", ["three_people", "mirrored"])
def test_two_threads_on_different_images_give_the_sequential_results(net, pose_image, three_people_image, second):
    """Different sizes run on separate interpreters side by side; the same size (the mirrored
    photo) shares one interpreter, so the threads must take turns."""
    other = three_people_image if second == "three_people" else np.ascontiguousarray(pose_image[:, ::-1])
    strides = (16, 8, 16, 16, 8)
    jobs = {
        "single": lambda: [net.estimate_single_pose(pose_image, output_stride=stride) for stride in strides],
        "multi": lambda: [net.estimate_multiple_poses(other, output_stride=stride) for stride in strides],
    }
    sequential = {name: job() for name, job in jobs.items()}

    barrier = threading.Barrier(len(jobs))
    concurrent, errors = {}, []

    def worker(name):
        try:
            barrier.wait(timeout=30)
            concurrent[name] = jobs[name]()
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(name,)) for name in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert concurrent == sequential
