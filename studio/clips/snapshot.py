"""The live pages' Snapshot: the frame on screen now, with its poses, to download or to study."""

from __future__ import annotations

import json
import time

import cv2
import streamlit as st

from studio.clips.downloads import download_buttons
from studio.live.stats import LiveStats
from studio.session_keys import DemoKeys, TeachKeys
from studio.site_map import TEACHING
from studio.sources import LIVE_SNAPSHOT


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
    """The Snapshot button (while ``streaming``), the last snapshot with its downloads, and a way to study it."""
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
    download_buttons(
        keys,
        ("PNG", shot["picture_png"], f"{shot['name']}.png", "image/png", "snapshot_png"),
        ("Poses (JSON)", shot["poses_json"], f"{shot['name']}.json", "application/json", "snapshot_json"),
    )
    if st.button("Study this frame on the teaching page", key=keys.clip_tool("snapshot_teach"), icon=TEACHING.icon):
        st.session_state[TeachKeys.FROM_LIVE] = (shot["frame_png"], f"{shot['name']}.png")
        st.session_state[TeachKeys.SOURCE] = LIVE_SNAPSHOT
        st.switch_page(TEACHING.path)
