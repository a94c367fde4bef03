"""A demo's settings in the URL's query string, so a copied link reproduces the same demo.

The query keys are the article's parameter names (``outputStride=8&maxPoseDetections=2``).
Only values that differ from the page's defaults are written, so links stay short. A value
that is unknown or out of range falls back to its default with a notice. Plain Python.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from posenet_core import PART_NAMES

from .settings import ALL_PARTS, VIEWS, DemoSettings, available_views


@dataclass(frozen=True)
class Param:
    query_key: str
    parse: Callable[[str], object]  # raises ValueError with what is allowed
    multi_pose_only: bool = False


def _number(low: float, high: float, step: float, whole: bool = False):
    def parse(text: str):
        value = float(text)
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"a number from {low:g} to {high:g}")
        snapped = round(round((value - low) / step) * step + low, 6)  # onto the slider's steps
        return int(snapped) if whole else snapped

    return parse


def _choice(options, cast=str):
    def parse(text: str):
        value = cast(text) if text in {str(o) for o in options} else None
        if value is None:
            raise ValueError("one of " + ", ".join(str(o) for o in options))
        return value

    return parse


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise ValueError("true or false")


def _part(text: str):
    return None if text == ALL_PARTS else _choice(PART_NAMES)(text)


# DemoSettings field -> its URL form. The ranges are the widgets' ranges.
PARAMS = {
    "scale_factor": Param("imageScaleFactor", _number(0.2, 1.0, 0.05)),
    "flip_horizontal": Param("flipHorizontal", _boolean),
    "output_stride": Param("outputStride", _choice((8, 16, 32), int)),
    "max_detections": Param("maxPoseDetections", _number(1, 20, 1, whole=True), multi_pose_only=True),
    "score_threshold": Param("scoreThreshold", _number(0.0, 1.0, 0.05), multi_pose_only=True),
    "nms_radius": Param("nmsRadius", _number(1, 40, 1), multi_pose_only=True),
    "min_pose_confidence": Param("minPoseConfidence", _number(0.0, 1.0, 0.05)),
    "min_part_confidence": Param("minPartConfidence", _number(0.0, 1.0, 0.05)),
    "view": Param("view", _choice(tuple(VIEWS))),
    "heatmap_part": Param("part", _part),
    "vector_min_score": Param("vectorMinScore", _number(0.1, 0.95, 0.05)),
    "show_boxes": Param("boundingBoxes", _boolean),
    "show_scores": Param("poseScores", _boolean, multi_pose_only=True),
    "track_people": Param("track", _boolean),
    "smooth_keypoints": Param("smooth", _boolean),
    "smoothing_strength": Param("smoothing", _number(0.0, 1.0, 0.1)),
}
SOURCE_KEY = "source"


def _format(value) -> str:
    if value is None:
        return ALL_PARTS
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _applies(param: Param, defaults: DemoSettings) -> bool:
    return defaults.multi_pose or not param.multi_pose_only


def read_link(query: Mapping[str, str], defaults: DemoSettings, sources) -> tuple[DemoSettings, str, list[str]]:
    """(settings, source, notices) from a query string's values."""
    chosen, notices = {}, []
    for field, param in PARAMS.items():
        if param.query_key not in query or not _applies(param, defaults):
            continue
        text = query[param.query_key]
        try:
            chosen[field] = param.parse(text)
        except ValueError as allowed:
            notices.append(
                f"`{param.query_key}={text}` is not valid (allowed: {allowed}); using {_format(getattr(defaults, field))}."
            )
    if chosen.get("view", defaults.view) not in available_views(defaults.multi_pose):
        notices.append(f"`view={chosen.pop('view')}` is for the multi-pose page; using {defaults.view}.")
    source = query.get(SOURCE_KEY, "camera")
    if source not in sources:
        notices.append(f"`source={source}` is not a known source (allowed: {', '.join(sources)}); using the webcam.")
        source = "camera"
    return defaults.with_changes(**chosen), source, notices


def write_link(settings: DemoSettings, source: str, defaults: DemoSettings) -> dict[str, str]:
    """The query string values for these settings: only what differs from the defaults."""
    query = {SOURCE_KEY: source} if source != "camera" else {}
    for f in fields(DemoSettings):
        param = PARAMS.get(f.name)
        value = getattr(settings, f.name)
        if param is not None and _applies(param, defaults) and value != getattr(defaults, f.name):
            query[param.query_key] = _format(value)
    return query
