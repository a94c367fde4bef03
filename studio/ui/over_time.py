"""Beside the live video: the chosen keypoints' height or joint angles over the last ~10 s, and
the repetition count, redrawn about once a second by a fragment (as the live numbers are), so
the stream and the rest of the page are left alone."""

from __future__ import annotations

import streamlit as st

from studio.clips import charts
from studio.live.timeline import LiveTimeline, series_table
from studio.session_keys import DemoKeys

WINDOW_S = 10.0


def _over_time(keys: DemoKeys, timeline: LiveTimeline, min_part_confidence: float) -> None:
    chosen = charts.series_picker(keys, "live")
    now = timeline.now()
    samples = [s for s in timeline.samples() if s.time >= now - WINDOW_S]
    if samples:
        charts.chart(series_table(samples, chosen, min_part_confidence, t0=now), "seconds ago (0 = now)")
    else:
        st.caption("The chart fills in while the stream runs.")
    rule = charts.rep_rule_picker(keys, "live")
    with st.container(horizontal=True, vertical_alignment="bottom"):
        charts.rep_metric(timeline.count_with(rule))
        st.button("Reset the count", key=keys.over_time("live:reset"), on_click=timeline.reset_count)


def over_time_panel(keys: DemoKeys, timeline: LiveTimeline, active: bool, min_part_confidence: float) -> None:
    # Folded until opened: on a phone the controls stay near the video.
    with st.expander("Over time: joint angles, keypoints, repetitions", expanded=False):
        st.fragment(_over_time, run_every=1.0 if active else None)(keys, timeline, min_part_confidence)
