"""The live pages' clip tools: upload your own clip, analyse a whole clip, snapshot a live frame."""

from __future__ import annotations

import json
import pathlib
import time

import cv2
import streamlit as st

import posenet_core
from studio.clips.files import UPLOAD_TYPES, ClipRefused, SessionClip
from studio.clips.jobs import ClipJob, ServerBusy
from studio.hosting.admission import ADMISSION
from studio.live import webrtc_compat
from studio.live.stats import LiveStats
from studio.plain_text import shown
from studio.session_keys import DemoKeys, TeachKeys
from studio.settings.demo import DemoSettings
from studio.site_map import TEACHING
from studio.sources import SAMPLES, UPLOAD


def _session_clip(keys: DemoKeys) -> SessionClip:
    if keys.clip not in st.session_state:
        st.session_state[keys.clip] = SessionClip()
    return st.session_state[keys.clip]


def _stop_upload_stream(keys: DemoKeys) -> None:
    context = st.session_state.get(keys.stream(UPLOAD))
    if webrtc_compat.is_running(context):
        webrtc_compat.reset_context(context)


def forget_clip(keys: DemoKeys) -> None:
    """Another source is chosen: the uploaded file goes (and an analysis of it stops)."""
    clip = st.session_state.get(keys.clip)
    if clip is not None and clip.path is not None:
        _cancel_job(keys)
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
        st.info("Choose a video file to play it through PoseNet.", icon=":material/upload:")
        return None
    if clip.upload_id != uploaded.file_id:
        _cancel_job(keys)
        _stop_upload_stream(keys)  # START plays the new file
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


# ---- Analyse the whole clip ----


def _cancel_job(keys: DemoKeys) -> None:
    job = st.session_state.get(keys.clip_job)
    if job is not None and job.running:
        job.cancel()


def _progress(keys: DemoKeys) -> None:
    job: ClipJob | None = st.session_state.get(keys.clip_job)
    if job is None:
        return
    if job.running:
        p = job.progress
        if p is None or not p.total:
            st.progress(0.0, text="Starting...")
        else:
            left = p.seconds_left
            st.progress(
                min(1.0, p.done / p.total),
                text=f"{p.done} / {p.total} frames · {p.fps:.1f} fps"
                + (f" · about {left:.0f} s left" if left is not None else ""),
            )
        if st.button("Cancel", key=keys.clip_tool("cancel"), icon=":material/cancel:"):
            job.cancel()
            job.join(timeout=2.0)
            st.rerun(scope="app")
        return
    if st.session_state.get(keys.clip_tool("shown")) != id(job):  # finished since the page was drawn
        st.session_state[keys.clip_tool("shown")] = id(job)
        st.rerun(scope="app")
    if job.status == "done":
        stem = pathlib.Path(job.name).stem
        _download_buttons(
            keys,
            ("Annotated video (MP4)", job.video_path.read_bytes(), f"{stem}_posenet.mp4", "video/mp4", "video"),
            ("Poses per frame (JSON)", job.json_path.read_bytes(), f"{stem}_poses.json", "application/json", "json"),
        )
    elif job.status == "cancelled":
        st.info("Analysis cancelled.")
    elif job.status == "failed":
        st.error(f"The analysis stopped: {job.error}")


def _start_job(keys: DemoKeys, path: pathlib.Path, name: str, net, settings: DemoSettings) -> None:
    """The button's callback: runs before the page is drawn, so the page shows the job at once."""
    job = ClipJob(path, name, net, settings, lambda: ADMISSION.live() > 0)  # streams holding a place
    try:
        job.start()
        st.session_state[keys.clip_job] = job
    except ServerBusy:
        st.session_state[keys.clip_job] = None
        st.toast("The server is analysing other clips right now. Please try again in a minute.")


