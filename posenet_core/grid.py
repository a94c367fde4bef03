"""The network's output grid, shared by the decoders and the drawings: tensor checks and the nearest cell."""

from __future__ import annotations

import math

import numpy as np


def check_tensor(name: str, array, channels: int, like: np.ndarray | None = None) -> np.ndarray:
    """``array`` as an H x W x ``channels`` array (the same H x W as ``like``); else a ValueError naming it."""
    array = np.asarray(array)
    if array.ndim != 3 or array.shape[2] != channels or array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"{name} must be an H x W x {channels} array; got shape {array.shape}")
    if like is not None and array.shape[:2] != like.shape[:2]:
        raise ValueError(f"{name} must have the same H x W as heatmap_scores {like.shape[:2]}; got {array.shape[:2]}")
    return array


def nearest_cell(y: float, x: float, output_stride: int, rows: int, cols: int) -> tuple[int, int]:
    """The grid cell nearest a network-input position, clamped to the grid.

    Rounds half up, as JavaScript's Math.round in the original decoder (Python's round()
    is banker's).
    """
    cy = min(max(math.floor(y / output_stride + 0.5), 0), rows - 1)
    cx = min(max(math.floor(x / output_stride + 0.5), 0), cols - 1)
    return cy, cx
