"""Settings <-> query string, without Streamlit."""

import pytest

from studio.settings.demo import DemoSettings
from studio.settings.link import read_link, write_link
from studio.ui.widgets import SOURCE_LABELS

SINGLE = DemoSettings.for_page(multi_pose=False)
MULTI = DemoSettings(multi_pose=True, min_pose_confidence=0.15)


def test_defaults_make_an_empty_query():
    assert write_link(SINGLE, "camera", SINGLE) == {}
    assert read_link({}, MULTI, SOURCE_LABELS) == (MULTI, "camera", [])


def test_round_trip_of_every_setting():
    settings = MULTI.with_changes(
        scale_factor=0.75,
        flip_horizontal=True,
        output_stride=8,
        precision="int8",
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
    assert read_link(query, MULTI, SOURCE_LABELS) == (settings, "squats", [])


def test_all_parts_heatmap_is_written_as_all():
    settings = MULTI.with_changes(view="heatmap", heatmap_part="leftEye")
    assert read_link({"view": "heatmap", "part": "all"}, settings, SOURCE_LABELS)[0].heatmap_part is None


def test_values_snap_onto_the_slider_steps():
    settings, _, notices = read_link({"imageScaleFactor": "0.33", "maxPoseDetections": "2.6"}, MULTI, SOURCE_LABELS)
    assert (settings.scale_factor, settings.max_detections, notices) == (0.35, 3, [])


@pytest.mark.parametrize(
    "query, allowed",
    [
        ({"outputStride": "10"}, "one of 8, 16, 32"),
        ({"precision": "int4"}, "one of float, int8"),
        ({"imageScaleFactor": "0"}, "from 0.2 to 1"),
        ({"imageScaleFactor": "nan"}, "from 0.2 to 1"),
        ({"nmsRadius": "-3"}, "from 1 to 40"),
        ({"flipHorizontal": "maybe"}, "true or false"),
        ({"part": "tail"}, "one of all, nose"),
        ({"view": "xray"}, "one of overlay"),
        ({"imageScaleFactor": "abc"}, "(allowed: a number from 0.2 to 1)"),
        ({"source": "mars"}, "one of camera, squats"),
    ],
)
def test_a_bad_value_falls_back_to_its_default_with_a_notice(query, allowed):
    settings, source, notices = read_link(query, MULTI, SOURCE_LABELS)
    assert settings == MULTI and source == "camera"
    (notice,) = notices
    name = next(iter(query))
    assert allowed in notice.text and f"{name}={query[name]}" in notice.text and notice.setting is not None


def test_the_single_pose_page_does_not_offer_displacements():
    _, _, notices = read_link({"view": "xray"}, SINGLE, SOURCE_LABELS)
    assert "one of overlay, heatmap, offsets, centres)" in notices[0].text and "displacements" not in notices[0].text
    assert notices[0].setting == "view"


def test_the_model_rides_in_the_link_and_comes_back():
    chosen = SINGLE.with_changes(model="movenet-thunder", view="centres")
    query = write_link(chosen, "camera", SINGLE)
    assert query == {"model": "movenet-thunder", "view": "centres"}
    assert read_link(query, SINGLE, SOURCE_LABELS) == (chosen, "camera", [])


def test_a_model_of_the_other_page_falls_back_to_posenet_with_a_notice():
    settings, _, notices = read_link({"model": "movenet-multipose"}, SINGLE, SOURCE_LABELS)
    assert settings.model == "posenet"
    assert [n.setting for n in notices] == ["model"] and "multi-pose page" in notices[0].text
    settings, _, notices = read_link({"model": "movenet-lightning"}, MULTI, SOURCE_LABELS)
    assert settings.model == "posenet" and "one of posenet, movenet-multipose" in notices[0].text


def test_a_view_the_model_lacks_falls_back_to_the_overlay_with_a_notice():
    settings, _, notices = read_link({"view": "centres"}, MULTI, SOURCE_LABELS)
    assert settings.view == "overlay"
    assert [n.setting for n in notices] == ["view"] and "posenet has no person centres" in notices[0].text
    settings, _, notices = read_link({"model": "movenet-multipose", "view": "offsets"}, MULTI, SOURCE_LABELS)
    assert (settings.model, settings.view) == ("movenet-multipose", "overlay") and len(notices) == 1


def test_an_unknown_name_is_ignored_with_a_notice():
    settings, _, notices = read_link({"scaleFactor": "abc", "embed": "true"}, MULTI, SOURCE_LABELS)
    assert settings == MULTI
    assert [(n.setting, n.text) for n in notices] == [(None, "` scaleFactor=abc `: unknown setting, ignored.")]


def test_a_notice_quotes_a_long_value_cut_short():
    (notice,) = read_link({"part": "x" * 60_000}, MULTI, SOURCE_LABELS)[2]
    assert "part=" + "x" * 39 + "…" in notice.text and len(notice.text) < 300


def test_multi_pose_parameters_are_ignored_on_the_single_pose_page():
    settings, _, notices = read_link({"maxPoseDetections": "2", "view": "displacements"}, SINGLE, SOURCE_LABELS)
    assert settings == SINGLE and len(notices) == 1 and "multi-pose page" in notices[0].text
    assert "maxPoseDetections" not in write_link(SINGLE.with_changes(max_detections=2), "camera", SINGLE)
