"""What a user chose on a demo page, and the thread-safe box the video worker reads it from."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from studio.settings.table import PARAMETERS, page_defaults


def from_table(name: str):
    """A dataclass field whose default is the parameter table's, read when an instance is made
    (not when this module is imported), so the table stays the one place to change it."""
    return field(default_factory=lambda: PARAMETERS[name].default)


@dataclass(frozen=True)
class DemoSettings:
    """One stream's settings. ``DemoSettings()`` is the multi-pose page as it starts; ``for_page(False)``
    the single-pose page (the parameter table, ``settings.table``, holds both pages' defaults)."""

    multi_pose: bool = True  # with the table's defaults: DemoSettings() is the multi-pose page (for_page)
    model: str = from_table("model")  # posenet_core.MODEL_NAMES: which network estimates the poses
    # The article's parameters.
    scale_factor: float = from_table("scale_factor")
    flip_horizontal: bool = from_table("flip_horizontal")
    output_stride: int = from_table("output_stride")
    precision: str = from_table("precision")  # the network's arithmetic: "float" or "int8"
    max_detections: int = from_table("max_detections")
    score_threshold: float = from_table("score_threshold")
    nms_radius: float = from_table("nms_radius")
    # What is drawn (the PoseNet demos' defaults).
    min_part_confidence: float = from_table("min_part_confidence")
    min_pose_confidence: float = from_table("min_pose_confidence")
    view: str = from_table("view")
    heatmap_part: str | None = from_table("heatmap_part")  # None: the max over all parts
    vector_min_score: float = from_table("vector_min_score")  # cells whose offsets are drawn
    show_boxes: bool = from_table("show_boxes")
    show_scores: bool = from_table("show_scores")
    show_angles: bool = from_table("show_angles")  # joint angles at the joints (posenet_core.angles)
    # Across frames (posenet_core.PoseTracker): one ID and colour per person, steadier keypoints.
    track_people: bool = from_table("track_people")
    smooth_keypoints: bool = from_table("smooth_keypoints")
    smoothing_strength: float = from_table("smoothing_strength")  # 0 light to 1 strong (stream_tracker.py)

    @classmethod
    def for_page(cls, multi_pose: bool) -> DemoSettings:
        """Where the single-pose or the multi-pose page starts."""
        return cls(multi_pose=multi_pose, **page_defaults(multi_pose))

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
