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

Beside each float model an int8 one (``posenet_stride16_int8.tflite``): full-integer post-training
quantization, weights per channel, activations calibrated on real frames, the sample media's
photos and every 8th frame of the squats video at the pages' default scale factor 0.5. Input and
outputs stay float32, so callers feed and read both alike. The calibration is deterministic: the
same weights and samples give byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pathlib

import numpy as np

from .network import MODELS_DIR, model_path
from .params import DEFAULT_SCALE_FACTOR, OUTPUT_STRIDES, PRECISIONS, check_output_stride, network_input_size

WEIGHTS_FILE = pathlib.Path(__file__).parent / "weights" / "posenet_mobilenet_v1_075.npz"
# The calibration media: studio/samples/ of a checkout (an installed package has no samples: pass --samples).
SAMPLES_DIR = pathlib.Path(__file__).resolve().parent.parent / "studio" / "samples"
CALIBRATION_PHOTOS = ("pose.jpg", "three_people.jpg")
CALIBRATION_VIDEO = "pose_squats.mp4"
CALIBRATION_VIDEO_EVERY = 8  # frames 0, 8, ..., 64 of the 65
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


def calibration_images(samples_dir: pathlib.Path = SAMPLES_DIR) -> list[np.ndarray]:
    """The RGB pictures the int8 models' activation ranges are measured on (see the module's doc)."""
    import av
    import cv2

    missing = [name for name in (*CALIBRATION_PHOTOS, CALIBRATION_VIDEO) if not (samples_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"calibration media missing in {samples_dir}: {', '.join(missing)} (use --samples DIR)")
    images = [cv2.cvtColor(cv2.imread(str(samples_dir / name)), cv2.COLOR_BGR2RGB) for name in CALIBRATION_PHOTOS]
    with av.open(str(samples_dir / CALIBRATION_VIDEO)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number % CALIBRATION_VIDEO_EVERY == 0:
                images.append(frame.to_ndarray(format="rgb24"))
    return images


def calibration_batches(images: list[np.ndarray], output_stride: int) -> list[np.ndarray]:
    """Each image as the network sees it at the default scale factor: [1, H, W, 3] float32 in [-1, 1]."""
    import cv2

    batches = []
    for image in images:
        height, width = network_input_size(*image.shape[:2], DEFAULT_SCALE_FACTOR, output_stride)
        resized = cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)
        batches.append((resized.astype(np.float32) / 127.5 - 1.0)[None])
    return batches


def convert_to_tflite(
    weights: dict[str, np.ndarray], output_stride: int, calibration: list[np.ndarray] | None = None
) -> bytes:
    """The float model, or with ``calibration`` (``calibration_batches``) the int8 one."""
    import tensorflow as tf

    forward = build_tf_function(weights, output_stride)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([forward.get_concrete_function()], forward)
    if calibration is not None:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([batch] for batch in calibration)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]  # every op int8, or fail
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


def build_models(
    directory: pathlib.Path = MODELS_DIR,
    weights_file: pathlib.Path = WEIGHTS_FILE,
    samples_dir: pathlib.Path = SAMPLES_DIR,
) -> list[pathlib.Path]:
    """Write one ``.tflite`` per output stride and precision and their ``SHA256SUMS`` into ``directory``."""
    images = calibration_images(samples_dir)  # fail before the slow part
    directory.mkdir(parents=True, exist_ok=True)
    weights = load_weights(weights_file)
    written = []
    for precision in PRECISIONS:
        for stride in OUTPUT_STRIDES:
            calibration = calibration_batches(images, stride) if precision == "int8" else None
            path = model_path(stride, directory, precision)
            path.write_bytes(convert_to_tflite(weights, stride, calibration))
            written.append(path)
    lines = [f"{sha256(path)}  {path.name}" for path in written]
    (directory / CHECKSUMS_NAME).write_text("\n".join(lines) + "\n")
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m posenet_core.build",
        description="Convert the vendored PoseNet weights to one TFLite model per output stride and precision "
        "(float and int8; needs TensorFlow).",
    )
    parser.add_argument("--out", type=pathlib.Path, default=MODELS_DIR, help=f"directory (default {MODELS_DIR})")
    parser.add_argument(
        "--samples", type=pathlib.Path, default=SAMPLES_DIR, help=f"int8 calibration media (default {SAMPLES_DIR})"
    )
    args = parser.parse_args(argv)
    for path in build_models(args.out, samples_dir=args.samples):
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB, sha256 {sha256(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
