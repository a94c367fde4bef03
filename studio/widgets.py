"""The demo pages' widgets, with the article's names, ranges and defaults.

Widgets take their starting values from session state (``seed``), not from ``value=``
arguments: that is how a link's settings, or the settings a user left the page with,
come back when the page is opened.
"""

from __future__ import annotations

import streamlit as st

from posenet_core import PART_NAMES

from .settings import ALL_PARTS, VIEWS, DemoSettings, available_views
from .sources import SAMPLES

SOURCES = {"camera": "Webcam", **{key: sample.label for key, sample in SAMPLES.items()}}


def widget_key(page: str, name: str) -> str:
    return f"{page}:{name}"


def is_seeded(page: str) -> bool:
    return widget_key(page, "source") in st.session_state


def seed(page: str, settings: DemoSettings, source: str) -> None:
    for name, value in vars(settings).items():
        if name == "heatmap_part" and value is None:
            value = ALL_PARTS  # a selectbox shows None as "nothing chosen"
        if name != "multi_pose":  # fixed by the page, not a widget
            st.session_state[widget_key(page, name)] = value
    st.session_state[widget_key(page, "source")] = source


def source_picker(page: str) -> str:
    return st.radio(
        "Video source",
        list(SOURCES),
        format_func=SOURCES.get,
        key=widget_key(page, "source"),
        help="No camera, or rather not? The samples run through exactly the same pipeline, played by the server.",
    )


def view_picker(page: str, multi_pose: bool) -> dict:
    k = lambda name: widget_key(page, name)  # noqa: E731
    chosen = {
        "view": st.radio("Show", available_views(multi_pose), format_func=VIEWS.get, key=k("view"), horizontal=True)
    }
    if chosen["view"] == "heatmap":
        part = st.selectbox(
            "Heatmap of",
            [ALL_PARTS, *PART_NAMES],
            format_func=lambda p: "All parts (max)" if p == ALL_PARTS else p,
            key=k("heatmap_part"),
        )
        chosen["heatmap_part"] = None if part == ALL_PARTS else part
    elif chosen["view"] == "offsets":
        chosen["vector_min_score"] = st.slider(
            "Draw offsets of cells scoring at least", 0.1, 0.95, step=0.05, key=k("vector_min_score")
        )
    return chosen


def parameter_widgets(page: str, multi_pose: bool) -> dict:
    """The article's knobs; returns the chosen values by DemoSettings field name."""
    k = lambda name: widget_key(page, name)  # noqa: E731
    chosen = {
        "scale_factor": st.slider(
            "Image scale factor",
            0.2,
            1.0,
            step=0.05,
            key=k("scale_factor"),
            help="The frame is resized by this before the network sees it: lower is faster, higher is more accurate.",
        ),
        "flip_horizontal": st.checkbox(
            "Flip horizontal",
            key=k("flip_horizontal"),
            help="Mirror the picture and the poses, as a webcam preview usually looks.",
        ),
        "output_stride": st.radio(
            "Output stride",
            [8, 16, 32],
            horizontal=True,
            key=k("output_stride"),
            help="Pixels per heatmap cell: 8 is the most accurate and slowest, 32 the fastest.",
        ),
    }
    if multi_pose:
        chosen["max_detections"] = st.slider("Max pose detections", 1, 20, key=k("max_detections"))
        chosen["score_threshold"] = st.slider(
            "Pose score threshold",
            0.0,
            1.0,
            step=0.05,
            key=k("score_threshold"),
            help="A pose starts only from a part scoring at least this.",
        )
        chosen["nms_radius"] = st.slider(
            "NMS radius",
            1.0,
            40.0,
            step=1.0,
            key=k("nms_radius"),
            help="Pixels (in the resized frame) within which a second pose's part counts as the same part.",
        )
    chosen["min_pose_confidence"] = st.slider(
        "Minimum pose confidence",
        0.0,
        1.0,
        step=0.05,
        key=k("min_pose_confidence"),
        help="Poses scoring less are not drawn.",
    )
    chosen["min_part_confidence"] = st.slider(
        "Minimum part confidence",
        0.0,
        1.0,
        step=0.05,
        key=k("min_part_confidence"),
        help="Keypoints scoring less are not drawn.",
    )
    chosen["show_boxes"] = st.checkbox("Bounding boxes", key=k("show_boxes"))
    if multi_pose:
        chosen["show_scores"] = st.checkbox("Pose scores", key=k("show_scores"))
    return chosen


def tracking_widgets(page: str) -> dict:
    """Across frames: IDs per person and keypoint smoothing (posenet_core.PoseTracker)."""
    k = lambda name: widget_key(page, name)  # noqa: E731
    chosen = {
        "track_people": st.toggle(
            "Track people",
            key=k("track_people"),
            help="Each person keeps one ID and one colour from frame to frame.",
        ),
        "smooth_keypoints": st.toggle(
            "Smooth keypoints",
            key=k("smooth_keypoints"),
            help="A 1-euro filter per keypoint: still keypoints stop jittering, moving ones follow closely.",
        ),
    }
    chosen["smoothing_strength"] = st.slider(
        "Smoothing strength",
        0.0,
        1.0,
        step=0.1,
        key=k("smoothing_strength"),
        disabled=not chosen["smooth_keypoints"],
        help="Higher is steadier when still, with a little more lag when movement starts.",
    )
    return chosen
