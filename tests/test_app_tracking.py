"""The live pages' "Across frames" controls: defaults, the video worker's settings, the share link."""

from test_app_pages import open_page, value, webrtc_without_runtime  # noqa: F401 (an autouse fixture)

from studio.deep_link import read_link, write_link
from studio.settings import DemoSettings
from studio.widgets import SOURCES

MULTI = DemoSettings(multi_pose=True, min_pose_confidence=0.15)


def test_tracking_and_smoothing_are_on_by_default_on_both_pages():
    for page, key in [("pages/single_pose.py", "single"), ("pages/multi_pose.py", "multi")]:
        app = open_page(page)
        assert value(app, "toggle", f"{key}:track_people") is True
        assert value(app, "toggle", f"{key}:smooth_keypoints") is True
        assert value(app, "slider", f"{key}:smoothing_strength") == 0.5
        settings = app.session_state[f"{key}:settings"].get()
        assert (settings.track_people, settings.smooth_keypoints, settings.smoothing_strength) == (True, True, 0.5)


def test_switching_them_reaches_the_video_worker_and_the_link():
    app = open_page("pages/multi_pose.py")
    app.slider(key="multi:smoothing_strength").set_value(0.8).run()
    app.toggle(key="multi:track_people").set_value(False).run()
    settings = app.session_state["multi:settings"].get()
    assert (settings.track_people, settings.smoothing_strength) == (False, 0.8)
    assert (app.query_params["track"], app.query_params["smoothing"]) == ("false", "0.8")
    app.toggle(key="multi:smooth_keypoints").set_value(False).run()
    assert app.slider(key="multi:smoothing_strength").disabled  # nothing to set while smoothing is off
    assert app.session_state["multi:settings"].get().smooth_keypoints is False


def test_a_link_opens_the_page_with_its_tracking_settings():
    app = open_page()
    app.query_params.update({"track": "false", "smoothing": "0.2"})
    app.switch_page("pages/single_pose.py").run()
    assert not app.exception
    assert value(app, "toggle", "single:track_people") is False
    assert value(app, "slider", "single:smoothing_strength") == 0.2


def test_tracking_settings_in_the_share_link():
    settings = MULTI.with_changes(track_people=False, smooth_keypoints=False, smoothing_strength=0.3)
    query = write_link(settings, "camera", MULTI)
    assert query == {"track": "false", "smooth": "false", "smoothing": "0.3"}
    assert read_link(query, MULTI, SOURCES) == (settings, "camera", [])
    _, _, notices = read_link({"smoothing": "3", "smooth": "maybe"}, MULTI, SOURCES)
    assert len(notices) == 2 and "from 0 to 1" in notices[1] and "true or false" in notices[0]
