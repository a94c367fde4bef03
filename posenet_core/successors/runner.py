"""One vendored TFLite model run by LiteRT, safe to share between threads (one call at a time)."""

from __future__ import annotations

import os
import pathlib
import threading

import numpy as np

MODELS_DIR = pathlib.Path(__file__).parent / "models"


class Runner:
    """A fixed-shape TFLite model; ``run`` returns its outputs in the model's own output order.

    Args:
        file_name: A file in ``models/``.
        num_threads: CPU threads for LiteRT; None: up to 4.
    """

    def __init__(self, file_name: str, num_threads: int | None = None, models_dir: pathlib.Path = MODELS_DIR):
        from ai_edge_litert.interpreter import Interpreter

        path = pathlib.Path(models_dir) / file_name
        if not path.is_file():
            raise FileNotFoundError(f"model {path} is missing; rebuild it: python -m posenet_core.successors.build")
        self.path = path
        self._interpreter = Interpreter(model_path=str(path), num_threads=num_threads or min(4, os.cpu_count() or 1))
        self._interpreter.allocate_tensors()
        detail = self._interpreter.get_input_details()[0]
        self.input_index = detail["index"]
        self.input_shape = tuple(int(n) for n in detail["shape"])
        self.input_dtype = detail["dtype"]
        self.output_details = self._interpreter.get_output_details()
        self._lock = threading.Lock()

    def run(self, batch: np.ndarray) -> list[np.ndarray]:
        with self._lock:
            self._interpreter.set_tensor(self.input_index, batch.astype(self.input_dtype, copy=False))
            self._interpreter.invoke()
            return [self._interpreter.get_tensor(d["index"]) for d in self.output_details]
