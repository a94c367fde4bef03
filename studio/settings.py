"""What a user chose on a demo page, and the thread-safe box the video worker reads it from."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from posenet_core import params

VIEWS = {
    "overlay": "Skeleton overlay",
    "heatmap": "Heatmaps",
    "offsets": "Offset vectors",
    "displacements": "Displacement vectors",
}
ALL_PARTS = "all"  # how "the max over all parts" is spelt where None cannot be (widgets, links)


def available_views(multi_pose: bool) -> tuple[str, ...]:
    # Displacement vectors only steer multi-pose decoding.
    return tuple(VIEWS) if multi_pose else ("overlay", "heatmap", "offsets")


@dataclass(frozen=True)
class DemoSettings:
    multi_pose: bool = False
    # The article's parameters.
    scale_factor: float = params.DEFAULT_SCALE_FACTOR
    flip_horizontal: bool = False
    output_stride: int = params.DEFAULT_OUTPUT_STRIDE
    max_detections: int = params.DEFAULT_MAX_DETECTIONS
    score_threshold: float = params.DEFAULT_SCORE_THRESHOLD
    nms_radius: float = params.DEFAULT_NMS_RADIUS
    # What is drawn (the PoseNet demos' defaults).
    min_part_confidence: float = 0.1
    min_pose_confidence: float = 0.15
    view: str = "overlay"
    heatmap_part: str | None = None  # None: the max over all parts ("all" in widgets and links)
    vector_min_score: float = 0.5  # cells whose offsets are drawn
    show_boxes: bool = False
    show_scores: bool = True
    # Across frames (posenet_core.PoseTracker): one ID and colour per person, steadier keypoints.
    track_people: bool = True
    smooth_keypoints: bool = True
    smoothing_strength: float = 0.5  # 0 light to 1 strong (see studio/live_tracking.py)

    def with_changes(self, **changes) -> DemoSettings:
        return replace(self, **changes)


class SettingsBox:
    """Holds the latest settings: written by the page's script run, read by the video worker.

    The worker runs outside Streamlit's script thread and must not touch
    ``st.session_state``; it reads this box instead. Swapping one immutable object
    under a lock is all the synchronisation needed.
    """

    def __init__(self, settings: DemoSettings):
        self._settings = settings
        self._lock = threading.Lock()

    def get(self) -> DemoSettings:
        with self._lock:
            return self._settings

    def set(self, settings: DemoSettings) -> None:
        with self._lock:
            self._settings = settings
