"""The numbers of the "Newer models" tab: every model on one picture, and MoveNet's centre-out walk.

Plain Python: each number is one of the models' own outputs (or timed here around their calls).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

import posenet_core
from posenet_core import PART_NAMES, Pose
from posenet_core.successors.movenet import CentreOutWalk, MoveNetOutputs, centre_prior, decode_centre_out

COMPARED = ("posenet", "movenet-lightning", "movenet-thunder", "blazepose-full")


@dataclass(frozen=True)
class ModelRun:
    name: str
    label: str
    poses: list[Pose]
    input_size: tuple[int, int]  # (height, width) the network saw
    grid: tuple[int, int]  # its output grid, cells
    network_ms: float
    decode_ms: float


def run_model(name: str, image: np.ndarray, *, multi_pose: bool = False) -> ModelRun:
    """One model on the picture at its defaults (PoseNet: scale 0.5, stride 16), timed."""
    estimator = posenet_core.load_estimator(name)
    outputs = estimator.predict(image)
    started = time.perf_counter()
    poses = estimator.poses_from(outputs, multi_pose=multi_pose)
    decode_ms = 1e3 * (time.perf_counter() - started)
    return ModelRun(
        name,
        estimator.info.label,
        poses,
        tuple(outputs.input_size),
        tuple(outputs.output_resolution),
        outputs.timings_ms["network"],
        decode_ms,
    )


@dataclass(frozen=True)
class CentreOutLesson:
    outputs: MoveNetOutputs
    walk: CentreOutWalk
    centre_score: float  # the centre heatmap at the chosen cell
    centre_weight: float  # the prior at that cell (1 / (distance to the middle + 1.8))
    plain_argmax_cells: np.ndarray  # 17 x 2: where each part's heatmap peaks anywhere (PoseNet's rule)

    @property
    def parts_moved_by_the_centre(self) -> list[str]:
        """Parts whose chosen cell is not their heatmap's peak: the centre's regression decided."""
        differs = np.any(self.plain_argmax_cells != self.walk.part_cells, axis=1)
        return [PART_NAMES[k] for k in np.flatnonzero(differs)]

    def rows(self) -> list[dict]:
        """One table row per part, in cells and in frame pixels."""
        w, o = self.walk, self.outputs
        pixels = o.letterbox.to_image_yx(w.positions_yx * o.cell_pixels)
        return [
            {
                "part": part,
                "regressed to (y, x)": tuple(np.round(w.regressed_yx[k], 2)),
                "chosen cell": tuple(int(v) for v in w.part_cells[k]),
                "heatmap peak": tuple(int(v) for v in self.plain_argmax_cells[k]),
                "score": float(w.scores[k]),
                "offset (dy, dx)": tuple(np.round(w.offsets_yx[k], 2)),
                "x px": float(pixels[k, 1]),
                "y px": float(pixels[k, 0]),
            }
            for k, part in enumerate(PART_NAMES)
        ]


def centre_out_lesson(image: np.ndarray, name: str = "movenet-lightning") -> CentreOutLesson:
    outputs = posenet_core.load_estimator(name).predict(image)
    walk = decode_centre_out(outputs.heatmap_scores, outputs.centre_scores, outputs.regression, outputs.offsets)
    rows, cols = outputs.centre_scores.shape
    flat = outputs.heatmap_scores.reshape(rows * cols, -1).argmax(axis=0)
    return CentreOutLesson(
        outputs,
        walk,
        float(outputs.centre_scores[walk.centre_cell]),
        float(centre_prior(rows, cols)[walk.centre_cell]),
        np.stack(np.unravel_index(flat, (rows, cols)), axis=1),
    )
