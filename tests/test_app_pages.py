"""The app's pages under streamlit.testing: they render, with the article's defaults, per session."""

import pytest
from streamlit.testing.v1 import AppTest

from studio.plain_text import cut
from studio.session_keys import DemoKeys
from studio.sources import CAMERA
from tests.conftest import REPO_ROOT, as_read, code_spans, markdown_syntax

SINGLE, MULTI = DemoKeys("single"), DemoKeys("multi")

pytestmark = pytest.mark.usefixtures("webrtc_without_server")


def open_page(page: str | None = None) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120).run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def value(app: AppTest, kind: str, key: str):
    return getattr(app, kind)(key=key).value


def test_landing_page_says_what_posenet_is_and_where_to_start():
    app = open_page()
    assert app.title[0].value == "PoseNet Studio"
    text = " ".join(m.value for m in app.markdown)
    assert "heatmap" in text and "offset" in text
    assert "3 people found" in str(app.get("image")[0].proto)
    assert [link.proto.page for link in app.get("page_link")][:2] == ["single_pose", "multi_pose"]


def test_single_pose_page_has_the_article_parameters_with_their_defaults():
    app = open_page("pages/single_pose.py")
    assert value(app, "slider", SINGLE.widget("scale_factor")) == 0.5
    assert value(app, "checkbox", SINGLE.widget("flip_horizontal")) is False
    assert value(app, "radio", SINGLE.widget("output_stride")) == 16
    assert value(app, "slider", SINGLE.widget("min_part_confidence")) == 0.1
    assert value(app, "slider", SINGLE.widget("min_pose_confidence")) == 0.1
    labels = {s.label for s in app.slider}
    assert not labels & {"Max pose detections", "Pose score threshold", "NMS radius"}
    assert app.radio(key=SINGLE.widget("view")).options == ["Skeleton overlay", "Heatmaps", "Offset vectors"]
    assert value(app, "radio", SINGLE.widget("source")) == "camera"


def test_multi_pose_page_adds_the_multi_pose_parameters():
    app = open_page("pages/multi_pose.py")
    assert value(app, "slider", MULTI.widget("max_detections")) == 5
    assert value(app, "slider", MULTI.widget("score_threshold")) == 0.5
    assert value(app, "slider", MULTI.widget("nms_radius")) == 20
    assert value(app, "slider", MULTI.widget("min_pose_confidence")) == 0.15
    assert "Displacement vectors" in app.radio(key=MULTI.widget("view")).options


def test_widget_changes_reach_the_box_the_video_worker_reads():
    app = open_page("pages/multi_pose.py")
    app.radio(key=MULTI.widget("output_stride")).set_value(8)
    app.slider(key=MULTI.widget("max_detections")).set_value(2)
    app.checkbox(key=MULTI.widget("flip_horizontal")).check()
    app.radio(key=MULTI.widget("view")).set_value("heatmap").run()
    app.selectbox(key=MULTI.widget("heatmap_part")).set_value("leftWrist").run()
    assert not app.exception
    settings = app.session_state[MULTI.settings].get()
    assert (settings.output_stride, settings.max_detections, settings.flip_horizontal) == (8, 2, True)
    assert (settings.view, settings.heatmap_part) == ("heatmap", "leftWrist")


def test_offsets_view_offers_its_cell_threshold():
    app = open_page("pages/single_pose.py")
    app.radio(key=SINGLE.widget("view")).set_value("offsets").run()
    assert value(app, "slider", SINGLE.widget("vector_min_score")) == 0.5


def test_each_session_keeps_its_own_settings():
    first, second = open_page("pages/multi_pose.py"), open_page("pages/multi_pose.py")
    first.slider(key=MULTI.widget("max_detections")).set_value(1).run()
    assert first.session_state[MULTI.settings].get().max_detections == 1
    assert second.session_state[MULTI.settings].get().max_detections == 5
    assert first.session_state[MULTI.settings] is not second.session_state[MULTI.settings]


@pytest.mark.parametrize("source", ["squats", "three_people", "yoga"])
def test_sample_sources_need_no_camera(source):
    app = open_page("pages/multi_pose.py")
    app.radio(key=MULTI.widget("source")).set_value(source).run()
    assert not app.exception
    assert not any("Camera not working" in e.label for e in app.expander)


def test_a_frame_the_settings_cannot_handle_is_explained_not_crashed():
    app = open_page("pages/single_pose.py")
    app.slider(key=SINGLE.widget("scale_factor")).set_value(0.2)
    app.radio(key=SINGLE.widget("output_stride")).set_value(32).run()
    # What the video worker records when a frame is too small for these settings:
    app.session_state[SINGLE.live_stream(CAMERA)].stats.record_error("image too small: 64 x 48 at scale_factor 0.2 ...")
    app.run()
    assert not app.exception
    assert any("image too small" in w.value for w in app.warning)


def open_link(page: str, query: dict) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120)
    app.query_params.update(query)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def test_a_link_opens_the_page_with_its_settings():
    app = open_link(
        "pages/multi_pose.py",
        {
            "outputStride": "8",
            "maxPoseDetections": "2",
            "view": "heatmap",
            "part": "leftWrist",
            "flipHorizontal": "true",
            "imageScaleFactor": "0.75",
            "source": "three_people",
        },
    )
    assert value(app, "radio", MULTI.widget("output_stride")) == 8
    assert value(app, "slider", MULTI.widget("max_detections")) == 2
    assert value(app, "selectbox", MULTI.widget("heatmap_part")) == "leftWrist"
    assert value(app, "radio", MULTI.widget("source")) == "three_people"
    settings = app.session_state[MULTI.settings].get()
    assert (settings.scale_factor, settings.flip_horizontal, settings.view) == (0.75, True, "heatmap")
    assert not app.warning


