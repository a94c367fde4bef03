"""The PoseNet MobileNetV1 0.75 network, rebuilt from the vendored weights.

The weights behave as a backbone whose native output stride is 16 (measured against a
reference, see ``weights/README.md``).  The other strides reuse the same tensors:

* stride 8:  block 6 runs at stride 1 and every later depthwise conv is dilated by 2,
  so the receptive field stays what the weights were trained for;
* stride 32: block 12 runs at stride 2.

Each stride's graph is traced once with TensorFlow and converted to a TensorFlow Lite
flat buffer: TFLite's XNNPACK kernels run this small network several times faster
than TensorFlow's own CPU kernels, and far faster than op-by-op eager execution.
The sigmoid over the heatmap is part of the graph, so the network returns scores.
"""

from __future__ import annotations

import collections
import os
import pathlib
import threading
import warnings
from dataclasses import dataclass

import numpy as np

from .params import OUTPUT_STRIDES, check_output_stride

WEIGHTS_FILE = pathlib.Path(__file__).parent / "weights" / "posenet_mobilenet_v1_075.npz"

# Strides of Conv2d_1 .. Conv2d_13 in the trained (native stride 16) network.
_NATIVE_BLOCK_STRIDES = (1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1)
_HEADS = ("heatmap_2", "offset_2", "displacement_fwd_2", "displacement_bwd_2")
OUTPUT_NAMES = ("heatmap_scores", "offsets", "displacement_fwd", "displacement_bwd")

# How many (stride, input size) interpreters to keep ready; a live stream uses one.
_INTERPRETER_CACHE_SIZE = 8


def block_plan(output_stride: int) -> list[tuple[int, int]]:
    """(stride, dilation) of the depthwise conv in each of the 13 blocks."""
    output_stride = check_output_stride(output_stride)
    plan = [(stride, 1) for stride in _NATIVE_BLOCK_STRIDES]
    if output_stride == 8:
        plan[5] = (1, 1)
        plan[6:] = [(1, 2)] * 7
    elif output_stride == 32:
        plan[11] = (2, 1)
    return plan


def load_weights(path: pathlib.Path = WEIGHTS_FILE) -> dict[str, np.ndarray]:
    with np.load(path) as archive:
        return {name: archive[name] for name in archive.files}


def build_tf_function(weights: dict[str, np.ndarray], output_stride: int):
    """A ``tf.function`` from a [1, H, W, 3] float32 image in [-1, 1] to the four heads."""
    import tensorflow as tf

    plan = block_plan(output_stride)
    const = {name: tf.constant(value) for name, value in weights.items()}

    def conv(x, layer, stride=1):
        x = tf.nn.conv2d(x, const[f"{layer}/weights"], stride, "SAME")
        return tf.nn.bias_add(x, const[f"{layer}/biases"])

    @tf.function(input_signature=[tf.TensorSpec([1, None, None, 3], tf.float32)])
    def forward(image):
        x = tf.nn.relu6(conv(image, "Conv2d_0", 2))
        for block, (stride, dilation) in enumerate(plan, start=1):
            # The raw op carries the dilation itself; tf.nn.depthwise_conv2d would
            # wrap it in space-to-batch ops that TFLite cannot fuse at dynamic sizes.
            x = tf.raw_ops.DepthwiseConv2dNative(
                input=x,
                filter=const[f"Conv2d_{block}_depthwise/weights"],
                strides=[1, stride, stride, 1],
                padding="SAME",
                dilations=[1, dilation, dilation, 1],
            )
            x = tf.nn.relu6(tf.nn.bias_add(x, const[f"Conv2d_{block}_depthwise/biases"]))
            x = tf.nn.relu6(conv(x, f"Conv2d_{block}_pointwise"))
        heatmap, offsets, fwd, bwd = (conv(x, head)[0] for head in _HEADS)
        # A tuple, not a dict: TFLite names tuple outputs Identity, Identity_1, ... in order.
        return tf.sigmoid(heatmap), offsets, fwd, bwd

    return forward


def convert_to_tflite(weights: dict[str, np.ndarray], output_stride: int) -> bytes:
    import tensorflow as tf

    forward = build_tf_function(weights, output_stride)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([forward.get_concrete_function()], forward)
    return converter.convert()


@dataclass
class _Runner:
    """One TFLite interpreter sized for one input shape; not thread safe, hence the lock."""

    interpreter: object
    input_index: int
    output_indices: list[int]
    lock: threading.Lock

    def run(self, image: np.ndarray) -> dict[str, np.ndarray]:
        with self.lock:
            self.interpreter.set_tensor(self.input_index, image)
            self.interpreter.invoke()
            return {name: self.interpreter.get_tensor(i) for name, i in zip(OUTPUT_NAMES, self.output_indices)}


class Network:
    """Runs PoseNet at any output stride and input size.

    Thread safe: each (stride, size) interpreter has its own lock, so concurrent
    callers with the same input size take turns and callers with different sizes
    run side by side.
    """

    def __init__(self, weights: dict[str, np.ndarray] | None = None, num_threads: int | None = None):
        self._weights = weights if weights is not None else load_weights()
        self._num_threads = num_threads or min(4, os.cpu_count() or 1)
        self._models: dict[int, bytes] = {}
        self._runners: collections.OrderedDict[tuple, _Runner] = collections.OrderedDict()
        self._lock = threading.Lock()

    def model(self, output_stride: int) -> bytes:
        """The TFLite flat buffer for one stride, converted on first use (about a second)."""
        with self._lock:
            if output_stride not in self._models:
                self._models[output_stride] = convert_to_tflite(self._weights, output_stride)
            return self._models[output_stride]

    def warm_up(self, output_strides=OUTPUT_STRIDES) -> None:
        for stride in output_strides:
            self.model(stride)

    def _runner(self, output_stride: int, height: int, width: int) -> _Runner:
        key = (output_stride, height, width)
        with self._lock:
            runner = self._runners.get(key)
            if runner is not None:
                self._runners.move_to_end(key)
                return runner
        runner = self._make_runner(self.model(output_stride), height, width)
        with self._lock:
            self._runners[key] = runner
            while len(self._runners) > _INTERPRETER_CACHE_SIZE:
                self._runners.popitem(last=False)
        return runner

    def _make_runner(self, model: bytes, height: int, width: int) -> _Runner:
        from tensorflow import lite

        with warnings.catch_warnings():
            # TF 2.21 (pinned) still ships tf.lite.Interpreter; it warns that a later
            # release moves it to the ai-edge-litert package.
            warnings.simplefilter("ignore", UserWarning)
            interpreter = lite.Interpreter(model_content=model, num_threads=self._num_threads)
        input_index = interpreter.get_input_details()[0]["index"]
        interpreter.resize_tensor_input(input_index, [1, height, width, 3], strict=False)
        interpreter.allocate_tensors()
        outputs = sorted(interpreter.get_output_details(), key=lambda d: _identity_number(d["name"]))
        return _Runner(interpreter, input_index, [d["index"] for d in outputs], threading.Lock())

    def run(self, image: np.ndarray, output_stride: int) -> dict[str, np.ndarray]:
        """``image``: float32 [1, H, W, 3] in [-1, 1]; returns H' x W' x C arrays."""
        _, height, width, _ = image.shape
        return self._runner(output_stride, height, width).run(image)


def _identity_number(name: str) -> int:
    """'Identity' -> 0, 'Identity_3' -> 3: the position of a TFLite output in the tuple."""
    _, _, number = name.partition("_")
    return int(number or 0)
