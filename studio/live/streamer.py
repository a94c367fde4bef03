"""The WebRTC streamer every demo page uses: camera or sample in, annotated video out."""

from __future__ import annotations

import pathlib

import streamlit as st
from streamlit_webrtc import WebRtcMode, WebRtcStreamerContext, webrtc_streamer

import posenet_core
from studio import sources
from studio.hosting import ice
from studio.live import players, session_watch, streamlit_compat, webrtc_compat
from studio.live.callback import make_frame_callback
from studio.live.relay import use_latest_frame_relay
from studio.live.stream import LiveStream
from studio.session_keys import ICE_SETUP, DemoKeys
from studio.site_map import page_visits

# The worker drops frames it cannot keep up with (latency stays flat): keep the log clean.
webrtc_compat.quiet_dropped_frames()


def _server_side(config: dict) -> dict:
    """The server's (aiortc's) half of the configuration ``ui.ice_setup`` made in this run: the
    TURN server's inside address where the setup names one (see ``hosting.ice``)."""
    setup = st.session_state.get(ICE_SETUP)
    return config if setup is None else ice.rtc_configuration(setup, st.session_state, for_server=True)


def _forget_render_history(keys: DemoKeys, source: str) -> None:
    """Keep streamlit-webrtc 0.79.0 from tearing down a stream that is starting.

    The library resets a streamer's context when the script ran once without rendering
    it, meant for "the user left the page and came back". But runs are also cut short
    by the quick reruns of connection set-up and skipped by fragment reruns, so about
    one START in seven was torn down half a second after connecting. Here the page
    change is detected exactly (``site_map.note_page``) and the library's guess is switched off.
    """
    context = st.session_state.get(keys.stream(source))
    if context is None:
        return
    visit = page_visits()
    if st.session_state.get(keys.stream_visit(source), visit) != visit:
        webrtc_compat.reset_context(context)
    st.session_state[keys.stream_visit(source)] = visit
    webrtc_compat.forget_last_render(context)


def stop_other_sources(session_state, keys: DemoKeys, source: str) -> None:
    """Stop this page's streams from the sources not chosen now.

    Choosing another source swaps the streamer for a new one. The browser closes the old
    connection when its frame goes (Chromium: the server is quiet 2 s later), but if that
    last packet is lost the worker would run on until aiortc's checks fail (~30 s).
    """
    for other in {sources.CAMERA, sources.UPLOAD, *sources.SAMPLES} - {source}:
        stop_stream(session_state, keys, other)


def stop_stream(session_state, keys: DemoKeys, source: str) -> None:
    """Stop this page's stream from ``source`` now, if it runs (as STOP would)."""
    context = session_state.get(keys.stream(source))
    if webrtc_compat.is_running(context):
        webrtc_compat.reset_context(context)


def start_streamer(
    keys: DemoKeys,
    source: str,
    net: posenet_core.PoseNet,
    stream: LiveStream,
    config: dict,
    clip: pathlib.Path | None = None,
    stop_in_browser: bool = False,
) -> WebRtcStreamerContext:
    """Render the streamer of ``source`` on this page; its frames go through PoseNet as ``stream``.

    ``source``: ``sources.CAMERA``, ``sources.UPLOAD`` (``clip``, the uploaded file) or a key of
    ``sources.SAMPLES`` (played by the server); ``stream``: the page's ``LiveStream`` of that
    source; ``config``: the RTCConfiguration (``studio.ui.ice_setup``); ``stop_in_browser``: the
    server ended the stream, so the browser stops it as STOP would (and shows START once the page
    is drawn without this)."""
    use_latest_frame_relay()  # a slow stage skips frames instead of queueing them
    webrtc_compat.honour_server_transport_policy()  # a relay-only configuration reaches aiortc too
    webrtc_compat.use_cheap_return_video()  # H.264 at x264's cheapest low-latency settings where offered
    stop_other_sources(st.session_state, keys, source)
    _forget_render_history(keys, source)
    from_camera = source == sources.CAMERA
    stream_id = f"{(streamlit_compat.current_session_id() or 'no-session')[:8]}/{keys.stream(source)}"
    context = webrtc_streamer(
        key=keys.stream(source),
        mode=WebRtcMode.SENDRECV if from_camera else WebRtcMode.RECVONLY,
        rtc_configuration=config,
        server_rtc_configuration=_server_side(config),
        media_stream_constraints={"video": {"width": {"ideal": 640}, "height": {"ideal": 480}}, "audio": False}
        if from_camera
        else {"video": True, "audio": False},
        player_factory=None if from_camera else (lambda: players.make_player(source, clip)),
        video_frame_callback=make_frame_callback(net, stream, stream_id),
        async_processing=True,
        desired_playing_state=False if stop_in_browser else None,
        video_html_attrs={"autoPlay": True, "controls": False, "muted": True, "style": {"width": "100%"}},
    )
    session_watch.watch(context)  # a closed tab stops its stream within seconds
    return context