def analyse_panel(keys: DemoKeys, clip: tuple[pathlib.Path, str], net: posenet_core.PoseNet, settings: DemoSettings):
    """ "Analyse the whole clip" at the current settings, its progress, and the downloads."""
    path, name = clip
    job: ClipJob | None = st.session_state.get(keys.clip_job)
    if job is not None and job.clip != path:  # another clip: the old results are not this one's
        _cancel_job(keys)
        job = st.session_state[keys.clip_job] = None
    if job is None or not job.running:
        st.button(
            "Analyse the whole clip",
            key=keys.clip_tool("start"),
            icon=":material/movie:",
            help="Runs PoseNet on every frame at the settings above, then offers the annotated video and "
            "the poses of every frame as downloads.",
            on_click=_start_job,
            args=(keys, path, name, net, settings),
        )
    job = st.session_state.get(keys.clip_job)
    st.fragment(_progress, run_every=0.5 if job is not None and job.running else None)(keys)


def clip_of_source(source: str, uploaded: tuple[pathlib.Path, str] | None) -> tuple[pathlib.Path, str] | None:
    """The clip "Analyse the whole clip" works on for this source, if it has one."""
    if source == UPLOAD:
        return uploaded
    sample = SAMPLES.get(source)
    return (sample.path, sample.path.name) if sample is not None and sample.is_video else None


# ---- Snapshot ----


def take_snapshot(stats: LiveStats) -> dict | None:
    """The frame the worker published last: PNG of what was shown, the poses as JSON, the raw frame as PNG."""
    snap = stats.snapshot()
    if snap.last_picture is None or snap.last_report is None:
        return None
    report = snap.last_report
    h, w = snap.last_frame.shape[:2]
    poses = {"width": w, "height": h, "poses": [p.to_dict() for p in report.poses]}
    return {
        "picture_png": cv2.imencode(".png", cv2.cvtColor(snap.last_picture, cv2.COLOR_RGB2BGR))[1].tobytes(),
        "frame_png": cv2.imencode(".png", cv2.cvtColor(snap.last_frame, cv2.COLOR_RGB2BGR))[1].tobytes(),
        "poses_json": json.dumps(poses, indent=1).encode(),
        "name": time.strftime("snapshot_%H%M%S"),
    }


def snapshot_panel(keys: DemoKeys, stats: LiveStats, streaming: bool) -> None:
    if st.button(
        "Snapshot",
        key=keys.clip_tool("snapshot_take"),
        icon=":material/photo_camera:",
        disabled=not streaming,
        help="Saves the frame on screen now, with its poses.",
    ):
        st.session_state[keys.snapshot] = take_snapshot(stats)
    shot = st.session_state.get(keys.snapshot)
    if shot is None:
        return
    st.image(shot["picture_png"], caption=f"{shot['name']}: what was on screen", width=240)
    _download_buttons(
        keys,
        ("PNG", shot["picture_png"], f"{shot['name']}.png", "image/png", "snapshot_png"),
        ("Poses (JSON)", shot["poses_json"], f"{shot['name']}.json", "application/json", "snapshot_json"),
    )
    if st.button("Study this frame on the teaching page", key=keys.clip_tool("snapshot_teach"), icon=TEACHING.icon):
        st.session_state[TeachKeys.FROM_LIVE] = (shot["frame_png"], f"{shot['name']}.png")
        st.session_state[TeachKeys.SOURCE] = "live"
        st.switch_page(TEACHING.path)


def _download_buttons(keys: DemoKeys, *downloads: tuple) -> None:
    """Download buttons side by side, each ``(label, data, file name, MIME type, clip_tool key)``.

    A horizontal container, not columns: each button as wide as its label (never cut), wrapping
    onto a second row when the column is narrow."""
    row = st.container(horizontal=True, gap="small")
    for label, data, file_name, mime, tool in downloads:
        row.download_button(
            label, data, file_name=file_name, mime=mime, icon=":material/download:", key=keys.clip_tool(tool)
        )
