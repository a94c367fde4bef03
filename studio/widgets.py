"""The parameter widgets of the demo pages, with the article's names, ranges and defaults."""

from __future__ import annotations

import streamlit as st

from posenet_core import PART_NAMES

from .settings import SINGLE_POSE_VIEWS, VIEWS, DemoSettings
from .sources import SAMPLES

SOURCES = {"camera": "Webcam", **{key: sample.label for key, sample in SAMPLES.items()}}


def source_picker(key: str) -> str:
    return st.radio(
        "Video source",
        list(SOURCES),
        format_func=SOURCES.get,
        key=f"{key}:source",
        help="No camera, or rather not? The samples run through exactly the same pipeline, played by the server.",
    )


def view_picker(key: str, defaults: DemoSettings) -> dict:
    views = list(VIEWS) if defaults.multi_pose else list(SINGLE_POSE_VIEWS)
    view = st.radio("Show", views, format_func=VIEWS.get, key=f"{key}:view", horizontal=True)
    chosen = {"view": view}
    if view == "heatmap":
        chosen["heatmap_part"] = st.selectbox(
            "Heatmap of", [None, *PART_NAMES], format_func=lambda p: "All parts (max)" if p is None else p,
            key=f"{key}:heatmap_part",
        )  # fmt: skip
    elif view == "offsets":
        chosen["vector_min_score"] = st.slider(
            "Draw offsets of cells scoring at least", 0.1, 0.95, defaults.vector_min_score, 0.05,
            key=f"{key}:vector_min_score",
        )  # fmt: skip
    return chosen


def parameter_widgets(key: str, defaults: DemoSettings) -> dict:
    """The article's knobs; returns the chosen values by DemoSettings field name."""
    d = defaults
    chosen = {
        "scale_factor": st.slider(
            "Image scale factor", 0.2, 1.0, d.scale_factor, 0.05, key=f"{key}:scale_factor",
            help="The frame is resized by this before the network sees it: lower is faster, higher is more accurate.",
        ),
        "flip_horizontal": st.checkbox(
            "Flip horizontal", d.flip_horizontal, key=f"{key}:flip",
            help="Mirror the picture and the poses, as a webcam preview usually looks.",
        ),
        "output_stride": st.radio(
            "Output stride", [8, 16, 32], index=[8, 16, 32].index(d.output_stride), horizontal=True,
            key=f"{key}:output_stride",
            help="Pixels per heatmap cell: 8 is the most accurate and slowest, 32 the fastest.",
        ),
    }  # fmt: skip
    if d.multi_pose:
        chosen["max_detections"] = st.slider("Max pose detections", 1, 20, d.max_detections, key=f"{key}:max_detections")
        chosen["score_threshold"] = st.slider(
            "Pose score threshold", 0.0, 1.0, d.score_threshold, 0.05, key=f"{key}:score_threshold",
            help="A pose starts only from a part scoring at least this.",
        )  # fmt: skip
        chosen["nms_radius"] = float(st.slider(
            "NMS radius", 1, 40, int(d.nms_radius), key=f"{key}:nms_radius",
            help="Pixels (in the resized frame) within which a second pose's part counts as the same part.",
        ))  # fmt: skip
    chosen["min_pose_confidence"] = st.slider(
        "Minimum pose confidence", 0.0, 1.0, d.min_pose_confidence, 0.05, key=f"{key}:min_pose_confidence",
        help="Poses scoring less are not drawn.",
    )  # fmt: skip
    chosen["min_part_confidence"] = st.slider(
        "Minimum part confidence", 0.0, 1.0, d.min_part_confidence, 0.05, key=f"{key}:min_part_confidence",
        help="Keypoints scoring less are not drawn.",
    )  # fmt: skip
    chosen["show_boxes"] = st.checkbox("Bounding boxes", d.show_boxes, key=f"{key}:boxes")
    if d.multi_pose:
        chosen["show_scores"] = st.checkbox("Pose scores", d.show_scores, key=f"{key}:scores")
    return chosen
