"""The PoseNet MobileNetV1 0.75 network at serving time: the vendored TFLite models, run by LiteRT.

``models/posenet_stride{8,16,32}.tflite`` are built once from the vendored weights with
TensorFlow (``python -m posenet_core.build``, which also explains the stride plans) and
shipped in the package. Serving only needs ``ai-edge-litert``'s interpreter, which runs the
same flat buffers with the same XNNPACK kernels: importing it takes a tenth of a second and
~60 MB, where TensorFlow takes seconds and ~600 MB. Nothing here imports TensorFlow.
"""

from __future__ import annotations

import collections
import os
import pathlib
import threading
from dataclasses import dataclass

import numpy as np

from .params import OUTPUT_STRIDES, check_output_stride

MODELS_DIR = pathlib.Path(__file__).parent / "models"
OUTPUT_NAMES = ("heatmap_scores", "offsets", "displacement_fwd", "displacement_bwd")

# How many (stride, input size) interpreters to keep ready; a live stream uses one.
_INTERPRETER_CACHE_SIZE = 8


def model_path(output_stride: int, directory: pathlib.Path = MODELS_DIR) -> pathlib.Path:
    return directory / f"posenet_stride{output_stride}.tflite"


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

    def __init__(self, num_threads: int | None = None, models_dir: pathlib.Path = MODELS_DIR):
        self._num_threads = num_threads or min(4, os.cpu_count() or 1)
        self._models_dir = pathlib.Path(models_dir)
        self._models: dict[int, bytes] = {}
        self._runners: collections.OrderedDict[tuple, _Runner] = collections.OrderedDict()
        self._lock = threading.Lock()

    @property
    def num_threads(self) -> int:
        """CPU threads each interpreter uses (other models serving beside it take the same)."""
        return self._num_threads

    def model(self, output_stride: int) -> bytes:
        """The TFLite flat buffer for one stride, read from the package on first use."""
        output_stride = check_output_stride(output_stride)
        with self._lock:
            if output_stride not in self._models:
                path = model_path(output_stride, self._models_dir)
                if not path.is_file():
                    raise FileNotFoundError(
                        f"PoseNet model {path} is missing; rebuild it with `python -m posenet_core.build`"
                    )
                self._models[output_stride] = path.read_bytes()
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
        from ai_edge_litert.interpreter import Interpreter

        # The default op resolver applies XNNPACK to this float model.
        interpreter = Interpreter(model_content=model, num_threads=self._num_threads)
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
