"""Results: small immutable objects with the article's JSON shape."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parts import PART_IDS, PART_NAMES


@dataclass(frozen=True)
class Position:
    x: float
    y: float


@dataclass(frozen=True)
class Keypoint:
    part: str
    position: Position
    score: float


@dataclass(frozen=True)
class Pose:
    score: float
    keypoints: tuple[Keypoint, ...]
    track_id: int | None = None  # the person's ID across video frames, set by PoseTracker

    @classmethod
    def from_arrays(cls, score: float, positions_yx: np.ndarray, scores: np.ndarray) -> Pose:
        """``positions_yx``: 17 x 2 (y, x) as the network's tensors order them."""
        keypoints = tuple(
            Keypoint(part, Position(float(x), float(y)), float(s))
            for part, (y, x), s in zip(PART_NAMES, positions_yx.tolist(), scores.tolist())
        )
        return cls(float(score), keypoints)

    def positions(self) -> np.ndarray:
        """17 x 2 array of (x, y)."""
        return np.array([(k.position.x, k.position.y) for k in self.keypoints], dtype=np.float64)

    def keypoint_scores(self) -> np.ndarray:
        return np.array([k.score for k in self.keypoints], dtype=np.float64)

    def keypoint(self, part: str) -> Keypoint:
        return self.keypoints[PART_IDS[part]]

    def scaled(self, scale_x: float, scale_y: float, flip_width: int | None = None) -> Pose:
        """Positions multiplied per axis, then mirrored as ``x -> flip_width - 1 - x`` if given."""

        def move(p: Position) -> Position:
            x = p.x * scale_x
            return Position(flip_width - 1 - x if flip_width is not None else x, p.y * scale_y)

        keypoints = tuple(Keypoint(k.part, move(k.position), k.score) for k in self.keypoints)
        return Pose(self.score, keypoints, self.track_id)

    def bounding_box(self, min_part_confidence: float = 0.0) -> tuple[float, float, float, float] | None:
        """(x_min, y_min, x_max, y_max) of the keypoints scoring at least ``min_part_confidence``."""
        confident = self.positions()[self.keypoint_scores() >= min_part_confidence]
        if len(confident) == 0:
            return None
        (x0, y0), (x1, y1) = confident.min(axis=0), confident.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)

    def to_dict(self) -> dict:
        """The article's JSON: ``{score, keypoints: [{part, position: {x, y}, score}]}``, and ``id`` if tracked."""
        record = {
            "score": self.score,
            "keypoints": [
                {"part": k.part, "position": {"x": k.position.x, "y": k.position.y}, "score": k.score}
                for k in self.keypoints
            ],
        }
        if self.track_id is not None:
            record["id"] = self.track_id
        return record
