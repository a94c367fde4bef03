"""LiteRT against TensorFlow's own TFLite interpreter on the same flat buffers: ``python benchmarks/interpreter_ab.py``.

Serving used to run the models through ``tf.lite.Interpreter`` (TensorFlow 2.21) and now runs
them through ``ai_edge_litert.interpreter.Interpreter``. Both get the same vendored ``.tflite``
file, the same input and the same thread count; their invokes alternate, so a machine shared
with other work slows both alike. Prints median milliseconds per invoke, the ratio, and
whether the outputs are bit-identical. Needs TensorFlow (the "before" side). Not a test.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from posenet_core import network  # noqa: E402

SAMPLE = pathlib.Path(__file__).resolve().parent.parent / "studio" / "samples" / "three_people.jpg"


def interpreter(cls, model: bytes, size: int, threads: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TF 2.21 warns that tf.lite.Interpreter moves to LiteRT
        instance = cls(model_content=model, num_threads=threads)
    index = instance.get_input_details()[0]["index"]
    instance.resize_tensor_input(index, [1, size, size, 3], strict=False)
    instance.allocate_tensors()
    return instance, index


def outputs(instance) -> list[np.ndarray]:
    return [instance.get_tensor(d["index"]) for d in instance.get_output_details()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--threads", type=int, default=min(4, os.cpu_count() or 1))
    args = parser.parse_args()

    import tensorflow as tf
    from ai_edge_litert.interpreter import Interpreter as LiteRT

    TensorFlowLite = tf.lite.Interpreter

    image = cv2.cvtColor(cv2.imread(str(SAMPLE)), cv2.COLOR_BGR2RGB)
    print(f"{os.cpu_count()} cores, {args.threads} threads, median of {args.repeats} alternating invokes (ms)\n")
    print(f"{'stride':>6} {'input':>8} {'tf.lite':>8} {'litert':>8} {'ratio':>6}  outputs")
    ratios = []
    for stride in network.OUTPUT_STRIDES:
        model = network.model_path(stride).read_bytes()
        for size in (257, 385, 513):
            batch = (cv2.resize(image, (size, size)).astype(np.float32) / 127.5 - 1.0)[None]
            sides = {
                name: interpreter(cls, model, size, args.threads)
                for name, cls in [("tf", TensorFlowLite), ("litert", LiteRT)]
            }
            times = {name: [] for name in sides}
            for _ in range(args.repeats + 3):  # the first 3 are warm-up
                for name, (instance, index) in sides.items():
                    instance.set_tensor(index, batch)
                    started = time.perf_counter()
                    instance.invoke()
                    times[name].append(time.perf_counter() - started)
            tf_ms, litert_ms = (1e3 * statistics.median(times[name][3:]) for name in sides)
            same = all(np.array_equal(a, b) for a, b in zip(outputs(sides["tf"][0]), outputs(sides["litert"][0])))
            ratios.append(litert_ms / tf_ms)
            print(
                f"{stride:>6} {size:>4}x{size:<3} {tf_ms:>8.2f} {litert_ms:>8.2f} {litert_ms / tf_ms:>6.3f}  "
                f"{'bit-identical' if same else 'DIFFERENT'}"
            )
    print(f"\nlitert / tf.lite, geometric mean over the table: {statistics.geometric_mean(ratios):.3f}")


if __name__ == "__main__":
    main()
