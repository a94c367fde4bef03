"""Record / Stop recording on a live page, and the recording's downloads once it stops."""

from __future__ import annotations

import time

import streamlit as st

from studio.clips.recording import MAX_MB, MAX_SECONDS, Recording, SessionRecordings
from studio.live.timeline import LiveTimeline
from studio.session_keys import DemoKeys

LIMITS = f"up to {MAX_SECONDS:.0f} s and {MAX_MB} MB of video"


def _recordings(keys: DemoKeys, source: str) -> SessionRecordings:
    name = keys.over_time(f"recordings:{source}")
    if name not in st.session_state:
        st.session_state[name] = SessionRecordings()
    return st.session_state[name]


def _start(recordings: SessionRecordings, timeline: LiveTimeline) -> None:
    timeline.recorder = recordings.start()


def _finish(recording: Recording, timeline: LiveTimeline) -> None:
    timeline.recorder = None
    recording.finish(timeline.rule)  # with the live counter's repetitions, frame by frame


def _status(recording: Recording, timeline: LiveTimeline) -> None:
    """While recording, once a second; a recording that reached its limit is finished here."""
    if recording.finished:
        return
    if not recording.accepting:
        _finish(recording, timeline)
        st.rerun(scope="app")
    st.caption(
        f"Recording: {recording.elapsed():.0f} s of {MAX_SECONDS:.0f} s · "
        f"{recording.bytes_written / 1e6:.1f} of {MAX_MB} MB · {recording.frames_offered} frames"
    )


def _downloads(keys: DemoKeys, recording: Recording) -> None:
    if recording.limit_reached:
        st.info(f"The recording stopped by itself: {recording.limit_reached}.")
    if recording.error:
        st.error(f"The recording failed: {recording.error}")
    if not recording.frames_offered:
        st.caption("Nothing was recorded: no frame was processed while recording.")
        return
    dropped = f" ({recording.frames_dropped} too many at once for the encoder)" if recording.frames_dropped else ""
    st.caption(
        f"Recorded {recording.frames_offered} frames in {recording.duration_s:.1f} s, "
        f"{recording.frames_encoded} of them in the video{dropped}."
    )
    name = time.strftime("recording_%H%M%S", time.localtime(recording.wall_started))
    row = st.container(horizontal=True, gap="small")
    files = [("Video (MP4)", recording.video_path, "mp4", "video/mp4")] if recording.frames_encoded else []
    files += [
        ("Poses (JSON)", recording.json_path, "json", "application/json"),
        ("Keypoints (CSV)", recording.csv_path, "csv", "text/csv"),
    ]
    for label, path, suffix, mime in files:
        row.download_button(
            label,
            path.read_bytes(),
            file_name=f"{name}.{suffix}",
            mime=mime,
            icon=":material/download:",
            key=keys.over_time(f"download:{suffix}"),
        )


def recording_panel(keys: DemoKeys, source: str, timeline: LiveTimeline, streaming: bool) -> None:
    recordings = _recordings(keys, source)
    recording = recordings.current
    if recording is not None and not recording.finished and not streaming:  # the stream stopped under it
        _finish(recording, timeline)
    if recording is not None and not recording.finished:
        st.button(
            "Stop recording",
            key=keys.over_time("record_stop"),
            icon=":material/stop_circle:",
            type="primary",
            on_click=_finish,
            args=(recording, timeline),
        )
        st.fragment(_status, run_every=1.0)(recording, timeline)
        return
    st.button(
        "Record",
        key=keys.over_time("record_start"),
        icon=":material/fiber_manual_record:",
        disabled=not streaming,
        on_click=_start,
        args=(recordings, timeline),
        help=f"Records the annotated video as shown and every frame's poses ({LIMITS}). The files stay on "
        "this app's server for this visit only, and go when you record again or leave.",
    )
    st.caption(f"Recording: {LIMITS}; then download the video (MP4) and the poses (JSON, CSV).")
    if recording is not None:
        _downloads(keys, recording)
