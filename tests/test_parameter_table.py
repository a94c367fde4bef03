"""One table of parameters (studio/settings/table.py) drives the demo widgets, the share links and the teaching page."""

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from posenet_core import params
from studio.session_keys import DemoKeys, TeachKeys
from studio.settings import table as parameters
from studio.settings.demo import DemoSettings
from studio.settings.link import read_link
from studio.settings.table import PARAMETERS
from studio.ui.widgets import SOURCE_LABELS
from tests.conftest import REPO_ROOT
from tests.test_app_teaching import go_to, open_page

MULTI = DemoSettings.for_page(multi_pose=True)


def test_the_article_defaults_and_strides_are_posenet_cores():
    assert PARAMETERS["output_stride"].options == params.OUTPUT_STRIDES
    assert (PARAMETERS["scale_factor"].low, PARAMETERS["scale_factor"].high) == params.SCALE_FACTOR_RANGE
    assert (MULTI.scale_factor, MULTI.output_stride, MULTI.max_detections) == (
        params.DEFAULT_SCALE_FACTOR,
        params.DEFAULT_OUTPUT_STRIDE,
        params.DEFAULT_MAX_DETECTIONS,
    )
    assert (MULTI.score_threshold, MULTI.nms_radius) == (params.DEFAULT_SCORE_THRESHOLD, params.DEFAULT_NMS_RADIUS)


def test_each_page_starts_at_its_own_defaults():
    assert DemoSettings.for_page(multi_pose=False).min_pose_confidence == 0.1
    assert MULTI.min_pose_confidence == 0.15 == DemoSettings().min_pose_confidence
    assert parameters.available_views(False) == ("overlay", "heatmap", "offsets")


@pytest.mark.parametrize(
    "field, text, value",
    [
        ("scale_factor", "0.33", 0.35),
        ("max_detections", "2.6", 3),
        ("output_stride", "8", 8),
        ("heatmap_part", "all", None),
    ],
)
def test_a_link_value_is_parsed_by_its_row(field, text, value):
    assert PARAMETERS[field].parse(text) == value


def test_a_range_changed_in_the_table_reaches_the_widget_the_link_and_the_teaching_page(
    monkeypatch, webrtc_without_server
):
    """What a newcomer does to change a slider's range: edit one row."""
    narrower = dataclasses.replace(PARAMETERS["max_detections"], high=7, default=3)
    monkeypatch.setitem(PARAMETERS, "max_detections", narrower)

    _, _, notices = read_link({"maxPoseDetections": "10"}, MULTI, SOURCE_LABELS)  # the share link
    assert len(notices) == 1 and "from 1 to 7" in notices[0].text
    assert read_link({"maxPoseDetections": "7"}, MULTI, SOURCE_LABELS)[0].max_detections == 7

    demo = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120).run()
    demo.switch_page("pages/multi_pose.py").run()  # the demo widget
    assert not demo.exception, demo.exception
    slider = demo.slider(key=DemoKeys("multi").widget("max_detections"))
    assert (slider.min, slider.max, slider.value) == (1, 7, 3)

    teaching = go_to(open_page(), "4 · Multi-pose")  # the teaching page's slider
    slider = teaching.slider(key=TeachKeys.MAX_DETECTIONS)
    assert (slider.label, slider.min, slider.max, slider.value) == ("Max pose detections", 1, 7, 3)
