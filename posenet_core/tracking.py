"""People followed from frame to frame: a stable ID per person, keypoints smoothed with the 1-euro filter.

PoseNet decodes every frame on its own: people come back in score order (so "the first pose"
is not always the same person) and each keypoint jitters by a few pixels. ``PoseTracker``
matches each frame's poses to the people of the frames before, by a global assignment
(the Hungarian algorithm) on a similarity that mixes two measures:

- **OKS**, COCO's object keypoint similarity: per keypoint ``exp(-d^2 / (2 s^2 k^2))``, with
  ``d`` the distance, ``s^2`` the person's box area and ``k = 2 sigma`` the part's COCO
  tolerance (an eye must be closer than a hip to count as the same), averaged over the
  keypoints confident in both poses;
- **box IoU**, the overlap of the boxes around the confident keypoints.

Both are measured against where each person is *predicted* to be at the new frame's time,
moving on at the velocity they last had, so people walking past each other keep their IDs.
Pass a ``MatchTrace`` to ``update`` to record one frame's matching numbers (for teaching);
tracking is the same with or without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from .one_euro import OneEuroFilter
from .parts import NUM_KEYPOINTS
from .pose import Keypoint, Pose, Position
from .similarity import box_areas, iou_matrix, keypoint_boxes, oks_matrix, pose_arrays

# A keypoint scoring this much or more moves its filter fully; below, proportionally less.
FULL_TRUST_SCORE = 0.5


@dataclass
class MatchTrace:
    """One frame's matching, as ``PoseTracker.update(..., trace=MatchTrace())`` computed it.

    Rows are the people followed before this frame (seen within ``max_age``), columns the
    frame's poses scoring at least ``min_pose_score``. All positions are (x, y) pixels.
    """

    track_ids: list = field(default_factory=list)  # per row: its ID, None while not yet confirmed (min_hits)
    predicted: np.ndarray = field(default_factory=lambda: np.zeros((0, NUM_KEYPOINTS, 2)))  # rows x 17 x 2
    columns: list = field(default_factory=list)  # per column: the pose's index in the poses given
    left_out: list = field(default_factory=list)  # indices of the poses under min_pose_score: not tracked
    oks: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # rows x columns
    iou: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # rows x columns
    similarity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # oks_weight mix of the two
    pairs: list = field(default_factory=list)  # (row, column) the assignment chose, at least min_similarity


@dataclass(eq=False)  # identity, not field values: tracks are looked up by object
class _Track:
    """One person as last seen (raw positions), how they move, and their smoothing state."""

    positions: np.ndarray  # 17 x 2, as decoded
    confident: np.ndarray  # 17 booleans
    box: np.ndarray  # around the confident positions: x_min, y_min, x_max, y_max
    time: float  # when last seen
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(2))  # of the whole person, pixels per second
    measured: bool = False  # whether ``velocity`` has been measured yet
    hits: int = 0  # consecutive frames seen; 0 once missed
    track_id: int | None = None  # given when confirmed
    smoothed: np.ndarray | None = None  # the 1-euro filter's state: 17 x 2 positions
    speed: np.ndarray | None = None  # and their speeds


def _check_number(name: str, value, low: float, high: float = math.inf, *, low_open: bool = False) -> float:
    number = float(value)
    if not math.isfinite(number) or number < low or number > high or (low_open and number == low):
        allowed = f"> {low:g}" if low_open else f">= {low:g}"
        allowed += f" and <= {high:g}" if math.isfinite(high) else ""
        raise ValueError(f"{name} must be a number {allowed}; got {value!r}")
    return number


def _check_count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1; got {value!r}")
    return int(value)


class PoseTracker:
    """Gives each person a stable ID across video frames and smooths their keypoints.

    Feed it every frame's poses in order with the frame's time; it returns the same poses
    (as new ``Pose`` objects in the same coordinates) with ``track_id`` set, keypoints
    smoothed, and the poses it does not track left out.

    Args:
        smoothing: smooth each tracked person's keypoints with a 1-euro filter.
        single_pose: the poses come from the single-pose decoder (at most one per frame,
            always "the" person): every pose continues the one track, no matching.
        max_age: seconds a person may go unseen and still get their ID back.
        min_hits: consecutive frames a new person must be seen before they get an ID and are
            returned (ghosts that flicker for a frame never show). People in the very first
            frame are returned at once.
        max_tracks: the most people followed at once. When more appear, the people unseen
            for the longest are forgotten first; if all are in view, the lowest-scoring
            newcomers are left out.
        min_pose_score: poses scoring less are not tracked and not returned (PoseNet's
            multi-pose decoder returns low-score duplicates of the people it found).
        min_keypoint_score: keypoints scoring less take no part in matching and do not move
            the filter.
        min_similarity: a pose and a person pair up only if their similarity is at least this.
        oks_weight: similarity = ``oks_weight * OKS + (1 - oks_weight) * box IoU``.
        min_cutoff: the filter's cutoff in Hz for a still person: lower is smoother.
        beta: how fast the cutoff rises with speed, in Hz per (person size per second).
        derivative_cutoff: the cutoff in Hz of the speed estimate.

    Raises:
        ValueError: an argument out of its range (the message names it).
    """

    def __init__(
        self,
        *,
        smoothing: bool = True,
        single_pose: bool = False,
        max_age: float = 1.0,
        min_hits: int = 3,
        max_tracks: int = 10,
        min_pose_score: float = 0.15,
        min_keypoint_score: float = 0.1,
        min_similarity: float = 0.15,
        oks_weight: float = 0.5,
        min_cutoff: float = 0.5,
        beta: float = 40.0,
        derivative_cutoff: float = 1.0,
    ):
        self.smoothing = bool(smoothing)
        self.single_pose = bool(single_pose)
        self.max_age = _check_number("max_age", max_age, 0.0, low_open=True)
        self.min_hits = _check_count("min_hits", min_hits)
        self.max_tracks = 1 if self.single_pose else _check_count("max_tracks", max_tracks)
        self.min_pose_score = _check_number("min_pose_score", min_pose_score, 0.0, 1.0)
        self.min_keypoint_score = _check_number("min_keypoint_score", min_keypoint_score, 0.0, 1.0)
        self.min_similarity = _check_number("min_similarity", min_similarity, 0.0, 1.0)
        self.oks_weight = _check_number("oks_weight", oks_weight, 0.0, 1.0)
        # Its settings and its step (all tracks' states are kept here, in arrays).
        self._filter = OneEuroFilter(min_cutoff=min_cutoff, beta=beta, derivative_cutoff=derivative_cutoff)
        self.reset()

    def reset(self) -> None:
        """Forget everyone (e.g. when the video restarts). IDs go on from where they were, never reused."""
        self._tracks: list[_Track] = []
        self._time: float | None = None
        if not hasattr(self, "_next_id"):
            self._next_id = 1

    def update(self, poses, timestamp: float, *, trace: MatchTrace | None = None) -> list[Pose]:
        """Match one frame's poses to the people followed so far.

        Args:
            poses: the frame's poses (any order), in any pixel coordinates used consistently.
            timestamp: the frame's time in seconds (from the video, not the wall clock);
                must increase from frame to frame.
            trace: if given, filled with this frame's matching numbers (predictions,
                similarities, the assignment); the tracking is the same without it.

        Returns:
            The tracked poses in the order given, each with ``track_id``, smoothed if
            ``smoothing``; poses under ``min_pose_score``, people not yet seen ``min_hits``
            frames in a row, and people over ``max_tracks`` are left out.

        Raises:
            ValueError: a timestamp that is not a number or does not increase, something
                that is not a ``Pose``, or more than one pose with ``single_pose``.
        """
        timestamp = self._check_timestamp(timestamp)
        poses = list(poses)
        if any(not isinstance(p, Pose) or len(p.keypoints) != NUM_KEYPOINTS for p in poses):
            raise ValueError(f"poses must be Pose objects with {NUM_KEYPOINTS} keypoints")
        if self.single_pose and len(poses) > 1:
            raise ValueError(f"a single_pose tracker takes at most one pose per frame; got {len(poses)}")
        previous_time, self._time = self._time, timestamp

        positions, scores = pose_arrays(poses)
        confident = scores >= self.min_keypoint_score
        pose_scores = np.array([p.score for p in poses])
        kept = np.flatnonzero((pose_scores >= self.min_pose_score) & confident.any(axis=1))
        positions, scores, confident = positions[kept], scores[kept], confident[kept]
        boxes = keypoint_boxes(positions, confident)
        self._tracks = [t for t in self._tracks if timestamp - t.time <= self.max_age]

        if trace is not None:
            trace.columns, trace.left_out = kept.tolist(), sorted(set(range(len(poses))) - set(kept.tolist()))
        track_of = self._match(positions, confident, boxes, timestamp, trace)  # slot in kept -> track
        matched = set(map(id, track_of.values()))
        for track in self._tracks:
            if id(track) not in matched:
                track.hits = 0
        self._tracks = [t for t in self._tracks if t.hits > 0 or t.track_id is not None]  # tentative: gone
        self._add_newcomers(track_of, pose_scores[kept], positions, confident, boxes, timestamp)

        slots = sorted(track_of)  # the order given
        tracks = [track_of[s] for s in slots]
        shown = positions[slots]
        if self.smoothing:
            shown = self._smooth(tracks, shown, scores[slots], confident[slots], boxes[slots], timestamp, previous_time)
        self._move(tracks, positions[slots], confident[slots], boxes[slots], timestamp)

        tracked = []
        for slot, track, place in zip(slots, tracks, shown.tolist()):
            if track.track_id is None and (track.hits >= self.min_hits or previous_time is None):
                track.track_id, self._next_id = self._next_id, self._next_id + 1
            if track.track_id is not None:
                pose = poses[kept[slot]]
                tracked.append(
                    _with_positions(pose, place, track.track_id) if self.smoothing else _with_id(pose, track)
                )
        return tracked

    def _check_timestamp(self, timestamp) -> float:
        try:
            value = float(timestamp)
        except (TypeError, ValueError):
            raise ValueError(f"timestamp must be a number of seconds; got {timestamp!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"timestamp must be a finite number of seconds; got {timestamp!r}")
        if self._time is not None and value <= self._time:
            raise ValueError(f"timestamp must increase from frame to frame: got {value} after {self._time}")
        return value

    def _match(self, positions, confident, boxes, timestamp: float, trace: MatchTrace | None) -> dict[int, _Track]:
        """The global assignment: pose slot -> track, pairs under ``min_similarity`` refused."""
        if trace is not None:
            predicted, oks, iou = self._measures(positions, confident, boxes, timestamp)
            trace.track_ids, trace.predicted = [t.track_id for t in self._tracks], predicted
            trace.oks, trace.iou, trace.similarity = oks, iou, self._mix(oks, iou)
            trace.pairs = []
        if not self._tracks or len(positions) == 0:
            return {}
        if self.single_pose:
            if trace is not None:
                trace.pairs = [(0, 0)]
            return {0: self._tracks[0]}
        similarity = self._similarities(positions, confident, boxes, timestamp)
        rows, cols = linear_sum_assignment(similarity, maximize=True)
        pairs = [(int(r), int(c)) for r, c in zip(rows, cols) if similarity[r, c] >= self.min_similarity]
        if trace is not None:
            trace.pairs = pairs
        return {c: self._tracks[r] for r, c in pairs}

    def similarities(self, positions: np.ndarray, confident: np.ndarray, timestamp: float) -> np.ndarray:
        """Tracks x poses: the similarity the assignment maximises, against each track's predicted place.

        Args:
            positions: N x 17 x 2 keypoint positions (x, y) of the new frame's poses.
            confident: N x 17 booleans, keypoints scoring at least ``min_keypoint_score``.
            timestamp: the new frame's time in seconds.

        Returns:
            A (people followed) x N array; empty rows if nobody is followed yet.
        """
        if not self._tracks:
            return np.zeros((0, len(positions)))
        return self._similarities(positions, confident, keypoint_boxes(positions, confident), timestamp)

    def _similarities(self, positions, confident, boxes, timestamp: float) -> np.ndarray:
        _, oks, iou = self._measures(positions, confident, boxes, timestamp)
        return self._mix(oks, iou)

    def _mix(self, oks: np.ndarray, iou: np.ndarray) -> np.ndarray:
        return self.oks_weight * oks + (1.0 - self.oks_weight) * iou

    def _measures(self, positions, confident, boxes, timestamp: float):
        """(tracks' predicted positions, OKS, box IoU), tracks x poses."""
        tracks = self._tracks
        if not tracks:
            return np.zeros((0, NUM_KEYPOINTS, 2)), np.zeros((0, len(positions))), np.zeros((0, len(positions)))
        ahead = (timestamp - np.array([t.time for t in tracks]))[:, None]
        shift = np.array([t.velocity for t in tracks]) * ahead  # constant velocity: all parts move alike
        predicted = np.array([t.positions for t in tracks]) + shift[:, None]
        track_confident = np.array([t.confident for t in tracks])
        track_boxes = np.array([t.box for t in tracks]) + np.tile(shift, 2)  # the box moves with its parts
        oks = oks_matrix(predicted, track_confident, box_areas(track_boxes), positions, confident)
        return predicted, oks, iou_matrix(track_boxes, boxes)

    def _add_newcomers(self, track_of, pose_scores, positions, confident, boxes, timestamp: float) -> None:
        """A new (tentative) track for each unmatched pose, best score first, within ``max_tracks``."""
        newcomers = sorted((s for s in range(len(positions)) if s not in track_of), key=lambda s: -pose_scores[s])
        unseen = sorted((t for t in self._tracks if t.hits == 0), key=lambda t: t.time)
        while unseen and len(self._tracks) + len(newcomers) > self.max_tracks:
            self._tracks.remove(unseen.pop(0))  # the longest unseen make room first
        for slot in newcomers[: max(self.max_tracks - len(self._tracks), 0)]:
            track_of[slot] = _Track(positions[slot], confident[slot], boxes[slot], timestamp)
            self._tracks.append(track_of[slot])

    def _smooth(self, tracks, positions, scores, confident, boxes, timestamp, previous_time) -> np.ndarray:
        """The positions to show: filtered, all tracks in one step (they share the time since the last frame).

        A track seen in the previous frame goes on from its filter state; a new one, or one
        lost and found again, starts afresh (its old state says nothing about now).
        """
        going = [m for m, t in enumerate(tracks) if t.smoothed is not None and t.time == previous_time]
        shown = positions.copy()
        if going:
            every = len(going) == len(tracks)  # the usual case: no copies of the arrays needed
            pick = slice(None) if every else going
            sizes = np.sqrt(np.maximum(box_areas(boxes[pick]), 1.0))  # speeds in person sizes per second
            trust = np.where(confident[pick], np.minimum(scores[pick] * (1.0 / FULL_TRUST_SCORE), 1.0), 0.0)
            shown[pick], speeds = self._filter.step(
                np.array([tracks[m].smoothed for m in going]),
                np.array([tracks[m].speed for m in going]),
                positions[pick],
                timestamp - previous_time,
                scale=sizes[:, None, None],
                trust=trust[..., None],
            )
            for m, speed in zip(going, speeds):
                tracks[m].speed = speed
        for m, track in enumerate(tracks):
            if track.smoothed is None or track.time != previous_time:
                track.speed = np.zeros_like(positions[m])
            track.smoothed = shown[m]
        return shown

    def _move(self, tracks, positions, confident, boxes, timestamp: float) -> None:
        """Tracks to this frame's poses; their velocity from how far the keypoints seen both times moved."""
        if not tracks:
            return
        since = timestamp - np.array([t.time for t in tracks])
        common = np.array([t.confident for t in tracks]) & confident
        counts = common.sum(axis=1)
        shift = np.einsum("nk,nkc->nc", common, positions - np.array([t.positions for t in tracks]))  # summed
        measured = shift / np.maximum(counts * since, 1e-9)[:, None]
        earlier = np.array([t.velocity for t in tracks])
        blended = np.where(np.array([t.measured for t in tracks])[:, None], 0.5 * (earlier + measured), measured)
        for track, place, sure, box, velocity, usable in zip(
            tracks, positions, confident, boxes, blended, counts * since > 0
        ):
            if usable:  # seen before, with keypoints in common
                track.velocity, track.measured = velocity, True
            track.positions, track.confident, track.box, track.time = place, sure, box, timestamp
            track.hits += 1


def _with_positions(pose: Pose, positions: list, track_id: int) -> Pose:
    keypoints = tuple([Keypoint(k.part, Position(x, y), k.score) for k, (x, y) in zip(pose.keypoints, positions)])
    return Pose(pose.score, keypoints, track_id)


def _with_id(pose: Pose, track: _Track) -> Pose:
    return Pose(pose.score, pose.keypoints, track.track_id)
