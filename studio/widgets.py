"""The demo pages' widgets, with the article's names, ranges and defaults (``parameters``' table).

Widgets take their starting values from session state (``seed``), not from ``value=``
arguments: that is how a link's settings, or the settings a user left the page with,
come back when the page is opened.
"""

from __future__ import annotations

import streamlit as st

from .parameters import ALL_PARTS, PARAMETERS, VIEWS, available_views
from .settings import DemoSettings
from .sources import SAMPLES

SOURCES = {"camera": "Webcam", **{key: sample.label for key, sample in SAMPLES.items()}}


def widget_key(page: str, name: str) -> str:
    return f"{page}:{name}"


def is_seeded(page: str) -> bool:
    return widget_key(page, "source") in st.session_state


def seed(page: str, settings: DemoSettings, source: str) -> None:
    for field, param in PARAMETERS.items():
        st.session_state[widget_key(page, field)] = param.as_option(getattr(settings, field))
    st.session_state[widget_key(page, "source")] = source


def source_picker(page: str) -> str:
    return st.radio(
        "Video source",
        list(SOURCES),
        format_func=SOURCES.get,
        key=widget_key(page, "source"),
        help="No camera, or rather not? The samples run through exactly the same pipeline, played by the server.",
    )


def parameter_slider(field: str, key: str, where=st, help: str | None = None, **options):
    """A slider for a number of the parameter table (label, range, step, help text from there)
    in ``where`` (a column, or ``st``); ``help`` replaces the table's, ``options`` go to ``st.slider``."""
    p = PARAMETERS[field]
    return where.slider(p.label, **p.slider_range(), key=key, help=help or p.help, **options)


def _slider(page: str, field: str):
    return parameter_slider(field, widget_key(page, field))


def _checkbox(page: str, field: str) -> bool:
    p = PARAMETERS[field]
    return st.checkbox(p.label, key=widget_key(page, field), help=p.help)


def view_picker(page: str, multi_pose: bool) -> dict:
    view, part = PARAMETERS["view"], PARAMETERS["heatmap_part"]
    chosen = {
        "view": st.radio(
            view.label,
            available_views(multi_pose),
            format_func=VIEWS.get,
            key=widget_key(page, "view"),
            horizontal=True,
        )
    }
    if chosen["view"] == "heatmap":
        picked = st.selectbox(
            part.label,
            part.options,
            format_func=lambda p: "All parts (max)" if p == ALL_PARTS else p,
            key=widget_key(page, "heatmap_part"),
        )
        chosen["heatmap_part"] = None if picked == part.none_option else picked
    elif chosen["view"] == "offsets":
        chosen["vector_min_score"] = _slider(page, "vector_min_score")
    return chosen


def parameter_widgets(page: str, multi_pose: bool) -> dict:
    """The article's knobs; returns the chosen values by DemoSettings field name."""
    stride = PARAMETERS["output_stride"]
    chosen = {
        "scale_factor": _slider(page, "scale_factor"),
        "flip_horizontal": _checkbox(page, "flip_horizontal"),
        "output_stride": st.radio(
            stride.label, stride.options, horizontal=True, key=widget_key(page, "output_stride"), help=stride.help
        ),
    }
    if multi_pose:
        for field in ("max_detections", "score_threshold", "nms_radius"):
            chosen[field] = _slider(page, field)
    for field in ("min_pose_confidence", "min_part_confidence"):
        chosen[field] = _slider(page, field)
    chosen["show_boxes"] = _checkbox(page, "show_boxes")
    if multi_pose:
        chosen["show_scores"] = _checkbox(page, "show_scores")
    return chosen
