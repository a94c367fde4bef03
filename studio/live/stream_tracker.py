"""One PoseTracker per live stream, kept in step with the page's settings (no Streamlit).

The video worker calls ``update`` for every frame it processes. The tracker is built anew
when a setting it depends on changes (a new stride or scale moves every keypoint a little;
a new smoothing strength is a new filter), and when the video's clock goes back (the stream
restarted, or a sample video looped): each stream's first person is #1.

It also keeps the stream's last raw outputs (``last_outputs``) for a model that places the next
frame's crop from them (BlazePose's tracking).
"""

from __future__ import annotations

import posenet_core
from posenet_core import LeftOut, Pose, PoseTracker
from studio.settings.demo import DemoSettings

# Smoothing strength 0..1 -> the 1-euro filter's cutoff for a still person: 2 Hz (light),
# 0.5 Hz at the default 0.5 (the library's default), 0.125 Hz (strong).
LIGHTEST_CUTOFF_HZ = 2.0
CUTOFF_RANGE = 16.0
MIN_HITS = 3  # frames in a row before a new person is drawn (one-frame ghosts never are)
MAX_TRACKS = 10  # people followed at once


def min_cutoff(strength: float) -> float:
    return LIGHTEST_CUTOFF_HZ / CUTOFF_RANGE**strength


class StreamTracker:
    """Tracks (and smooths) the poses of one stream, as the settings say."""

    def __init__(self):
        self._tracker: PoseTracker | None = None
        self._built_for: tuple | None = None
        self._last_time: float | None = None
        self.left_out = LeftOut()  # of the last frame: the poses the tracker did not return, and why
        self.last_outputs = None  # the last frame's raw outputs, whatever the model (see pipeline.previous_for)

    @staticmethod
    def _needs(settings: DemoSettings) -> tuple:
        return (
            settings.multi_pose,
            settings.output_stride,
            settings.scale_factor,
            settings.min_pose_confidence,
            settings.smooth_keypoints,
        ) + ((settings.smoothing_strength,) if settings.smooth_keypoints else ())

    def update(self, poses: list[Pose], timestamp: float, settings: DemoSettings) -> list[Pose]:
        """The poses to draw: with IDs if ``track_people``, smoothed if ``smooth_keypoints``.

        ``poses``: this frame's, above the display threshold; ``timestamp``: the frame's time, seconds.
        """
        self.left_out = LeftOut()
        if not (settings.track_people or settings.smooth_keypoints):
            self._tracker = self._built_for = None
            return poses
        needs = self._needs(settings)
        restarted = self._last_time is not None and timestamp < self._last_time  # the clock went back
        if needs != self._built_for or restarted:
            self._tracker, self._built_for = self._build(settings), needs  # IDs from 1 again
        elif timestamp == self._last_time:
            timestamp += 1e-3  # the same frame again: its poses too, so no motion to speak of
        self._last_time = timestamp
        tracked = self._tracker.update(poses, timestamp)
        self.left_out = self._tracker.left_out
        if not settings.track_people:  # smoothing alone: no IDs shown, colours by place as before
            return [Pose(p.score, p.keypoints) for p in tracked]
        return tracked

    @staticmethod
    def _build(settings: DemoSettings) -> PoseTracker:
        return posenet_core.PoseTracker(
            smoothing=settings.smooth_keypoints,
            single_pose=not settings.multi_pose,
            min_pose_score=settings.min_pose_confidence,
            min_hits=MIN_HITS,
            max_tracks=MAX_TRACKS,
            min_cutoff=min_cutoff(settings.smoothing_strength),
        )
