"""Live numbers beside the video and plain words about the connection."""

from __future__ import annotations

import logging
import time

import streamlit as st
from streamlit_webrtc import WebRtcStreamerContext

from studio import timing
from studio.hosting import ice
from studio.live import streamlit_compat
from studio.live.pipeline import FrameReport
from studio.live.stats import LiveStats
from studio.live.stream_tracker import MAX_TRACKS, MIN_HITS
from studio.session_keys import ICE_SETUP, DemoKeys
from studio.ui.camera_words import CAMERA_ERROR_WORDS, INSECURE_PAGE, USE_A_SAMPLE
from studio.ui.capacity_gate import server_load_line
from studio.ui.connection_doctor import note_stalled

LOGGER = logging.getLogger(__name__)

STALL_AFTER_S = timing.STALLED_CONNECTING_S  # connecting this long means no network path (no TURN when hosted?)
NO_FRAMES_AFTER_S = timing.NO_FRAMES_NOTICE_S
# Playing, yet no frame processed for this long: the stream is dead somewhere between the camera
# and PoseNet (the server ended its side, the browser stopped sending, the network dropped),
# whatever the cause: end it and say so, rather than show STOP over a frozen picture.
ENDED_AFTER_S = timing.NO_VIDEO_ENDED_S
NO_VIDEO_MESSAGE = (
    "**The stream stopped: no video reached PoseNet for {seconds:.0f} s** while the connection looked up "
    "(the server was too busy, the network dropped, or the browser stopped sending the camera). "
    "Press START to try again."
)


def waiting_words(snapshot) -> str | None:
    """While streaming: what to say when no processed frame came (yet, or for a while), else None."""
    waited = snapshot.seconds_since_last_frame
    if snapshot.frames_processed == 0:
        return (
            "Connected, waiting for the first frame PoseNet processes. If this lasts, the camera may be in use "
            "by another app, or the connection stalled: press STOP, then START."
        )
    if waited is not None and waited > NO_FRAMES_AFTER_S:  # the video shows the last result meanwhile
        return (
            f"No new frame processed for {waited:.0f} s: the video shows the last result. The server may be "
            "busy (see below), or the camera stopped sending: if this lasts, press STOP, then START."
        )
    return None


def _connection_notice(keys: DemoKeys, ctx: WebRtcStreamerContext, snapshot, stats: LiveStats) -> None:
    state = ctx.state
    started_key = keys.connecting_since
    if state.signalling and not state.playing:
        since = st.session_state.setdefault(started_key, time.monotonic())
        if time.monotonic() - since > STALL_AFTER_S:
            if note_stalled(keys, since):
                st.rerun(scope="app")  # the connection doctor, under the video, checks why
            # The student gets one plain sentence; the host's log gets the technical why (once per attempt).
            st.warning(
                "**The video cannot reach the server from this network.** Press STOP, then START to try again. "
                "Why, and what to do: see the connection check above the video.",
                icon=":material/wifi_off:",
            )
            logged = f"{started_key}:logged"
            if st.session_state.get(logged) != since:
                st.session_state[logged] = since
                LOGGER.warning(
                    "a browser has been connecting for %.0f s without a media path: %s",
                    time.monotonic() - since,
                    ice.stall_advice(st.session_state.get(ICE_SETUP)),
                )
        return
    st.session_state.pop(started_key, None)
    if not state.playing:
        st.session_state.pop(keys.playing_since, None)
    if state.playing:
        waited = snapshot.seconds_since_last_frame
        playing_for = time.monotonic() - st.session_state.setdefault(keys.playing_since, time.monotonic())
        quiet = min(playing_for, waited if waited is not None else playing_for)
        if quiet > ENDED_AFTER_S and not snapshot.ended_reason:
            LOGGER.warning(
                "Live stream %s/%s: no frame processed for %.0f s while the browser shows it playing; ending it",
                (streamlit_compat.current_session_id() or "no-session")[:8],
                keys.page,
                quiet,
            )
            stats.end(NO_VIDEO_MESSAGE.format(seconds=quiet))
            st.rerun(scope="app")  # the whole page stops it in the browser (follow_stream_end)
        words = waiting_words(snapshot)
        if words:
            st.info(words)
    elif snapshot.ended_reason:
        st.warning(snapshot.ended_reason, icon=":material/running_with_errors:")
    elif snapshot.frames_processed:
        st.info(
            f"Stream stopped after {snapshot.frames_processed} frames: STOP was pressed, or the connection "
            "between this browser and the server closed (network, or the browser ended it). Press START to resume."
        )


