"""The chart over time (AppTest): the last ~10 s of the live stream, the same over a whole analysed
clip, the repetition count beside it, and smoothing on and off visibly different."""

import json

import numpy as np
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import posenet_core
from studio.live.pipeline import process_frame
from studio.live.stream_tracker import StreamTracker
from studio.live.timeline import LiveTimeline
from studio.session_keys import DemoKeys
from studio.settings.demo import DemoSettings

KEYS = DemoKeys("single")
FRAME_S = 0.2  # the squats video is 5 fps
LEFT_KNEE = "leftKnee angle (°)"


class Clock:
    now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def squat_runs(net, squat_frames):
    """The squats video through the live pipeline with smoothing on and off: (timeline, frame records)."""
    runs = {}
    for smooth in (True, False):
        settings = DemoSettings.for_page(False).with_changes(smooth_keypoints=smooth)
        tracker, clock = StreamTracker(), Clock()
        timeline, records = LiveTimeline(clock=clock), []
        for index, image in enumerate(squat_frames):
            clock.now = 100.0 + index * FRAME_S
            picture, report = process_frame(net, image, settings, tracker, index * FRAME_S)
            timeline.add(picture, report.poses, settings.min_part_confidence)
            records.append({"frame": index, "time": index * FRAME_S, "poses": [p.to_dict() for p in report.poses]})
        runs[smooth] = timeline, records
    return runs


def live_chart_page():
    import streamlit as st

    from studio.session_keys import DemoKeys
    from studio.ui.over_time import over_time_panel

    over_time_panel(DemoKeys("single"), st.session_state["timeline"], False, 0.1)


def clip_chart_page():
    import pathlib

    import streamlit as st

    from studio.clips.charts import clip_over_time
    from studio.session_keys import DemoKeys

    clip_over_time(DemoKeys("single"), pathlib.Path(st.session_state["json_path"]), 1280, 0.1)


def run(page, **state) -> AppTest:
    app = AppTest.from_function(page, default_timeout=60)
    for name, value in state.items():
        app.session_state[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def chart_data(app: AppTest):
    """The line chart's data: {series label: (seconds, values)}."""
    (chart,) = [e for e in app.main.children.values() if e.type == "vega_lite_chart"] or [
        e for e in _all(app) if getattr(e, "type", None) == "vega_lite_chart"
    ]
    table = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()
    series = [c for c in table.columns if c != "seconds"]
    if len(series) == 1:  # one series: its own column
        return {series[0]: (table["seconds"].to_numpy(), table[series[0]].to_numpy(float))}
    # several: Streamlit stacks them, one column naming the series ("color ...") and one the value
    (label,) = [c for c in series if c.startswith("color")]
    (value,) = [c for c in series if c.startswith("value")]
    return {name: (group["seconds"].to_numpy(), group[value].to_numpy(float)) for name, group in table.groupby(label)}


def _all(app):
    stack = list(app.main.children.values())
    while stack:
        element = stack.pop()
        yield element
        stack.extend(getattr(element, "children", {}).values())


def jitter(values: np.ndarray) -> float:
    """Mean size of the second difference: how much the line zigzags from frame to frame."""
    values = values[~np.isnan(values)]
    return float(np.mean(np.abs(np.diff(values, 2))))


def test_live_chart_shows_the_last_ten_seconds_of_the_chosen_series_and_the_count(squat_runs):
    timeline, _ = squat_runs[True]
    app = run(live_chart_page, timeline=timeline)
    data = chart_data(app)
    assert set(data) == {LEFT_KNEE, "rightKnee angle (°)"}
    seconds, knee = data[LEFT_KNEE]
    assert seconds.min() >= -10.0 and seconds.max() == 0.0 and len(seconds) == 51  # 10 s at 5 fps
    assert np.nanmin(knee) < 95 and np.nanmax(knee) > 165  # squats: bent and straight
    assert app.metric[0].label == "Repetitions" and app.metric[0].value == "3"
    assert any("has not come back up" in c.value for c in app.caption)

    app.multiselect(key=KEYS.over_time("live:series")).set_value([("height", "leftHip")]).run()
    ((label, (_, hip)),) = chart_data(app).items()
    assert label == "leftHip height (px)"
    assert 400 < np.nanmin(hip) < np.nanmax(hip) < 800  # the hip goes down and up again in a 1280 px picture


def test_the_count_follows_the_chosen_angle_and_thresholds(squat_runs):
    timeline, _ = squat_runs[True]
    app = run(live_chart_page, timeline=LiveTimeline())
    assert app.metric[0].value == "0" and any("fills in" in c.value for c in app.caption)
    app = run(live_chart_page, timeline=timeline)
    app.slider(key=KEYS.over_time("live:rep_thresholds")).set_value((60, 160)).run()
    assert app.metric[0].value == "0"  # a new rule counts afresh, from the next frame
    assert timeline.rule.down_below == 60
    timeline.count_with(posenet_core.RepRule())  # back to the default for the other tests


@pytest.fixture(scope="module")
def still_runs(net, squat_frames):
    """A person standing still before a webcam: the squats' first frame with camera noise, 3 s at
    30 fps, through the live pipeline with smoothing on and off."""
    rng = np.random.default_rng(0)
    still = squat_frames[0].astype(np.int16)
    noisy = [np.clip(still + rng.normal(0, 4, still.shape), 0, 255).astype(np.uint8) for _ in range(90)]
    runs = {}
    for smooth in (True, False):
        settings = DemoSettings.for_page(False).with_changes(smooth_keypoints=smooth)
        tracker, clock = StreamTracker(), Clock()
        timeline = LiveTimeline(clock=clock)
        for index, image in enumerate(noisy):
            clock.now = 100.0 + index / 30
            picture, report = process_frame(net, image, settings, tracker, index / 30)
            timeline.add(picture, report.poses, settings.min_part_confidence)
        runs[smooth] = timeline
    return runs


def test_smoothing_on_and_off_visibly_change_the_chart(still_runs):
    """The lesson: a still person's keypoints zigzag from frame to frame; smoothed, the lines go flat.
    (On the squats, fast motion, the 1-euro filter lets the movement through almost untouched.)"""
    series = [("height", "leftHip"), ("height", "nose"), ("height", "rightShoulder")]
    charts = {}
    for smooth, timeline in still_runs.items():
        app = run(live_chart_page, timeline=timeline)
        app.multiselect(key=KEYS.over_time("live:series")).set_value(series).run()
        charts[smooth] = chart_data(app)
    for label in charts[True]:
        smooth, raw = charts[True][label][1], charts[False][label][1]
        print(f"\n{label}: jitter {jitter(raw):.2f} raw, {jitter(smooth):.2f} smoothed")
        assert jitter(smooth) <= 0.5 * jitter(raw), label


def test_the_same_chart_over_a_whole_analysed_clip(squat_runs, tmp_path):
    _, records = squat_runs[True]
    path = tmp_path / "poses.json"
    path.write_text(json.dumps({"video": "pose_squats.mp4", "fps": 5.0, "frames": records}))
    app = run(clip_chart_page, json_path=str(path))
    seconds, knee = chart_data(app)[LEFT_KNEE]
    assert seconds[0] == 0.0 and seconds[-1] == pytest.approx(64 * FRAME_S) and len(seconds) == 65
    assert app.metric[0].value == "3"
    assert any("has not come back up" in c.value for c in app.caption)
