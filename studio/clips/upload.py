"""The live pages' own-clip source: the uploader, the session's clip file, and which clip a source plays."""

from __future__ import annotations

import pathlib

import streamlit as st

from studio.clips.analysis import cancel_job
from studio.clips.files import MAX_DURATION_S, UPLOAD_TYPES, ClipRefused, SessionClip
from studio.live.streamer import stop_stream
from studio.plain_text import shown
from studio.session_keys import DemoKeys
from studio.sources import SAMPLES, UPLOAD


def upload_first() -> str:
    """What the video column says until a clip is chosen (the size cap is config.toml's server.maxUploadSize)."""
    return (
        "**Choose a video file** in *Your clip*, under *Video source* (beside this; below it on a phone): "
        f"MP4, WebM or MOV, up to {st.get_option('server.maxUploadSize')} MB and {MAX_DURATION_S:.0f} s. "
        "It then plays here through PoseNet, like the samples, and *Analyse the whole clip* annotates every frame."
    )


def _session_clip(keys: DemoKeys) -> SessionClip:
    if keys.clip not in st.session_state:
        st.session_state[keys.clip] = SessionClip()
    return st.session_state[keys.clip]


def forget_clip(keys: DemoKeys) -> None:
    """Another source is chosen: the uploaded file goes (and an analysis of it stops)."""
    clip = st.session_state.get(keys.clip)
    if clip is not None and clip.path is not None:
        cancel_job(keys)
        clip.clear()


def clip_picker(keys: DemoKeys) -> tuple[pathlib.Path, str] | None:
    """The uploader; the session's clip (path, the visitor's file name) once one is accepted."""
    # No max_upload_size: the cap is .streamlit/config.toml's server.maxUploadSize.
    uploaded = st.file_uploader(
        "Your clip (MP4, WebM or MOV)",
        type=list(UPLOAD_TYPES),
        key=keys.clip_upload,
        help="Up to 60 s and 1920x1080. It stays on this app's server for this visit only, and is deleted "
        "when you leave or choose another file or source.",
    )
    clip = _session_clip(keys)
    if uploaded is None:
        forget_clip(keys)
        return None
    if clip.upload_id != uploaded.file_id:
        cancel_job(keys)
        stop_stream(st.session_state, keys, UPLOAD)  # START plays the new file
        try:
            clip.replace(uploaded.file_id, uploaded.name, uploaded.getvalue())
        except ClipRefused:
            pass  # said below, on this run and the next ones
    if clip.refusal is not None:
        st.error(f"{shown(uploaded.name)} cannot be played: {clip.refusal}", icon=":material/videocam_off:")
        return None
    info = clip.info
    st.caption(f"{shown(clip.name)} · {info.width}x{info.height} · {info.fps:.0f} fps · {info.duration_s or 0:.1f} s")
    return clip.path, clip.name


def clip_of_source(source: str, uploaded: tuple[pathlib.Path, str] | None) -> tuple[pathlib.Path, str] | None:
    """The clip "Analyse the whole clip" works on for this source, if it has one."""
    if source == UPLOAD:
        return uploaded
    sample = SAMPLES.get(source)
    return (sample.path, sample.path.name) if sample is not None and sample.is_video else None
