"""What a live stream did over time: the last seconds of poses (for the chart), the repetition
count, and the recording, if one runs. Plain Python (no Streamlit).

The video worker calls ``LiveTimeline.add`` after each processed frame; it only appends and
counts, so it never slows the stream (a recording encodes on its own thread). The page reads
``samples`` about once a second. Times are the server's monotonic clock, not the camera's:
a camera's time stamps jump when it restarts, and a sample video's go back when it loops.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from posenet_core import PART_NAMES, Pose
from posenet_core.angles import JOINTS, joint_angle
from posenet_core.reps import RepCounter, RepRule

KEEP_S = 12.0  # history kept for the chart (which shows the last ~10 s)
ANGLE, HEIGHT = "angle", "height"
# What the chart can show: (kind, part) -> its label.
SERIES = {
    **{(ANGLE, joint): f"{joint} angle (°)" for joint in JOINTS},
    **{(HEIGHT, part): f"{part} height (px)" for part in PART_NAMES},
}
DEFAULT_SERIES = ((ANGLE, "leftKnee"), (ANGLE, "rightKnee"))


@dataclass(frozen=True)
class Sample:
    """One processed frame: its time (s), the first pose shown (None if none), the frame's height (px)."""

    time: float
    pose: Pose | None
    frame_height: int


def value_of(sample: Sample, series: tuple[str, str], min_part_confidence: float) -> float:
    """A series' value in one frame: an angle in degrees, or a keypoint's height above the bottom of
    the frame in pixels (the image's y grows downwards; height is what a person reads as "up");
    NaN where the pose or its keypoints are not confident enough (a gap in the chart)."""
    kind, part = series
    if sample.pose is None:
        return math.nan
    if kind == ANGLE:
        angle = joint_angle(sample.pose, part, min_part_confidence)
        return math.nan if angle is None else angle
    keypoint = sample.pose.keypoint(part)
    return sample.frame_height - keypoint.position.y if keypoint.score >= min_part_confidence else math.nan


def series_table(samples: list[Sample], chosen, min_part_confidence: float, t0: float = 0.0) -> dict:
    """``{"seconds": [...], label: [...] for each chosen series}``: columns for a line chart,
    time measured from ``t0``."""
    table = {"seconds": np.array([s.time - t0 for s in samples])}
    for series in chosen:
        table[SERIES[series]] = np.array([value_of(s, series, min_part_confidence) for s in samples])
    return table


def first_pose(poses: list[Pose]) -> Pose | None:
    """The person the chart and the counter follow: the lowest ID when tracked, else the best score."""
    if not poses:
        return None
    return min(poses, key=lambda p: (p.track_id is None, p.track_id or 0, -p.score))


class Recorder(Protocol):
    def offer(self, picture: np.ndarray, poses: list[Pose], min_part_confidence: float, now: float) -> None: ...


class LiveTimeline:
    """Thread safe: the worker calls ``add``, the page everything else."""

    def __init__(self, clock=time.monotonic, keep_s: float = KEEP_S):
        self._clock, self._keep_s = clock, keep_s
        self._lock = threading.Lock()
        self._samples: collections.deque[Sample] = collections.deque()
        self._counter = RepCounter()
        self.recorder: Recorder | None = None  # set by the page while recording

    def add(self, picture: np.ndarray, poses: list[Pose], min_part_confidence: float) -> None:
        now = self._clock()
        pose = first_pose(poses)
        with self._lock:
            self._samples.append(Sample(now, pose, picture.shape[0]))
            while now - self._samples[0].time > self._keep_s:
                self._samples.popleft()
            if pose is not None:
                self._counter.update(joint_angle(pose, self._counter.rule.joint, min_part_confidence))
        recorder = self.recorder
        if recorder is not None:
            recorder.offer(picture, poses, min_part_confidence, now)

    def samples(self) -> list[Sample]:
        with self._lock:
            return list(self._samples)

    def now(self) -> float:
        return self._clock()

    @property
    def rule(self) -> RepRule:
        return self._counter.rule

    def count_with(self, rule: RepRule) -> RepCounter:
        """The live counter, started afresh when the rule changes."""
        with self._lock:
            if rule != self._counter.rule:
                self._counter = RepCounter(rule)
            return self._counter

    def reset_count(self) -> None:
        with self._lock:
            self._counter = RepCounter(self._counter.rule)
