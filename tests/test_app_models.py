"""The model picker on the live pages (streamlit.testing): the models that fit each page, the views
each model has, PoseNet's own knobs greyed out for MoveNet, the share link, the box the video
worker reads (a change reaches the running stream at its next frame)."""

import pytest
from streamlit.testing.v1 import AppTest

from studio.session_keys import DemoKeys
from tests.conftest import REPO_ROOT

SINGLE, MULTI = DemoKeys("single"), DemoKeys("multi")

pytestmark = pytest.mark.usefixtures("webrtc_without_server")


def open_page(page: str, query: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120)
    app.query_params.update(query or {})
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def test_each_page_offers_the_models_that_fit_it():
    single = open_page("pages/single_pose.py")
    assert single.selectbox(key=SINGLE.widget("model")).options == [
        "PoseNet MobileNetV1 0.75",
        "MoveNet Lightning",
        "MoveNet Thunder",
        "BlazePose Lite",
        "BlazePose Full",
    ]
    multi = open_page("pages/multi_pose.py")
    assert multi.selectbox(key=MULTI.widget("model")).options == ["PoseNet MobileNetV1 0.75", "MoveNet MultiPose"]
    assert multi.selectbox(key=MULTI.widget("model")).value == "posenet"


def test_picking_movenet_changes_the_views_greys_out_posenets_knobs_and_reaches_the_worker():
    app = open_page("pages/single_pose.py")
    app.radio(key=SINGLE.widget("view")).set_value("offsets").run()
    app.selectbox(key=SINGLE.widget("model")).set_value("movenet-thunder").run()
    assert not app.exception
    view = app.radio(key=SINGLE.widget("view"))
    assert view.options == ["Skeleton overlay", "Heatmaps", "Person centres"]
    assert view.value == "overlay"  # Thunder has no offset vectors: back to the overlay
    assert "offset and displacement vectors are PoseNet's" in view.help
    assert app.slider(key=SINGLE.widget("scale_factor")).disabled
    assert app.radio(key=SINGLE.widget("output_stride")).disabled
    assert "256 x 256" in app.slider(key=SINGLE.widget("scale_factor")).help
    settings = app.session_state[SINGLE.settings].get()
    assert (settings.model, settings.view) == ("movenet-thunder", "overlay")
    assert app.query_params["model"] in ("movenet-thunder", ["movenet-thunder"])

    app.radio(key=SINGLE.widget("view")).set_value("centres").run()
    assert app.session_state[SINGLE.settings].get().view == "centres"
    app.selectbox(key=SINGLE.widget("model")).set_value("posenet").run()
    assert not app.slider(key=SINGLE.widget("scale_factor")).disabled
    assert app.session_state[SINGLE.settings].get().view == "overlay"  # PoseNet has no person centres


def test_picking_blazepose_offers_its_views_greys_out_posenets_knobs_and_reaches_the_worker():
    app = open_page("pages/single_pose.py")
    app.radio(key=SINGLE.widget("view")).set_value("offsets").run()
    app.selectbox(key=SINGLE.widget("model")).set_value("blazepose-full").run()
    assert not app.exception
    view = app.radio(key=SINGLE.widget("view"))
    assert view.options == ["Skeleton overlay", "Heatmaps"] and view.value == "overlay"
    assert "BlazePose's heatmaps cover only the square it cut around the person" in view.help
    assert app.slider(key=SINGLE.widget("scale_factor")).disabled
    assert "crop around the person" in app.slider(key=SINGLE.widget("scale_factor")).help
    assert "person finder (detector)" in app.selectbox(key=SINGLE.widget("model")).help
    assert app.session_state[SINGLE.settings].get().model == "blazepose-full"
    assert app.query_params["model"] in ("blazepose-full", ["blazepose-full"])


def test_a_link_to_blazepose_on_the_multi_pose_page_says_it_is_a_single_pose_model():
    app = open_page("pages/multi_pose.py", {"model": "blazepose-lite"})
    assert app.selectbox(key=MULTI.widget("model")).value == "posenet"
    assert any("model=blazepose-lite" in w.value for w in app.warning)


def test_multipose_greys_out_posenets_multi_pose_decoding():
    app = open_page("pages/multi_pose.py")
    app.selectbox(key=MULTI.widget("model")).set_value("movenet-multipose").run()
    for field in ("max_detections", "score_threshold", "nms_radius"):
        assert app.slider(key=MULTI.widget(field)).disabled
    assert not app.slider(key=MULTI.widget("min_pose_confidence")).disabled


def test_a_link_opens_the_page_with_its_model_and_view():
    app = open_page("pages/multi_pose.py", {"model": "movenet-multipose", "view": "centres", "source": "three_people"})
    assert app.selectbox(key=MULTI.widget("model")).value == "movenet-multipose"
    assert app.radio(key=MULTI.widget("view")).value == "centres"
    assert not app.warning


def test_a_link_with_a_model_of_the_other_page_says_so():
    app = open_page("pages/single_pose.py", {"model": "movenet-multipose"})
    assert app.selectbox(key=SINGLE.widget("model")).value == "posenet"
    assert any("model=movenet-multipose" in w.value and "multi-pose page" in w.value for w in app.warning)
