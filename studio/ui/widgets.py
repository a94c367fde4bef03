"""The demo pages' widgets, with the article's names, ranges and defaults (``settings.table``).

Widgets take their starting values from session state (``seed``), not from ``value=``
arguments: that is how a link's settings, or the settings a user left the page with,
come back when the page is opened.
"""

from __future__ import annotations

import streamlit as st

from posenet_core import MODELS
from studio.session_keys import DemoKeys
from studio.settings.demo import DemoSettings
from studio.settings.slider import parameter_slider
from studio.settings.table import ALL_PARTS, PARAMETERS, VIEWS, available_views, models_for
from studio.sources import CAMERA, SAMPLES, UPLOAD

SOURCE_LABELS = {CAMERA: "Webcam", **{key: sample.label for key, sample in SAMPLES.items()}, UPLOAD: "Upload a clip"}


def is_seeded(keys: DemoKeys) -> bool:
    return keys.source in st.session_state


def seed(keys: DemoKeys, settings: DemoSettings, source: str) -> dict:
    """Start the widgets at these values; returns them by widget name (a field, or "source")."""
    values = {field: param.as_option(getattr(settings, field)) for field, param in PARAMETERS.items()}
    values["source"] = source
    for name, value in values.items():
        st.session_state[keys.widget(name)] = value
    return values


def changed_since(keys: DemoKeys, start: dict) -> set[str]:
    """The widgets whose value differs from ``start`` (one not rendered yet counts as unchanged)."""
    state = st.session_state
    return {name for name, value in start.items() if keys.widget(name) in state and state[keys.widget(name)] != value}


def source_picker(keys: DemoKeys) -> str:
    return st.radio(
        "Video source",
        list(SOURCE_LABELS),
        format_func=SOURCE_LABELS.get,
        key=keys.source,
        help="No camera, or rather not? The samples run through exactly the same pipeline, played by the server.",
    )


def _slider(keys: DemoKeys, field: str):
    return parameter_slider(field, keys.widget(field))


def _checkbox(keys: DemoKeys, field: str) -> bool:
    p = PARAMETERS[field]
    return st.checkbox(p.label, key=keys.widget(field), help=p.help)


def model_picker(keys: DemoKeys, multi_pose: bool) -> str:
    """The models that fit the page; a change reaches the running stream at its next frame."""
    p = PARAMETERS["model"]
    return st.selectbox(
        p.label, models_for(multi_pose), format_func=lambda m: MODELS[m].label, key=keys.widget("model"), help=p.help
    )


def view_picker(keys: DemoKeys, multi_pose: bool, model: str) -> dict:
    view, part = PARAMETERS["view"], PARAMETERS["heatmap_part"]
    offered = available_views(multi_pose, model)
    if st.session_state.get(keys.widget("view")) not in offered:  # the model just changed: it lacks that view
        st.session_state[keys.widget("view")] = view.default
    chosen = {
        "view": st.radio(
            view.label,
            offered,
            format_func=VIEWS.get,
            key=keys.widget("view"),
            horizontal=True,
            help=view.help,
        )
    }
    if chosen["view"] == "heatmap":
        picked = st.selectbox(
            part.label,
            part.options,
            format_func=lambda p: "All parts (max)" if p == ALL_PARTS else p,
            key=keys.widget("heatmap_part"),
        )
        chosen["heatmap_part"] = part.from_option(picked)
    elif chosen["view"] == "offsets":
        chosen["vector_min_score"] = _slider(keys, "vector_min_score")
    elif chosen["view"] == "overlay":  # an option of the skeleton view
        chosen["show_angles"] = _checkbox(keys, "show_angles")
    return chosen


NOT_FOR_SUCCESSORS = "PoseNet's own: {label} takes a fixed {size} input and decodes inside its network."


def parameter_widgets(keys: DemoKeys, multi_pose: bool, model: str = "posenet") -> dict:
    """The article's knobs; returns the chosen values by DemoSettings field name. With a model
    other than PoseNet its own knobs (input size, decoding) are shown greyed out, saying why."""
    stride = PARAMETERS["output_stride"]
    info = MODELS[model]
    fixed = None if info.tunable else NOT_FOR_SUCCESSORS.format(label=info.label, size=info.input_note)
    chosen = {
        "scale_factor": parameter_slider("scale_factor", keys.widget("scale_factor"), help=fixed, disabled=bool(fixed)),
        "flip_horizontal": _checkbox(keys, "flip_horizontal"),
        "output_stride": st.radio(
            stride.label,
            stride.options,
            horizontal=True,
            key=keys.widget("output_stride"),
            help=fixed or stride.help,
            disabled=bool(fixed),
        ),
    }
    decoding = ("max_detections", "score_threshold", "nms_radius")  # PoseNet's multi-pose decoder's
    sliders = (*decoding, "min_pose_confidence", "min_part_confidence")
    for field in (f for f in sliders if multi_pose or not PARAMETERS[f].multi_pose_only):
        greyed = fixed if field in decoding else None
        chosen[field] = parameter_slider(field, keys.widget(field), help=greyed, disabled=bool(greyed))
    for field in (f for f in ("show_boxes", "show_scores") if multi_pose or not PARAMETERS[f].multi_pose_only):
        chosen[field] = _checkbox(keys, field)
    return chosen


def _toggle(keys: DemoKeys, field: str) -> bool:
    p = PARAMETERS[field]
    return st.toggle(p.label, key=keys.widget(field), help=p.help)


def tracking_widgets(keys: DemoKeys) -> dict:
    """Across frames: IDs per person and keypoint smoothing (posenet_core.PoseTracker)."""
    chosen = {field: _toggle(keys, field) for field in ("track_people", "smooth_keypoints")}
    # Nothing to set while smoothing is off.
    chosen["smoothing_strength"] = parameter_slider(
        "smoothing_strength", keys.widget("smoothing_strength"), disabled=not chosen["smooth_keypoints"]
    )
    return chosen
