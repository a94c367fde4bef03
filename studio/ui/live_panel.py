"""Live numbers beside the video and plain words about the connection."""

from __future__ import annotations

import time

import streamlit as st
from streamlit_webrtc import WebRtcStreamerContext

from studio import timing
from studio.hosting import ice
from studio.live.stats import LiveStats
from studio.session_keys import ICE_SETUP, DemoKeys
from studio.ui.capacity_gate import server_load_line

# What the browser said when it refused the camera, in plain words (see studio/ui/layout.py).
_ALLOW_CAMERA = (
    "Click the camera (or lock) icon at the left of the address bar, set Camera to **Allow** for this site, "
    "then press START again. In Safari: Settings for This Website, Camera, Allow. On a phone, the browser app "
    "may also need camera access in the phone's settings."
)
_USE_A_SAMPLE = "No camera to spare? Choose a sample under **Video source**: it runs through the same pipeline."
CAMERA_ERROR_WORDS = {
    "NotAllowedError": "**The camera is blocked.** The browser did not let this page use the camera "
    "(you, or a setting, said no). " + _ALLOW_CAMERA,
    "SecurityError": "**The camera is blocked.** The browser only offers the camera to secure pages "
    "(`https://` or `localhost`). " + _ALLOW_CAMERA,
    "NotFoundError": "**No camera found.** The browser sees no camera on this device. Plug one in (or "
    "switch it on), then press START again.",
    "NotReadableError": "**The camera is busy.** Another app or browser tab is using it (a video call?). "
    "Close that, then press START again.",
    "OverconstrainedError": "**The camera cannot give the video asked for.** Press START again; if it "
    "persists, try another camera with SELECT DEVICE.",
}

STALL_AFTER_S = timing.STALLED_CONNECTING_S  # connecting this long means no network path (no TURN when hosted?)
NO_FRAMES_AFTER_S = timing.NO_FRAMES_NOTICE_S


def _connection_notice(keys: DemoKeys, ctx: WebRtcStreamerContext, snapshot) -> None:
    state = ctx.state
    started_key = keys.connecting_since
    if state.signalling and not state.playing:
        since = st.session_state.setdefault(started_key, time.monotonic())
        if time.monotonic() - since > STALL_AFTER_S:
            st.warning(
                f"Still connecting after {time.monotonic() - since:.0f} s. "
                f"{ice.stall_advice(st.session_state.get(ICE_SETUP))} "
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


def camera_error_notice(error: str | None) -> None:
    """Above the video, where the user just pressed START: what happened and what to do."""
    if error in CAMERA_ERROR_WORDS:
        st.error(
            f"{CAMERA_ERROR_WORDS[error]}  \n{_USE_A_SAMPLE}  \n*(The browser said: {error}.)*",
            icon=":material/videocam_off:",
        )


def _numbers(keys: DemoKeys, ctx: WebRtcStreamerContext, stats: LiveStats) -> None:
    snapshot = stats.snapshot()
    _connection_notice(keys, ctx, snapshot)
    if snapshot.last_error:
        st.warning(f"This frame could not be processed: {snapshot.last_error}")
    report = snapshot.last_report
    # A row that wraps (never cut) and stays one row on a phone, unlike columns, which stack.
    with st.container(horizontal=True, key=keys.live_numbers, gap="small"):
        st.metric("Processed fps", f"{snapshot.processed_fps:.1f}", width="content")
        st.metric("Network", f"{report.timings_ms['network']:.1f} ms" if report else "–", width="content")
        st.metric("Decode", f"{report.timings_ms['decode']:.1f} ms" if report else "–", width="content")
        st.metric("Poses", len(report.poses) if report else "–", width="content")
    if report:
        t = report.timings_ms
        (h, w), (gh, gw) = report.input_size, report.output_resolution
        scores = ", ".join(f"{p.score:.2f}" for p in report.poses) or "none above the minimum pose confidence"
        st.caption(
            f"Frames processed: {snapshot.frames_processed} · {report.model} · network input {w}x{h} → "
            f"{gw}x{gh} cells · "
            f"resize {t['resize']:.1f} ms · render {t['render']:.1f} ms · total {t['total']:.1f} ms  \n"
            f"Pose scores: {scores}"
        )
    st.caption(server_load_line())


def live_panel(keys: DemoKeys, ctx: WebRtcStreamerContext, stats: LiveStats, camera_error: str | None = None) -> None:
    """Refreshes itself every second while a stream is up, and only then."""
    active = ctx.state.playing or ctx.state.signalling
    st.fragment(_numbers, run_every=1.0 if active else None)(keys, ctx, stats)
    if not active and not camera_error:
        st.caption(
            "Press **START** to stream. The video goes to this app's server, PoseNet runs there, "
            "and the annotated video comes back."
        )


def camera_help(ice_origin: str, ice_count: int) -> None:
    """What to try when the camera does not work, and which ICE servers this app uses."""
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
