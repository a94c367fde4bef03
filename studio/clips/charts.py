"""Keypoints and joint angles over time, and the repetition counter's choices: the live chart
(``studio/ui/over_time.py``) and the chart over a whole analysed clip draw with these."""

from __future__ import annotations

import json
import pathlib

import pandas as pd
import streamlit as st

from posenet_core.angles import JOINT_NAMES
from posenet_core.export import pose_from_dict
from posenet_core.reps import RULE_WORDS, RepCounter, RepRule, count_repetitions
from studio.live.timeline import ANGLE, DEFAULT_SERIES, SERIES, Sample, first_pose, series_table, value_of
from studio.session_keys import DemoKeys

DEFAULT_RULE = RepRule()  # left knee: bent below 100 degrees, straight above 160 (squats)


def series_picker(keys: DemoKeys, scope: str) -> list[tuple[str, str]]:
    """``scope``: "live" or "clip", each chart keeps its own choice."""
    return st.multiselect(
        "Plot",
        list(SERIES),
        default=list(DEFAULT_SERIES),
        format_func=SERIES.get,
        key=keys.over_time(f"{scope}:series"),
        help="Joint angles in degrees (180 = straight), or a keypoint's height in pixels above the bottom of "
        "the picture. Gaps: the keypoints were not confident enough (minimum part confidence).",
    )


def chart(table: dict, x_label: str) -> None:
    columns = [name for name in table if name != "seconds"]
    if not columns:
        st.caption("Choose something to plot.")
        return
    st.line_chart(pd.DataFrame(table), x="seconds", y=columns, x_label=x_label, height=220)


def rep_rule_picker(keys: DemoKeys, scope: str) -> RepRule:
    """One joint angle and two thresholds: the repetition counter's rule (``posenet_core.reps``)."""
    left, right = st.columns([1, 2])
    joint = left.selectbox(
        "Count repetitions of",
        JOINT_NAMES,
        index=JOINT_NAMES.index(DEFAULT_RULE.joint),
        key=keys.over_time(f"{scope}:rep_joint"),
    )
    down, up = right.slider(
        "Bent below, straight above (°)",
        0,
        180,
        (int(DEFAULT_RULE.down_below), int(DEFAULT_RULE.up_above)),
        step=5,
        key=keys.over_time(f"{scope}:rep_thresholds"),
        help=RULE_WORDS[0].upper() + RULE_WORDS[1:] + ". Two thresholds, so jitter near one cannot count twice.",
    )
    if down >= up:  # the slider's two ends on one value
        st.caption("The two thresholds must differ; counting with the defaults.")
        return DEFAULT_RULE if joint == DEFAULT_RULE.joint else RepRule(joint)
    return RepRule(joint, float(down), float(up))


def rep_metric(counter: RepCounter) -> None:
    st.metric("Repetitions", counter.count, width="content")
    if counter.unfinished:
        st.caption("The last one counts from the bend; it has not come back up (above the straight threshold) yet.")


def clip_samples(json_path: pathlib.Path, height: int) -> list[Sample]:
    """An analysed clip's frames (its poses JSON) as the chart's samples."""
    frames = json.loads(json_path.read_text())["frames"]
    return [Sample(f["time"], first_pose([pose_from_dict(p) for p in f["poses"]]), height) for f in frames]


def clip_over_time(keys: DemoKeys, json_path: pathlib.Path, height: int, min_part_confidence: float) -> None:
    """The chart and the repetition count over a whole analysed clip (as the analysis saw it: with or
    without smoothing, as "Across frames" said when it ran)."""
    samples = clip_samples(json_path, height)
    st.markdown("**Over the whole clip**")
    chart(series_table(samples, series_picker(keys, "clip"), min_part_confidence), "seconds into the clip")
    rule = rep_rule_picker(keys, "clip")
    rep_metric(count_repetitions([value_of(s, (ANGLE, rule.joint), min_part_confidence) for s in samples], rule))
