"""What a user chose on a demo page, and the thread-safe box the video worker reads it from."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from .parameters import PARAMETERS, page_defaults


def _default(field: str):
    return PARAMETERS[field].default


@dataclass(frozen=True)
class DemoSettings:
    """Defaults are the multi-pose page's, from the parameter table (``parameters``)."""

    multi_pose: bool = False
    # The article's parameters.
    scale_factor: float = _default("scale_factor")
    flip_horizontal: bool = _default("flip_horizontal")
    output_stride: int = _default("output_stride")
    max_detections: int = _default("max_detections")
    score_threshold: float = _default("score_threshold")
    nms_radius: float = _default("nms_radius")
    # What is drawn (the PoseNet demos' defaults).
    min_part_confidence: float = _default("min_part_confidence")
    min_pose_confidence: float = _default("min_pose_confidence")
    view: str = _default("view")
    heatmap_part: str | None = _default("heatmap_part")  # None: the max over all parts
    vector_min_score: float = _default("vector_min_score")  # cells whose offsets are drawn
    show_boxes: bool = _default("show_boxes")
    show_scores: bool = _default("show_scores")

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
