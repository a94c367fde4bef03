"""MoveNet (Lightning, Thunder: one person; MultiPose: up to six), PoseNet's successor in TF.js.

MoveNet decodes centre-out, where PoseNet decodes part by part: its network is a CenterNet, and
the vendored models return four heads on a grid of input / 4 cells beside the graph's own result:

* ``centre_scores``: where a person's centre is (one channel, after the sigmoid);
* ``regression``: from a centre cell, (dy, dx) in cells to each of the 17 parts (2k, 2k + 1);
* ``heatmap_scores``: per part, how likely each cell holds it (17 channels, after the sigmoid);
* ``offsets``: from a cell, (dy, dx) in cells to the exact spot of each part (2k, 2k + 1).

Single-pose decoding (inside the graph; ``decode_centre_out`` repeats it in NumPy for teaching):
the best centre (its scores divided by a prior that favours the middle of the frame), the
regressed point of each part from there, the part's heatmap cell scoring best once divided by
(distance to that point + 1.8), and that cell's offset. The graph's result is what the
estimator returns: ``keypoints`` 17 x (y, x, score), normalised to the square input. MultiPose
does the same from each of its six best centres and adds a box and a score per person: 6 x 56.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .. import params
from ..parts import NUM_KEYPOINTS
from ..pose import Pose
from .letterbox import Letterbox
from .runner import Runner

MULTI_POSE_ROWS = 6
_ROW_LENGTH = 3 * NUM_KEYPOINTS + 5  # 17 x (y, x, score), then box (y_min, x_min, y_max, x_max) and score
# Rows of MultiPose's result scoring less are empty slots (six rows always come back). Our choice:
# on the sample photos the real people score 0.36-0.79 and the empty slots under 0.01.
MIN_PERSON_SCORE = 0.25
# In the graph: a part's heatmap score is divided by (distance in cells from the regressed point + this).
DISTANCE_BIAS = 1.8


@dataclass(frozen=True)
class MoveNetOutputs:
    """What MoveNet said about one frame: the graph's result, its four heads and the letterbox.

    Grids are H' x W' (input side / 4 cells) x C float32; cell (i, j) sits at input pixel (4i, 4j).
    """

    keypoints: np.ndarray  # single: 17 x 3 (y, x, score), y and x 0..1 of the square input; multi: 6 x 56
    heatmap_scores: np.ndarray  # H' x W' x 17
    centre_scores: np.ndarray  # H' x W'
    regression: np.ndarray  # H' x W' x 34, cells
    offsets: np.ndarray  # H' x W' x 34, cells
    letterbox: Letterbox
    timings_ms: dict = field(default_factory=dict)  # "resize", "network"

    @property
    def cell_pixels(self) -> float:
        """Input pixels per grid cell (4)."""
        return self.letterbox.side / self.heatmap_scores.shape[0]

    @property
    def output_resolution(self) -> tuple[int, int]:
        return self.heatmap_scores.shape[0], self.heatmap_scores.shape[1]

    @property
    def input_size(self) -> tuple[int, int]:
        return self.letterbox.side, self.letterbox.side


def _pose(letterbox: Letterbox, yx_normalised: np.ndarray, scores: np.ndarray, score: float) -> Pose:
    positions = letterbox.to_image_yx(np.asarray(yx_normalised, np.float64) * letterbox.side)
    return Pose.from_arrays(score, positions, np.asarray(scores, np.float64))


def decode_single(keypoints: np.ndarray, letterbox: Letterbox) -> Pose:
    """The single-pose graph's 17 x 3 result as a ``Pose`` in frame pixels; its score is the mean part score.

    Raises:
        ValueError: ``keypoints`` is not 17 x 3.
    """
    keypoints = np.asarray(keypoints, np.float64).reshape(-1, 3)
    if keypoints.shape != (NUM_KEYPOINTS, 3):
        raise ValueError(f"keypoints must be {NUM_KEYPOINTS} x 3 (y, x, score); got shape {keypoints.shape}")
    return _pose(letterbox, keypoints[:, :2], keypoints[:, 2], float(keypoints[:, 2].mean()))


def decode_multi(rows: np.ndarray, letterbox: Letterbox, min_score: float = MIN_PERSON_SCORE) -> list[Pose]:
    """MultiPose's 6 x 56 result as poses in frame pixels, best first; each pose's score is the
    graph's person score, and rows scoring under ``min_score`` are left out.

    Raises:
        ValueError: ``rows`` are not N x 56.
    """
    rows = np.asarray(rows, np.float64).reshape(-1, _ROW_LENGTH) if np.size(rows) else np.zeros((0, _ROW_LENGTH))
    if rows.ndim != 2 or rows.shape[1] != _ROW_LENGTH:
        raise ValueError(f"rows must be N x {_ROW_LENGTH}; got shape {np.shape(rows)}")
    poses = []
    for row in rows[np.argsort(-rows[:, -1], kind="stable")]:
        if row[-1] < min_score:
            break
        parts = row[: 3 * NUM_KEYPOINTS].reshape(NUM_KEYPOINTS, 3)
        poses.append(_pose(letterbox, parts[:, :2], parts[:, 2], float(row[-1])))
    return poses


@dataclass(frozen=True)
class CentreOutWalk:
    """Every step of single-pose decoding for one frame, in grid cells (for teaching).

    Attributes:
        centre_cell: (row, column) of the chosen centre.
        regressed_yx: 17 x 2, where the regression from the centre puts each part.
        part_cells: 17 x 2, the cell chosen for each part.
        offsets_yx: 17 x 2, that cell's offset for its part.
        positions_yx: 17 x 2, part_cells + offsets_yx: the part's position in cells.
        scores: 17, the heatmap score at each part's cell.
    """

    centre_cell: tuple[int, int]
    regressed_yx: np.ndarray
    part_cells: np.ndarray
    offsets_yx: np.ndarray
    positions_yx: np.ndarray
    scores: np.ndarray


def centre_prior(rows: int, cols: int) -> np.ndarray:
    """MoveNet's weight on each centre cell: 1 / (distance in cells from cell (rows // 2, cols // 2) + 1.8).

    The graph multiplies the centre heatmap by the same numbers (its ``truediv_2_recip`` constant,
    read from the npm package's weights), so the person nearest the middle of the frame wins.
    """
    ys, xs = np.mgrid[0:rows, 0:cols].astype(np.float64)
    return 1.0 / (np.hypot(ys - rows // 2, xs - cols // 2) + DISTANCE_BIAS)


def decode_centre_out(
    heatmap_scores: np.ndarray, centre_scores: np.ndarray, regression: np.ndarray, offsets: np.ndarray
) -> CentreOutWalk:
    """Single-pose MoveNet decoding in NumPy, step by step (the graph does the same).

    Args:
        heatmap_scores: H x W x 17, after the sigmoid.
        centre_scores: H x W, after the sigmoid.
        regression: H x W x 34, cells: (dy, dx) of part k in channels 2k, 2k + 1.
        offsets: H x W x 34, cells, the same layout.

    Returns:
        The walk; ``positions_yx / H`` are the graph's normalised keypoints.

    Raises:
        ValueError: The shapes do not fit together.
    """
    rows, cols = centre_scores.shape[:2]
    expected = ((rows, cols, NUM_KEYPOINTS), (rows, cols, 2 * NUM_KEYPOINTS), (rows, cols, 2 * NUM_KEYPOINTS))
    if (heatmap_scores.shape, regression.shape, offsets.shape) != expected:
        raise ValueError(
            f"expected heatmaps, regression and offsets shaped {expected} for a {rows} x {cols} centre heatmap; "
            f"got {heatmap_scores.shape}, {regression.shape}, {offsets.shape}"
        )
    weighted = centre_scores.reshape(rows, cols) * centre_prior(rows, cols)
    cy, cx = np.unravel_index(int(np.argmax(weighted)), (rows, cols))
    regressed = np.array([cy, cx], np.float64) + regression[cy, cx].reshape(NUM_KEYPOINTS, 2)
    ys, xs = np.mgrid[0:rows, 0:cols].astype(np.float64)
    distance = np.hypot(ys[..., None] - regressed[:, 0], xs[..., None] - regressed[:, 1])  # H x W x 17
    flat = (heatmap_scores / (distance + DISTANCE_BIAS)).reshape(rows * cols, NUM_KEYPOINTS).argmax(axis=0)
    cells = np.stack(np.unravel_index(flat, (rows, cols)), axis=1)
    parts = np.arange(NUM_KEYPOINTS)
    offset = offsets[cells[:, 0], cells[:, 1]].reshape(NUM_KEYPOINTS, NUM_KEYPOINTS, 2)[parts, parts]
    return CentreOutWalk(
        centre_cell=(int(cy), int(cx)),
        regressed_yx=regressed,
        part_cells=cells,
        offsets_yx=offset.astype(np.float64),
        positions_yx=cells + offset,
        scores=heatmap_scores[cells[:, 0], cells[:, 1], parts].astype(np.float64),
    )


class MoveNet:
    """One MoveNet model; thread safe, share one instance.

    Args:
        file_name: The vendored ``.tflite`` in ``models/``.
        multi_pose: True for MultiPose (6 x 56 result), False for Lightning and Thunder (17 x 3).
        num_threads: CPU threads for LiteRT.
    """

    def __init__(self, file_name: str, *, multi_pose: bool, num_threads: int | None = None):
        self.runner = Runner(file_name, num_threads)
        self.multi_pose = multi_pose
        self.side = self.runner.input_shape[1]

    def predict(self, image) -> MoveNetOutputs:
        """Run the network on one RGB frame (grey and RGBA are converted).

        Raises:
            ValueError: ``image`` is not an image.
        """
        image = params.as_rgb_image(image)
        started = time.perf_counter()
        letterbox = Letterbox.fit(image.shape[0], image.shape[1], self.side)
        batch = letterbox.apply(image)[None]
        resized = time.perf_counter()
        # The build writes the outputs in this order for all three models.
        result, heatmaps, centre, regression, offsets = self.runner.run(batch)
        finished = time.perf_counter()
        return MoveNetOutputs(
            keypoints=result[0, 0] if not self.multi_pose else result[0],
            heatmap_scores=heatmaps[0],
            centre_scores=centre[0, :, :, 0],
            regression=regression[0],
            offsets=offsets[0],
            letterbox=letterbox,
            timings_ms={"resize": 1e3 * (resized - started), "network": 1e3 * (finished - resized)},
        )

    def poses_from(self, outputs: MoveNetOutputs) -> list[Pose]:
        """The poses in frame pixels: one for Lightning and Thunder, six (best first) for MultiPose."""
        if self.multi_pose:
            return decode_multi(outputs.keypoints, outputs.letterbox)
        return [decode_single(outputs.keypoints, outputs.letterbox)]
