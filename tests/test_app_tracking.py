"""The live pages' "Across frames" controls: defaults, the video worker's settings, the share link."""

import pytest
from test_app_pages import open_page, value

from studio.session_keys import DemoKeys
from studio.settings.demo import DemoSettings
from studio.settings.link import read_link, write_link
from studio.ui.widgets import SOURCE_LABELS

pytestmark = pytest.mark.usefixtures("webrtc_without_server")

MULTI = DemoSettings(multi_pose=True, min_pose_confidence=0.15)
SINGLE_KEYS, MULTI_KEYS = DemoKeys("single"), DemoKeys("multi")


def test_tracking_and_smoothing_are_on_by_default_on_both_pages():
    for page, keys in [("pages/single_pose.py", SINGLE_KEYS), ("pages/multi_pose.py", MULTI_KEYS)]:
        app = open_page(page)
        assert value(app, "toggle", keys.widget("track_people")) is True
        assert value(app, "toggle", keys.widget("smooth_keypoints")) is True
        assert value(app, "slider", keys.widget("smoothing_strength")) == 0.5
        settings = app.session_state[keys.settings].get()
        assert (settings.track_people, settings.smooth_keypoints, settings.smoothing_strength) == (True, True, 0.5)


def test_switching_them_reaches_the_video_worker_and_the_link():
    app = open_page("pages/multi_pose.py")
    app.slider(key=MULTI_KEYS.widget("smoothing_strength")).set_value(0.8).run()
    app.toggle(key=MULTI_KEYS.widget("track_people")).set_value(False).run()
    settings = app.session_state[MULTI_KEYS.settings].get()
    assert (settings.track_people, settings.smoothing_strength) == (False, 0.8)
    assert (app.query_params["track"], app.query_params["smoothing"]) == ("false", "0.8")
    app.toggle(key=MULTI_KEYS.widget("smooth_keypoints")).set_value(False).run()
    assert app.slider(key=MULTI_KEYS.widget("smoothing_strength")).disabled  # nothing to set while smoothing is off
    assert app.session_state[MULTI_KEYS.settings].get().smooth_keypoints is False


def test_a_link_opens_the_page_with_its_tracking_settings():
    app = open_page()
    app.query_params.update({"track": "false", "smoothing": "0.2"})
    app.switch_page("pages/single_pose.py").run()
    assert not app.exception
    assert value(app, "toggle", SINGLE_KEYS.widget("track_people")) is False
    assert value(app, "slider", SINGLE_KEYS.widget("smoothing_strength")) == 0.2


def test_tracking_settings_in_the_share_link():
    settings = MULTI.with_changes(track_people=False, smooth_keypoints=False, smoothing_strength=0.3)
    query = write_link(settings, "camera", MULTI)
    assert query == {"track": "false", "smooth": "false", "smoothing": "0.3"}
    assert read_link(query, MULTI, SOURCE_LABELS) == (settings, "camera", [])
    _, _, notices = read_link({"smoothing": "3", "smooth": "maybe"}, MULTI, SOURCE_LABELS)
    by_setting = {n.setting: n.text for n in notices}
    assert "from 0 to 1" in by_setting["smoothing_strength"] and "true or false" in by_setting["smooth_keypoints"]
    assert len(notices) == 2
