"""The connection doctor on the demo pages (AppTest): "Check my connection" under the video, the browser's
report turned into words above the video, a check of its own when a stream stalls, the host's log.

The browser's part (the ICE gathering) runs in tests/browser/test_connection_doctor.py; here its report
is handed to the page as the browser would hand it: as the check component's state."""

from __future__ import annotations

import logging
import time

import pytest
from streamlit.testing.v1 import AppTest

from studio.session_keys import DemoKeys
from studio.ui.connection_doctor import BUTTON, CHECKING
from tests.conftest import REPO_ROOT

MULTI = DemoKeys("multi")
TLS_URL = "turns:turn.school.org:443?transport=tcp"

pytestmark = pytest.mark.usefixtures("webrtc_without_server")


def multi_pose_page() -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120).run()
    app.switch_page("pages/multi_pose.py").run()
    assert not app.exception, app.exception
    return app


def browser_answers(app: AppTest, **report) -> None:
    """The page's check component reports, for the check asked for last (as its script does)."""
    request = app.session_state[MULTI.doctor("request")]
    facts = {"secure": True, "media_devices": True, "webrtc": True, "candidates": [], "errors": []}
    app.session_state[MULTI.connection_check] = {"report": {**facts, **report, "request": request.token}}
    app.run()
    assert not app.exception, app.exception


def test_the_button_is_under_the_video_and_asks_the_browser():
    app = multi_pose_page()
    button = app.button(key=MULTI.doctor("button"))
    assert button.label == BUTTON
    assert not any(CHECKING in i.value for i in app.info)  # nothing until asked
    button.click().run()
    assert app.session_state[MULTI.doctor("request")].origin == "asked"
    assert any(CHECKING in i.value for i in app.info)


def test_the_browsers_report_becomes_one_message_above_the_video(caplog):
    app = multi_pose_page()
    app.button(key=MULTI.doctor("button")).click().run()
    relay = {"type": "relay", "protocol": "udp", "relay_protocol": "tls", "url": TLS_URL}
    with caplog.at_level(logging.INFO, logger="studio.ui.connection_doctor"):
        browser_answers(app, candidates=[{"type": "host", "protocol": "udp"}, relay])
    (said,) = app.success
    assert said.value.startswith("**Your connection works: through the relay over TLS (port 443).**")
    assert not any(CHECKING in i.value for i in app.info) and not app.error
    assert "connection check (asked)" in caplog.text and "RelayTls" in caplog.text
    app.run()  # kept, and logged once
    assert len(app.success) == 1 and caplog.text.count("RelayTls") == 1


def test_a_camera_error_shown_above_the_video_is_not_said_twice():
    app = multi_pose_page()
    app.session_state[MULTI.streamer_helper] = {"camera_error": "NotReadableError"}
    app.button(key=MULTI.doctor("button")).click().run()
    browser_answers(app)
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and "The camera is busy" in errors[0]


def test_a_stalled_stream_makes_the_page_check_by_itself_and_name_the_cause(caplog):
    app = multi_pose_page()
    app.session_state[MULTI.doctor("stalled")] = time.monotonic() - 9  # as the live panel notes it
    app.run()
    request = app.session_state[MULTI.doctor("request")]
    assert (request.origin, request.stream) == ("auto", "stalled")
    assert any(CHECKING in i.value for i in app.info)
    with caplog.at_level(logging.WARNING):
        browser_answers(app, candidates=[{"type": "host", "protocol": "udp"}])  # no TURN on this page
    (said,) = app.error
    assert "cannot find a way from this network" in said.value and "no video relay (TURN server)" in said.value
    assert "NoTurnNoPath" in caplog.text and "no TURN server configured" in caplog.text
    app.run()
    assert app.session_state[MULTI.doctor("request")] is request  # one check per stalled attempt


def page_with_a_stalled_connection():
    import types

    import streamlit as st

    from studio.live.stats import LiveStats
    from studio.session_keys import DemoKeys
    from studio.ui.live_panel import _connection_notice

    keys = DemoKeys("multi")
    st.session_state.setdefault("runs", 0)
    st.session_state["runs"] += 1
    stats = st.session_state.setdefault("stats", LiveStats())
    ctx = types.SimpleNamespace(state=types.SimpleNamespace(playing=False, signalling=True))
    _connection_notice(keys, ctx, stats.snapshot(), stats)


def test_the_live_panel_notes_a_stalled_attempt_once_for_the_doctor():
    app = AppTest.from_function(page_with_a_stalled_connection, default_timeout=60).run()
    assert MULTI.doctor("stalled") not in app.session_state  # just started connecting
    since = time.monotonic() - 9
    app.session_state[MULTI.connecting_since] = since
    app.run()
    assert not app.exception, app.exception
    assert app.session_state[MULTI.doctor("stalled")] == since
    assert app.session_state["runs"] == 3  # the page ran again at once, for the doctor
    (warning,) = app.warning
    assert "cannot reach the server" in warning.value and "above the video" in warning.value
    app.run()
    assert app.session_state["runs"] == 4  # noted once: no more extra runs
