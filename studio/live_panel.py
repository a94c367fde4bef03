"""Live numbers beside the video and plain words about the connection."""

from __future__ import annotations

import time

import streamlit as st
from streamlit_webrtc import WebRtcStreamerContext

from . import ice
from .capacity_gate import server_load_line
from .live_stats import LiveStats
from .session_keys import DemoKeys

STALL_AFTER_S = 8.0  # connecting this long means no network path (no TURN when hosted?)
NO_FRAMES_AFTER_S = 5.0


def _connection_notice(keys: DemoKeys, ctx: WebRtcStreamerContext, snapshot) -> None:
    state = ctx.state
    started_key = keys.connecting_since
    if state.signalling and not state.playing:
        since = st.session_state.setdefault(started_key, time.monotonic())
        if time.monotonic() - since > STALL_AFTER_S:
            st.warning(
                f"Still connecting after {time.monotonic() - since:.0f} s. "
                f"{ice.stall_advice(st.session_state.get(ice.SETUP_KEY))} "
                "Press STOP, then START to try again, or pick a sample source."
            )
        return
    st.session_state.pop(started_key, None)
    if state.playing:
        waited = snapshot.seconds_since_last_frame
        if snapshot.frames_processed == 0 or (waited is not None and waited > NO_FRAMES_AFTER_S):
            st.info(
                "Connected, waiting for video frames. If this lasts, the camera may be in use by another "
                "app, or the connection stalled: press STOP, then START."
            )
    elif snapshot.frames_processed:
        st.info(f"Stream stopped after {snapshot.frames_processed} frames. Press START to resume.")


def _numbers(keys: DemoKeys, ctx: WebRtcStreamerContext, stats: LiveStats) -> None:
    snapshot = stats.snapshot()
    _connection_notice(keys, ctx, snapshot)
    if snapshot.last_error:
        st.warning(f"This frame could not be processed: {snapshot.last_error}")
    report = snapshot.last_report
    fps_col, net_col, decode_col, poses_col = st.columns(4)
    fps_col.metric("Processed fps", f"{snapshot.processed_fps:.1f}")
    net_col.metric("Network", f"{report.timings_ms['network']:.1f} ms" if report else "–")
    decode_col.metric("Decode", f"{report.timings_ms['decode']:.1f} ms" if report else "–")
    poses_col.metric("Poses", len(report.poses) if report else "–")
    if report:
        t = report.timings_ms
        (h, w), (gh, gw) = report.input_size, report.output_resolution
        scores = ", ".join(f"{p.score:.2f}" for p in report.poses) or "none above the minimum pose confidence"
        st.caption(
            f"Frames processed: {snapshot.frames_processed} · network input {w}x{h} → {gw}x{gh} cells · "
            f"resize {t['resize']:.1f} ms · render {t['render']:.1f} ms · total {t['total']:.1f} ms  \n"
            f"Pose scores: {scores}"
        )
    st.caption(server_load_line())


def live_panel(keys: DemoKeys, ctx: WebRtcStreamerContext, stats: LiveStats) -> None:
    """Refreshes itself every second while a stream is up, and only then."""
    active = ctx.state.playing or ctx.state.signalling
    st.fragment(_numbers, run_every=1.0 if active else None)(keys, ctx, stats)
    if not active:
        st.caption(
            "Press **START** to stream. The video goes to this app's server, PoseNet runs there, "
            "and the annotated video comes back."
        )


def camera_help(ice_origin: str, ice_count: int) -> None:
    with st.expander("Camera not working?"):
        st.markdown(
            "- **The browser asked and you said no**, or it blocked the camera: click the camera icon in the "
            "address bar, allow it for this site, then press START again.\n"
            "- **No camera, or it is in use by another app**: close the other app, or choose a sample source.\n"
            "- **The page is not on `localhost` or `https://`**: browsers only offer the camera to secure "
            "pages; open the app through HTTPS.\n"
            "- **START spins and nothing comes**: the browser and server cannot reach each other over "
            "WebRTC; a hosted app needs a TURN server (README, 'Deploy your own')."
        )
        if ice_origin == "none":
            st.caption("This app uses direct connections only (no STUN/TURN servers configured).")
        else:
            st.caption(f"This app uses {ice_count} STUN/TURN server(s) from its {ice_origin}.")
