"""Per-session choices shared by the steps, and the cached network runs they read.

``predict`` is cached per (image bytes hash, scale factor, output stride): the image
array itself is never hashed. Decoding is milliseconds and runs on every script run.
"""

from __future__ import annotations

import streamlit as st

import posenet_core
from studio.model import get_model
from studio.session_keys import TeachKeys
from studio.settings.table import PARAMETERS
from studio.teaching.lesson import MultiPoseSettings, StrideRun, run_at_stride
from studio.teaching.picture import Frame, decode_sample, decode_upload


@st.cache_data(show_spinner=False, max_entries=8)
def sample_frame(key: str) -> Frame:
    return decode_sample(key)


@st.cache_data(show_spinner=False, max_entries=8)
def upload_frame(digest: str, name: str, _data: bytes) -> Frame:
    """``digest`` (of ``_data``) is the cache key; a bad file raises ``FrameError`` (not cached)."""
    return decode_upload(_data, name)


@st.cache_data(show_spinner="Running PoseNet...", max_entries=32)
def _predict(digest: str, scale_factor: float, output_stride: int, _image) -> posenet_core.NetworkOutputs:
    return get_model().predict(_image, scale_factor, output_stride)


@st.cache_data(show_spinner="Running PoseNet at this stride...", max_entries=32)
def _stride_run(digest: str, scale_factor: float, output_stride: int, multi: tuple | None, _image) -> StrideRun:
    settings = MultiPoseSettings(*multi) if multi is not None else None
    return run_at_stride(get_model(), _image, scale_factor, output_stride, settings)


def input_settings() -> tuple[float, int]:
    """(scale factor, output stride) as chosen in step 1 (its widgets keep their state across steps)."""
    state = st.session_state
    scale, stride = PARAMETERS["scale_factor"], PARAMETERS["output_stride"]
    return float(state.get(TeachKeys.SCALE_FACTOR, scale.default)), int(
        state.get(TeachKeys.OUTPUT_STRIDE, stride.default)
    )


def multi_pose_settings() -> MultiPoseSettings:
    """As chosen in step 4."""
    state, d = st.session_state, MultiPoseSettings()
    return MultiPoseSettings(
        int(state.get(TeachKeys.MAX_DETECTIONS, d.max_detections)),
        float(state.get(TeachKeys.SCORE_THRESHOLD, d.score_threshold)),
        float(state.get(TeachKeys.NMS_RADIUS, d.nms_radius)),
    )


def _shown_error(run):
    """posenet_core's ValueError (e.g. an image too small at this scale) as a message, not a crash."""
    try:
        return run()
    except ValueError as error:
        st.error(f"PoseNet cannot run on this picture with these settings: {error}", icon=":material/error:")
        return None


def outputs_for(frame: Frame, scale_factor: float | None = None, output_stride: int | None = None):
    """The network outputs for the frame at the chosen (or given) settings; None after showing an error."""
    chosen_scale, chosen_stride = input_settings()
    scale_factor = chosen_scale if scale_factor is None else scale_factor
    output_stride = chosen_stride if output_stride is None else output_stride
    return _shown_error(lambda: _predict(frame.digest, scale_factor, output_stride, frame.image))


def stride_run(frame: Frame, output_stride: int, multi: MultiPoseSettings | None) -> StrideRun | None:
    scale_factor, _ = input_settings()
    values = None if multi is None else (multi.max_detections, multi.score_threshold, multi.nms_radius)
    return _shown_error(lambda: _stride_run(frame.digest, scale_factor, output_stride, values, frame.image))