def test_bad_link_values_fall_back_to_defaults_with_a_notice():
    app = open_link(
        "pages/single_pose.py",
        {
            "outputStride": "10",
            "imageScaleFactor": "5",
            "view": "displacements",
            "source": "mars",
            "minPartConfidence": "x",
        },
    )
    notices = " ".join(w.value for w in app.warning)
    for bad in ("outputStride=10", "imageScaleFactor=5", "view=displacements", "source=mars", "minPartConfidence=x"):
        assert bad in notices
    settings = app.session_state[SINGLE.settings].get()
    assert (settings.output_stride, settings.scale_factor, settings.view, settings.min_part_confidence) == (
        16,
        0.5,
        "overlay",
        0.1,
    )
    assert value(app, "radio", SINGLE.widget("source")) == "camera"


def test_the_url_follows_the_widgets():
    app = open_page("pages/multi_pose.py")
    assert not {k: v for k, v in app.query_params.items() if k != "page"}  # defaults: a short link
    app.slider(key=MULTI.widget("max_detections")).set_value(3)
    app.radio(key=MULTI.widget("source")).set_value("squats").run()
    assert app.query_params["maxPoseDetections"] in ("3", ["3"])
    assert app.query_params["source"] in ("squats", ["squats"])
    link = str(app.get("code")[-1].proto) if app.get("code") else ""
    assert "maxPoseDetections=3" in link and "source=squats" in link


def test_turn_servers_come_from_secrets():
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120)
    app.secrets["ice_servers"] = [{"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p"}]
    app.switch_page("pages/single_pose.py").run()
    assert not app.exception
    assert any("1 STUN/TURN server(s) from its secrets" in c.value for c in app.caption)


def test_no_secrets_means_direct_connections_only():
    app = open_page("pages/single_pose.py")
    assert any("direct connections only" in c.value for c in app.caption)


def test_heatmap_starts_with_all_parts_chosen():
    app = open_page("pages/single_pose.py")
    app.radio(key=SINGLE.widget("view")).set_value("heatmap").run()
    assert value(app, "selectbox", SINGLE.widget("heatmap_part")) == "all"
    assert app.session_state[SINGLE.settings].get().heatmap_part is None


# A share link's words in the page's notices (issue 10, items 1 and 6) -------------------------


def notice_texts(app: AppTest) -> list[str]:
    """The notices as the reader sees them."""
    return [as_read(w.value) for w in app.warning]


@pytest.mark.parametrize(
    "query",
    [
        {"view": "x` **Camera blocked: [click here to fix](http://evil.example/fix)** `"},
        {"view": "![img](http://evil.example/a.png)"},
        {"part": "x" * 60_000},
        {"part": "![img](http://evil.example/a.png)"},
        {"source": "<img src=http://evil.example/a.png>"},
        {"[click](http://evil.example)": "![img](http://evil.example/a.png)"},
    ],
)
def test_a_links_words_are_shown_as_short_plain_text(query):
    app = open_link("pages/multi_pose.py", query)
    (warning,) = app.warning
    assert markdown_syntax(warning.value) == {"code_inline"}, warning.value  # no link, image, bold, HTML
    assert len(warning.value) < 400  # not 60,000 characters
    ((name, value),) = query.items()
    assert code_spans(warning.value) == [f"{cut(name)}={cut(value)}"]  # as typed, up to the cut


def test_a_link_notice_goes_once_the_user_changes_that_setting():
    app = open_link("pages/multi_pose.py", {"outputStride": "10", "nmsRadius": "-3"})
    assert len(app.warning) == 2
    app.run()  # a rerun alone (a fragment, a widget elsewhere) keeps them
    assert len(app.warning) == 2
    app.radio(key=MULTI.widget("output_stride")).set_value(32).run()
    (text,) = notice_texts(app)  # not "outputStride=10 ... using 16" after picking 32
    assert "nmsRadius=-3" in text
    app.slider(key=MULTI.widget("nms_radius")).set_value(25).run()
    assert not app.warning


def test_a_link_notice_names_what_is_allowed_in_words():
    app = open_link("pages/single_pose.py", {"imageScaleFactor": "abc", "view": "xray"})
    scale, view = notice_texts(app)
    assert "imageScaleFactor=abc is not valid (allowed: a number from 0.2 to 1); using 0.5." in scale
    assert "(allowed: one of overlay, heatmap, offsets, centres)" in view and "displacements" not in view


def test_an_unknown_link_setting_is_ignored_with_a_notice_until_a_setting_changes():
    app = open_link("pages/multi_pose.py", {"scaleFactor": "abc", "outputStride": "8"})
    assert notice_texts(app) == ["The link's settings: scaleFactor=abc: unknown setting, ignored."]
    assert value(app, "radio", MULTI.widget("output_stride")) == 8  # the rest of the link applies
    app.checkbox(key=MULTI.widget("show_boxes")).check().run()
    assert not app.warning
