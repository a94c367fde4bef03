"""The page ends a stream that shows as playing but processes nothing, and says why (AppTest)."""

import time

from streamlit.testing.v1 import AppTest


def page_with_a_dead_stream():
    import types

    import streamlit as st

    from studio.live.stats import LiveStats
    from studio.session_keys import DemoKeys
    from studio.ui.live_panel import _connection_notice

    keys = DemoKeys("multi")
    stats = st.session_state.setdefault("stats", LiveStats())
    ctx = types.SimpleNamespace(state=types.SimpleNamespace(playing=True, signalling=True))
    _connection_notice(keys, ctx, stats.snapshot(), stats)


def test_playing_without_frames_for_15_s_ends_the_stream_with_a_reason(caplog):
    from studio.session_keys import DemoKeys

    app = AppTest.from_function(page_with_a_dead_stream, default_timeout=60)
    app.run()
    stats = app.session_state["stats"]
    assert not stats.ending()  # just started: nothing to say yet
    app.session_state[DemoKeys("multi").playing_since] = time.monotonic() - 16
    app.run()
    assert not app.exception
    assert stats.ending() and "no video reached PoseNet for 16 s" in stats.snapshot().ended_reason
    assert "Live stream" in caplog.text and "ending it" in caplog.text
