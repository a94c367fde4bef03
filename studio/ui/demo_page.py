"""The live demo page; the single-pose and multi-pose pages are this with one switch."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

import streamlit as st

from studio.clips import analysis, snapshot, upload
from studio.live.stream import LiveStream
from studio.live.streamer import start_streamer, stop_other_sources
from studio.model import get_model
from studio.session_keys import DemoKeys
from studio.settings import link as deep_link
from studio.settings.demo import DemoSettings, SettingsBox
from studio.sources import CAMERA, UPLOAD
from studio.ui import widgets
from studio.ui.capacity_gate import admitted_streamer
from studio.ui.connection_doctor import connection_doctor, doctor_button
from studio.ui.connection_watch import watch_connection
from studio.ui.ice_setup import session_ice_config
from studio.ui.layout import streamer_helper
from studio.ui.live_panel import camera_error_notice, camera_tips, follow_stream_end, live_panel
from studio.ui.over_time import over_time_panel
from studio.ui.recording_panel import recording_panel

INTRO = {
    False: "PoseNet finds one person: for each of the 17 body parts it takes the heatmap cell that scores "
    "highest and moves it by that cell's offset vector.",
    True: "PoseNet finds several people: it starts a pose at each confident, locally strongest part and "
    "walks the displacement vectors along the skeleton to find the others.",
}


def session_object(name: str, make):
    """An object kept for this browser session only (settings and results are per user)."""
    if name not in st.session_state:
        st.session_state[name] = make()
    return st.session_state[name]


def _starting_point(keys: DemoKeys, defaults: DemoSettings) -> tuple[DemoSettings, str, list[deep_link.LinkNotice]]:
    """Where this visit's widgets start: the link's settings, else those the user left with."""
    if st.query_params:
        return deep_link.read_link(st.query_params.to_dict(), defaults, widgets.SOURCE_LABELS)
    box = st.session_state.get(keys.settings)
    if box is None:
        return defaults, CAMERA, []
    return box.get(), st.session_state.get(keys.last_source, CAMERA), []


def _link_notices(keys: DemoKeys) -> None:
    """What the link asked for and did not get, until the user changes that setting (any
    setting, for a name the page does not know). The link's own words are inline code in them."""
    changed = widgets.changed_since(keys, st.session_state.get(keys.link_start, {}))
    notices = [
        notice
        for notice in st.session_state.get(keys.link_notices, [])
        if (notice.setting not in changed if notice.setting is not None else not changed)
    ]
    st.session_state[keys.link_notices] = notices
    for notice in notices:
        st.warning(f"The link's settings: {notice.text}", icon=":material/link_off:")


def _share_link(query: dict) -> None:
    with st.popover("Share these settings", icon=":material/link:"):
        st.caption("Copy this link: it opens this page with the same settings and source.")
        base = (st.context.url or "").split("?")[0]
        st.code(f"{base}?{urlencode(query)}" if query else base, language=None, wrap_lines=True)


@dataclasses.dataclass
class _Controls:
    settings: DemoSettings
    source: str
    uploaded: tuple | None  # the uploaded clip (path, info), when the source is an upload
    numbers: object  # containers filled later: the live numbers, and the snapshot/recording/analysis tools
    tools: object


def _controls(keys: DemoKeys, multi_pose: bool, defaults: DemoSettings) -> _Controls:
    """The column beside the video: source, model, view and parameters; the share link follows them."""
    # First what a student uses while watching: the live numbers and the view switch, beside the video
    # (on a phone, where the columns stack, right under START/STOP).
    numbers = st.container()
    view = st.container()  # filled once the model is chosen (below): the views are the model's
    source = widgets.source_picker(keys)
    uploaded = upload.clip_picker(keys) if source == UPLOAD else None
    if source != UPLOAD:
        upload.forget_clip(keys)
    # Snapshot and whole-clip analysis, filled in once the stream is known: next to the source,
    # so that on a phone (columns stacked) they do not push the controls below the video.
    tools = st.container()
    model = widgets.model_picker(keys, multi_pose)
    with view:
        chosen = {"model": model} | widgets.view_picker(keys, multi_pose, model)
    with st.expander("PoseNet parameters", expanded=True):
        chosen |= widgets.parameter_widgets(keys, multi_pose, model)
    with st.expander("Across frames", expanded=True):
        chosen |= widgets.tracking_widgets(keys)
    settings = defaults.with_changes(**chosen)
    query = deep_link.write_link(settings, source, defaults)
    st.query_params.from_dict(query)
    _share_link(query)
    return _Controls(settings, source, uploaded, numbers, tools)


