"""The live demo page; the single-pose and multi-pose pages are this with one switch."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from . import deep_link, widgets
from .layout import streamer_helper
from .live_panel import camera_error_notice, camera_help, live_panel
from .live_stats import LiveStats
from .model import load_model
from .settings import DemoSettings, SettingsBox
from .streamer import rtc_configuration, start_streamer

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


def _starting_point(page: str, defaults: DemoSettings) -> tuple[DemoSettings, str, list[str]]:
    """Where this visit's widgets start: the link's settings, else those the user left with."""
    if st.query_params:
        return deep_link.read_link(st.query_params.to_dict(), defaults, widgets.SOURCES)
    box = st.session_state.get(f"{page}:settings")
    return (box.get(), st.session_state.get(f"{page}:last_source", "camera"), []) if box else (defaults, "camera", [])


def _share_link(query: dict) -> None:
    with st.popover("Share these settings", icon=":material/link:"):
        st.caption("Copy this link: it opens this page with the same settings and source.")
        base = (st.context.url or "").split("?")[0]
        st.code(f"{base}?{urlencode(query)}" if query else base, language=None, wrap_lines=True)


def render_demo_page(multi_pose: bool) -> None:
    page = "multi" if multi_pose else "single"
    defaults = DemoSettings(multi_pose=multi_pose, min_pose_confidence=0.15 if multi_pose else 0.1)
    if not widgets.is_seeded(page):
        settings, source, notices = _starting_point(page, defaults)
        widgets.seed(page, settings, source)
        st.session_state[f"{page}:link_notices"] = notices

    st.title("Multi-pose" if multi_pose else "Single-pose")
    st.caption(INTRO[multi_pose])
    for notice in st.session_state.get(f"{page}:link_notices", []):
        st.warning(f"The link's settings: {notice}", icon=":material/link_off:")

    video_col, controls_col = st.columns([3, 2], gap="large")
    with controls_col:
        numbers = st.container()  # the live numbers, beside the video (right under it on a phone)
        source = widgets.source_picker(page)
        chosen = widgets.view_picker(page, multi_pose)
        with st.expander("PoseNet parameters", expanded=True):
            chosen |= widgets.parameter_widgets(page, multi_pose)
        settings = defaults.with_changes(**chosen)
        query = deep_link.write_link(settings, source, defaults)
        st.query_params.from_dict(query)
        _share_link(query)
    # The video worker reads this box; updating it applies new settings to the running
    # stream at its next frame, without restarting it.
    session_object(f"{page}:settings", lambda: SettingsBox(settings)).set(settings)
    st.session_state[f"{page}:last_source"] = source
    stats = session_object(f"{page}:stats:{source}", LiveStats)

    with video_col:
        config, ice_origin = rtc_configuration()
        camera_error = streamer_helper(page)  # fits the video to the screen; names a refused camera
        camera_error_notice(camera_error)
        ctx = start_streamer(page, source, load_model(), st.session_state[f"{page}:settings"], stats, config)
        if source == "camera":
            camera_help(ice_origin, len(config["iceServers"]))
    with numbers:
        live_panel(page, ctx, stats, camera_error)
