"""Results: small immutable objects with the article's JSON shape."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parts import PART_IDS, PART_NAMES

# Position and Keypoint write their two or three fields straight into the instance
# dictionary: they are made by the hundred per video frame (every decoded pose, every
# tracked one), and dataclass's generated frozen __init__ (one object.__setattr__ per
# field) is 1.6x slower. They stay frozen: assigning a field afterwards raises.


@dataclass(frozen=True, init=False)
class Position:
    """A point in pixels: x to the right, y down, from the image's top left corner.

    ``estimate_*`` give original-image pixels; ``decode_*`` network-input pixels.
    """

    x: float
    y: float

    def __init__(self, x: float, y: float):
        fields = self.__dict__
        fields["x"] = x
        fields["y"] = y


@dataclass(frozen=True, init=False)
class Keypoint:
    """One body part of a pose: its name (``PART_NAMES``), where it is, and its heatmap score (0..1)."""

    part: str
    position: Position
    score: float

    def __init__(self, part: str, position: Position, score: float):
        fields = self.__dict__
        fields["part"] = part
        fields["position"] = position
        fields["score"] = score


@dataclass(frozen=True)
class Pose:
    """One person: a score (0..1) and the 17 keypoints in ``PART_NAMES`` order."""

    score: float
    keypoints: tuple[Keypoint, ...]
    track_id: int | None = None  # the person's ID across video frames, set by PoseTracker

    @classmethod
    def from_arrays(cls, score: float, positions_yx: np.ndarray, scores: np.ndarray) -> Pose:
        """A pose from arrays, as the decoders hold it.

        Args:
            score: The pose's score.
            positions_yx: 17 x 2 (y, x) pixels, as the network's tensors order them.
            scores: 17 part scores.

        Returns:
            The pose.
        """
        keypoints = tuple(
            Keypoint(part, Position(float(x), float(y)), float(s))
            for part, (y, x), s in zip(PART_NAMES, positions_yx.tolist(), scores.tolist())
        )
        return cls(float(score), keypoints)

    def positions_xy(self) -> np.ndarray:
        """The 17 positions as a 17 x 2 float64 array of (x, y) pixels, ``PART_NAMES`` order."""
        return np.array([(k.position.x, k.position.y) for k in self.keypoints], dtype=np.float64)

    def keypoint_scores(self) -> np.ndarray:
        """The 17 part scores as a float64 array, ``PART_NAMES`` order."""
        return np.array([k.score for k in self.keypoints], dtype=np.float64)

    def keypoint(self, part: str) -> Keypoint:
        """The keypoint of a part by name, e.g. ``pose.keypoint("leftWrist")``.

        Args:
            part: One of ``PART_NAMES``.

        Returns:
            The ``Keypoint``.

        Raises:
            KeyError: ``part`` is not one of ``PART_NAMES``.
        """
        return self.keypoints[PART_IDS[part]]

    def scaled(self, scale_x: float, scale_y: float, *, flip_width: int | None = None) -> Pose:
        """The pose with its positions moved to another pixel grid.

        Args:
            scale_x: Multiplies every x.
            scale_y: Multiplies every y.
            flip_width: If given, then mirror x as ``x -> flip_width - 1 - x`` (an image this wide).

        Returns:
            A new pose; scores unchanged.
        """

        def move(p: Position) -> Position:
            x = p.x * scale_x
            return Position(flip_width - 1 - x if flip_width is not None else x, p.y * scale_y)

        keypoints = tuple(Keypoint(k.part, move(k.position), k.score) for k in self.keypoints)
        return Pose(self.score, keypoints, self.track_id)

    def bounding_box(self, min_part_confidence: float = 0.0) -> tuple[float, float, float, float] | None:
        """The box around the confident keypoints.

        Args:
            min_part_confidence: Keypoints scoring less (0..1) are left out.

        Returns:
            (x_min, y_min, x_max, y_max) in the pose's pixels, or None if no keypoint scores enough.
        """
        confident = self.positions_xy()[self.keypoint_scores() >= min_part_confidence]
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
