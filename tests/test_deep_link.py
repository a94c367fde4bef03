"""Settings <-> query string, without Streamlit."""

import pytest

from studio.deep_link import read_link, write_link
from studio.settings import DemoSettings
from studio.widgets import SOURCES

SINGLE = DemoSettings(min_pose_confidence=0.1)
MULTI = DemoSettings(multi_pose=True, min_pose_confidence=0.15)


def test_defaults_make_an_empty_query():
    assert write_link(SINGLE, "camera", SINGLE) == {}
    assert read_link({}, MULTI, SOURCES) == (MULTI, "camera", [])


def test_round_trip_of_every_setting():
    settings = MULTI.with_changes(
        scale_factor=0.75,
        flip_horizontal=True,
        output_stride=8,
        max_detections=3,
        score_threshold=0.3,
        nms_radius=25.0,
        min_pose_confidence=0.2,
        min_part_confidence=0.4,
        view="heatmap",
        heatmap_part="rightKnee",
        vector_min_score=0.7,
        show_boxes=True,
        show_scores=False,
    )
    query = write_link(settings, "squats", MULTI)
    assert query["outputStride"] == "8" and query["part"] == "rightKnee" and query["flipHorizontal"] == "true"
    assert read_link(query, MULTI, SOURCES) == (settings, "squats", [])


def test_all_parts_heatmap_is_written_as_all():
    settings = MULTI.with_changes(view="heatmap", heatmap_part="leftEye")
    assert read_link({"view": "heatmap", "part": "all"}, settings, SOURCES)[0].heatmap_part is None


def test_values_snap_onto_the_slider_steps():
    settings, _, notices = read_link({"imageScaleFactor": "0.33", "maxPoseDetections": "2.6"}, MULTI, SOURCES)
    assert (settings.scale_factor, settings.max_detections, notices) == (0.35, 3, [])


@pytest.mark.parametrize(
    "query, allowed",
    [
        ({"outputStride": "10"}, "one of 8, 16, 32"),
        ({"imageScaleFactor": "0"}, "from 0.2 to 1"),
        ({"imageScaleFactor": "nan"}, "from 0.2 to 1"),
        ({"nmsRadius": "-3"}, "from 1 to 40"),
        ({"flipHorizontal": "maybe"}, "true or false"),
        ({"part": "tail"}, "one of all, nose"),
        ({"view": "xray"}, "one of overlay"),
    ],
)
def test_a_bad_value_falls_back_to_its_default_with_a_notice(query, allowed):
    settings, source, notices = read_link(query, MULTI, SOURCES)
    assert settings == MULTI and source == "camera"
    assert len(notices) == 1 and allowed in notices[0] and next(iter(query)) in notices[0]


def test_multi_pose_parameters_are_ignored_on_the_single_pose_page():
    settings, _, notices = read_link({"maxPoseDetections": "2", "view": "displacements"}, SINGLE, SOURCES)
    assert settings == SINGLE and len(notices) == 1 and "multi-pose page" in notices[0]
    assert "maxPoseDetections" not in write_link(SINGLE.with_changes(max_detections=2), "camera", SINGLE)
