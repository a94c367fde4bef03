"""The live demo page; the single-pose and multi-pose pages are this with one switch."""

from __future__ import annotations

import streamlit as st

from . import widgets
from .live_panel import camera_help, live_panel
from .live_stats import LiveStats
from .model import get_model
from .settings import DemoSettings, SettingsBox
from .streamer import start_streamer

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


def render_demo_page(multi_pose: bool) -> None:
    key = "multi" if multi_pose else "single"
    defaults = DemoSettings(multi_pose=multi_pose, min_pose_confidence=0.15 if multi_pose else 0.1)
    st.title("Multi-pose" if multi_pose else "Single-pose")
    st.caption(INTRO[multi_pose])

    video_col, controls_col = st.columns([3, 2], gap="large")
    with controls_col:
        source = widgets.source_picker(key)
        chosen = widgets.view_picker(key, defaults)
        with st.expander("PoseNet parameters", expanded=True):
            chosen |= widgets.parameter_widgets(key, defaults)
    settings = defaults.with_changes(**chosen)
    # The video worker reads this box; updating it applies new settings to the running
    # stream at its next frame, without restarting it.
    session_object(f"{key}:settings", lambda: SettingsBox(settings)).set(settings)
    stats = session_object(f"{key}:stats:{source}", LiveStats)

    with video_col:
        ctx = start_streamer(key, source, get_model(), st.session_state[f"{key}:settings"], stats)
        live_panel(key, ctx, stats)
        if source == "camera":
            camera_help()