def _live_stream(keys: DemoKeys, settings: DemoSettings, source: str) -> LiveStream:
    """This session's stream of ``source``, with the page's settings in the box its worker reads:
    updating the box applies new settings to a running stream at its next frame, without a restart."""
    box = session_object(keys.settings, lambda: SettingsBox(settings))
    box.set(settings)
    st.session_state[keys.last_source] = source
    return session_object(keys.live_stream(source), lambda: LiveStream(box))  # one per source


def _video(keys: DemoKeys, controls: _Controls, stream: LiveStream):
    """The video column: the streamer and what goes with it; (the streamer's context or None, the camera error)."""
    source = controls.source
    config, ice_origin = session_ice_config()
    camera_error = streamer_helper(keys)  # fits the video to the screen; names a refused camera
    camera_error_notice(camera_error)
    doctor_says = st.container()  # what "Check my connection" found: above the video, where the user looks
    played = controls.uploaded and controls.uploaded[0]
    stop = stream.stats.ending()  # the server ended this stream: stop it in the browser too
    ctx = admitted_streamer(
        stream,
        lambda: start_streamer(keys, source, get_model(), stream, config, clip=played, stop_in_browser=stop),
    )
    if ctx is not None:
        follow_stream_end(stream.stats, ctx)
        # the browser says so when the server it streamed from is gone (not when this one ended the stream)
        watch_connection(keys, server_ended=stream.stats.snapshot().ended_reason is not None)
        connection_doctor(keys, config, ctx.state, source == CAMERA, camera_error, doctor_says)
        over_time_panel(keys, stream.timeline, ctx.state.playing, controls.settings.min_part_confidence)
    if source == CAMERA or ctx is not None:  # help, folded: on a phone the controls stay in reach
        with st.expander("Camera or connection not working?" if source == CAMERA else "Video not working?"):
            if source == CAMERA:
                camera_tips(ice_origin, len(config["iceServers"]))
            if ctx is not None:
                doctor_button(keys, ctx.state)
    return ctx, camera_error


def _tools(keys: DemoKeys, controls: _Controls, stream: LiveStream, streaming: bool) -> None:
    """Recording, snapshot and whole-clip analysis, beside the source."""
    recording_panel(keys, controls.source, stream.timeline, streaming)
    snapshot.snapshot_panel(keys, stream.stats, streaming=streaming)
    clip = upload.clip_of_source(controls.source, controls.uploaded)
    if clip is not None:
        analysis.analyse_panel(keys, clip, get_model(), controls.settings)


def render_demo_page(multi_pose: bool) -> None:
    """The single-pose or multi-pose page: source, view and parameters beside the live video and its numbers."""
    keys = DemoKeys("multi" if multi_pose else "single")
    defaults = DemoSettings.for_page(multi_pose)
    if not widgets.is_seeded(keys):
        settings, source, notices = _starting_point(keys, defaults)
        st.session_state[keys.link_start] = widgets.seed(keys, settings, source)
        st.session_state[keys.link_notices] = notices

    st.title("Multi-pose" if multi_pose else "Single-pose")
    st.caption(INTRO[multi_pose])
    _link_notices(keys)

    video_col, controls_col = st.columns([3, 2], gap="large")
    with controls_col:
        controls = _controls(keys, multi_pose, defaults)
    stream = _live_stream(keys, controls.settings, controls.source)
    with video_col:
        if controls.source == UPLOAD and controls.uploaded is None:  # nothing to play yet: say what to do, there
            stop_other_sources(st.session_state, keys, controls.source)
            st.info(upload.upload_first(), icon=":material/upload:")
            return
        ctx, camera_error = _video(keys, controls, stream)
    with controls.tools:
        _tools(keys, controls, stream, streaming=ctx is not None and ctx.state.playing)
    if ctx is not None:
        with controls.numbers:
            live_panel(keys, ctx, stream.stats, camera_error)