def camera_error_notice(error: str | None) -> None:
    """Above the video, where the user just pressed START: what happened and what to do."""
    if error in CAMERA_ERROR_WORDS:
        said = "" if error == INSECURE_PAGE else f"  \n*(The browser said: {error}.)*"
        st.error(f"{CAMERA_ERROR_WORDS[error]}  \n{USE_A_SAMPLE}{said}", icon=":material/videocam_off:")


def _scores(scores) -> str:
    return ", ".join(f"{score:.2f}" for score in scores)


def _people(count: int, kind: str = "") -> str:
    """``_people(2, "new")``: "2 new people"."""
    return f"{count} {kind} {'person' if count == 1 else 'people'}".replace("  ", " ")


def pose_lines(report: FrameReport) -> str:
    """The drawn poses' scores, then every pose found but not drawn, with the reason (Markdown lines)."""
    hidden_scores = [score for score in report.all_pose_scores if score < report.min_pose_confidence]
    left_out = report.left_out
    not_drawn = []
    if hidden_scores:
        not_drawn.append(
            f"{len(hidden_scores)} under the minimum pose confidence {report.min_pose_confidence:.2f} "
            f"({_scores(hidden_scores)})"
        )
    if left_out.waiting:
        not_drawn.append(
            f"{_people(left_out.waiting, 'new')}, drawn once seen in {MIN_HITS} processed frames in a row "
            "(across frames: one-frame ghosts never show)"
        )
    if left_out.over_limit:
        not_drawn.append(f"{_people(left_out.over_limit)} past the {MAX_TRACKS} people followed at once")
    lines = [f"Pose scores: {_scores(p.score for p in report.poses) or 'none drawn'}"]
    if not_drawn:
        lines.append("Not drawn: " + " · ".join(not_drawn))
    return "  \n".join(lines)


def follow_stream_end(stats: LiveStats, ctx: WebRtcStreamerContext) -> None:
    """After the streamer is drawn: when the server ended the stream (``stats.ending()``), the
    run that drew it stopped it in the browser; once stopped, draw the page again with START,
    and the reason above it until the next START."""
    active = ctx.state.playing or ctx.state.signalling
    if stats.ending() and not active:
        stats.end_shown()
        st.rerun()  # this run drew the streamer without its buttons
    elif active and not stats.ending():
        stats.started()


def _numbers(keys: DemoKeys, ctx: WebRtcStreamerContext, stats: LiveStats) -> None:
    snapshot = stats.snapshot()
    if stats.ending():  # the server ended the stream: the whole page stops it in the browser
        st.rerun(scope="app")
    _connection_notice(keys, ctx, snapshot, stats)
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
        st.caption(
            f"Frames processed: {snapshot.frames_processed} · {report.model} · network input {w}x{h} → "
            f"{gw}x{gh} cells · "
            f"resize {t['resize']:.1f} ms · render {t['render']:.1f} ms · total {t['total']:.1f} ms  \n"
            + pose_lines(report)
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


def camera_tips(ice_origin: str, ice_count: int) -> None:
    """What to try when the camera does not work, and which ICE servers this app uses."""
    st.markdown(
        "- **The browser asked and you said no**, or it blocked the camera: click the camera icon in the "
        "address bar, allow it for this site, then press START again.\n"
        "- **No camera, or it is in use by another app**: close the other app, or choose a sample source.\n"
        "- **The page is not on `localhost` or `https://`**: browsers only offer the camera to secure "
        "pages; open the app through HTTPS.\n"
        "- **START spins and nothing comes**: the browser and server cannot reach each other over "
        "WebRTC. Press **Check my connection**, below: it finds out why and what to do."
    )
    if ice_origin == "none":
        st.caption("This app uses direct connections only (no STUN/TURN servers configured).")
    else:
        st.caption(f"This app uses {ice_count} STUN/TURN server(s) from its {ice_origin}.")
