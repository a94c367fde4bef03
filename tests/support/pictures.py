"""Comparing video frames: how much changed, and how much of the skeleton's colour is there."""

from __future__ import annotations

import numpy as np

# The colour draw_poses uses for the first pose (posenet_core/draw.py, POSE_COLOURS[0]).
SKELETON_RGB = (0, 230, 160)


def strong_changes(a: np.ndarray, b: np.ndarray, threshold: int = 60) -> int:
    """Pixels where two same-sized pictures differ by more than ``threshold`` on some channel."""
    if a.shape != b.shape:
        raise ValueError(f"pictures differ in size: {a.shape} vs {b.shape}")
    return int((np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=-1) > threshold).sum())


def mean_change(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def count_near(rgb: np.ndarray, colour=SKELETON_RGB, tolerance: int = 40) -> int:
    """Pixels within ``tolerance`` of ``colour`` on every channel."""
    diff = np.abs(rgb.astype(np.int16) - np.array(colour, np.int16))
    return int(np.all(diff <= tolerance, axis=-1).sum())
