"""Build the TFLite models shipped in ``posenet_core/models/`` from the vendored weights.

    python -m posenet_core.build [--out DIR]

Needs TensorFlow (``pip install posenet-core[build]``); serving does not. The weights behave
as a backbone whose native output stride is 16 (measured against a reference, see
``weights/README.md``). The other strides reuse the same tensors:

* stride 8:  block 6 runs at stride 1 and every later depthwise conv is dilated by 2,
  so the receptive field stays what the weights were trained for;
* stride 32: block 12 runs at stride 2.

Each stride's graph is traced once with TensorFlow and converted to a TensorFlow Lite flat
buffer: TFLite's XNNPACK kernels run this small network several times faster than
TensorFlow's own CPU kernels. The sigmoid over the heatmap is part of the graph, so the
network returns scores. The input size is left dynamic (``[1, None, None, 3]``); the
interpreter is resized per input at run time. ``SHA256SUMS`` lists the files written, so a
test can tell that the vendored models are the ones these weights give.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pathlib

import numpy as np

from .network import MODELS_DIR, model_path
from .params import OUTPUT_STRIDES, check_output_stride

WEIGHTS_FILE = pathlib.Path(__file__).parent / "weights" / "posenet_mobilenet_v1_075.npz"
CHECKSUMS_NAME = "SHA256SUMS"

# Strides of Conv2d_1 .. Conv2d_13 in the trained (native stride 16) network.
_NATIVE_BLOCK_STRIDES = (1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1)
# TensorFlow's own CPU kernel for a dilated depthwise conv exists only in its oneDNN build, which
# TensorFlow turns on by itself only on some processors (seen off on an AVX2-only AMD EPYC:
# "Current kernel implementation does not support dilations"). Conversion never runs the graph,
# but the tests and anyone comparing against it do: ask for oneDNN before TensorFlow is imported.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
_HEADS = ("heatmap_2", "offset_2", "displacement_fwd_2", "displacement_bwd_2")


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


def sha256(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_checksums(directory: pathlib.Path = MODELS_DIR) -> dict[str, str]:
    """``SHA256SUMS`` as {file name: hex digest} (the ``sha256sum`` format: digest, two spaces, name)."""
    checksums = {}
    for line in (directory / CHECKSUMS_NAME).read_text().splitlines():
        digest, _, name = line.partition("  ")
        checksums[name] = digest
    return checksums


def build_models(directory: pathlib.Path = MODELS_DIR, weights_file: pathlib.Path = WEIGHTS_FILE) -> list[pathlib.Path]:
    """Write one ``.tflite`` per output stride and their ``SHA256SUMS`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    weights = load_weights(weights_file)
    written = []
    for stride in OUTPUT_STRIDES:
        path = model_path(stride, directory)
        path.write_bytes(convert_to_tflite(weights, stride))
        written.append(path)
    lines = [f"{sha256(path)}  {path.name}" for path in written]
    (directory / CHECKSUMS_NAME).write_text("\n".join(lines) + "\n")
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m posenet_core.build",
        description="Convert the vendored PoseNet weights to one TFLite model per output stride (needs TensorFlow).",
    )
    parser.add_argument("--out", type=pathlib.Path, default=MODELS_DIR, help=f"directory (default {MODELS_DIR})")
    args = parser.parse_args(argv)
    for path in build_models(args.out):
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB, sha256 {sha256(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
