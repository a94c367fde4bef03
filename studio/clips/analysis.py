""" "Analyse the whole clip" on the live pages: the button, the job's progress, the downloads."""

from __future__ import annotations

import pathlib

import streamlit as st

import posenet_core
from posenet_core.clip import ClipProgress, probe_clip
from studio.clips import charts
from studio.clips.downloads import download_buttons
from studio.clips.jobs import ClipJob, ServerBusy
from studio.hosting.admission import ADMISSION
from studio.plain_text import shown
from studio.session_keys import DemoKeys
from studio.settings.demo import DemoSettings


def cancel_job(keys: DemoKeys) -> None:
    """Stop this page's analysis, if one runs (its clip was replaced or dropped)."""
    job = st.session_state.get(keys.clip_job)
    if job is not None and job.running:
        job.cancel()


def progress_line(progress: ClipProgress | None) -> tuple[float, str]:
    """The progress bar's fraction and words for a running job."""
    if progress is None or not progress.total:
        done = progress.done if progress is not None else 0
        return 0.0, f"{done} frames" if done else "Starting..."
    left = progress.seconds_left
    return (
        min(1.0, progress.done / progress.total),
        f"{progress.done} / {progress.total} frames · {progress.fps:.1f} fps"
        + (f" · about {left:.0f} s left" if left is not None else ""),
    )


def _progress(keys: DemoKeys) -> None:
    job: ClipJob | None = st.session_state.get(keys.clip_job)
    if job is None:
        return
    if job.running:
        fraction, words = progress_line(job.progress)
        st.progress(fraction, text=words)
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
        # The result in the page first: a class sees it without downloading anything.
        st.video(str(job.video_path), format="video/mp4", loop=True, muted=True)
        st.caption(f"{shown(job.name)}, every frame through PoseNet at the settings it was started with.")
        download_buttons(
            keys,
            ("Annotated video (MP4)", job.video_path.read_bytes(), f"{stem}_posenet.mp4", "video/mp4", "video"),
            ("Poses per frame (JSON)", job.json_path.read_bytes(), f"{stem}_poses.json", "application/json", "json"),
            ("Keypoints (CSV)", job.csv_path.read_bytes(), f"{stem}_keypoints.csv", "text/csv", "csv"),
        )
        charts.clip_over_time(keys, job.json_path, probe_clip(job.clip).height, job.settings.min_part_confidence)
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
        cancel_job(keys)
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
