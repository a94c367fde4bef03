"""Streams are released when their browser is gone, and only then (studio/live/session_watch.py)."""

import pytest

from studio.live import session_watch, webrtc_compat
from studio.live.streamer import stop_other_sources
from studio.session_keys import DemoKeys
from studio.sources import CAMERA

GONE = session_watch.GONE_AFTER_S


@pytest.fixture(autouse=True)
def no_watched_streams():
    session_watch._watched.clear()
    yield
    session_watch._watched.clear()


def connected(*session_ids):
    return lambda session_id: session_id in session_ids


def test_a_stream_whose_browser_is_connected_is_never_released(streaming_context):
    context, worker = streaming_context()
    session_watch.watch_session("a", context)
    for second in range(0, 60, 5):
        assert session_watch.release_streams_without_browser(second, connected("a")) == 0
    assert not worker.stopped and context.state.playing and session_watch.running_streams() == 1


def test_a_stream_without_its_browser_is_released_after_the_grace_period(streaming_context):
    context, worker = streaming_context()
    session_watch.watch_session("a", context)
    assert session_watch.release_streams_without_browser(100.0, connected()) == 0  # the tab just closed
    assert session_watch.release_streams_without_browser(100.0 + GONE - 0.1, connected()) == 0
    assert not worker.stopped
    assert session_watch.release_streams_without_browser(100.0 + GONE, connected()) == 1
    assert worker.stopped
    assert webrtc_compat.worker_of(context) is None and not context.state.playing  # as after STOP
    assert session_watch.running_streams() == 0 and not session_watch._watched


def test_a_browser_that_reconnects_in_time_keeps_its_stream(streaming_context):
    context, worker = streaming_context()
    session_watch.watch_session("a", context)
    session_watch.release_streams_without_browser(0.0, connected())
    session_watch.release_streams_without_browser(GONE - 1, connected("a"))  # back (a websocket blip)
    session_watch.release_streams_without_browser(GONE + 1, connected())  # gone again: the clock restarts
    assert session_watch.release_streams_without_browser(2 * GONE, connected()) == 0
    assert not worker.stopped
    assert session_watch.release_streams_without_browser(GONE + 1 + GONE, connected()) == 1


def test_only_the_sessions_without_a_browser_lose_their_streams(streaming_context):
    (kept, kept_worker), (lost, lost_worker) = streaming_context(), streaming_context()
    session_watch.watch_session("kept", kept)
    session_watch.watch_session("lost", lost)
    for now in (0.0, GONE):
        session_watch.release_streams_without_browser(now, connected("kept"))
    assert lost_worker.stopped and not kept_worker.stopped
    assert session_watch.running_streams() == 1


def test_streams_already_stopped_or_dropped_are_forgotten_without_being_stopped_again(streaming_context):
    stopped, _ = streaming_context(playing=False)
    dropped, _ = streaming_context()
    session_watch.watch_session("a", stopped)
    session_watch.watch_session("b", dropped)
    del dropped  # its session is gone, and with it the only reference
    assert session_watch.release_streams_without_browser(0.0, connected()) == 0
    assert not session_watch._watched


def test_watching_the_same_stream_on_every_run_registers_it_once(streaming_context):
    context, _ = streaming_context()
    for _ in range(3):
        session_watch.watch_session("a", context)
    assert len(session_watch._watched) == 1


def test_watch_outside_a_streamlit_server_does_nothing(streaming_context):
    context, _ = streaming_context()
    session_watch.watch(context)  # no script run, no runtime: no browsers to lose
    assert not session_watch._watched


def test_giving_memory_back_is_safe_to_call_any_time():
    session_watch.give_memory_back()
    session_watch.give_memory_back()


def test_choosing_another_source_stops_the_old_sources_stream(streaming_context):
    (camera, camera_worker), (photo, photo_worker) = streaming_context(), streaming_context()
    other_page, other_worker = streaming_context()
    multi, single = DemoKeys("multi"), DemoKeys("single")
    state = {multi.stream(CAMERA): camera, multi.stream("three_people"): photo, single.stream(CAMERA): other_page}
    stop_other_sources(state, multi, "three_people")
    assert camera_worker.stopped and webrtc_compat.worker_of(camera) is None
    assert not photo_worker.stopped  # the chosen source keeps streaming
    assert not other_worker.stopped  # another page's stream is not ours to stop


def test_memory_is_given_back_four_times_in_30_s_after_a_stream_stops_not_every_second():
    schedule = session_watch.TrimSchedule()
    assert not schedule.due(0.0, running=2)  # nothing stopped yet
    trims = [t for t in range(1, 41) if schedule.due(float(t), running=1)]  # one of two stopped at t=1
    assert trims == [2, 4, 11, 31]


def test_a_second_stop_adds_its_own_trims_and_trims_due_together_count_once():
    schedule = session_watch.TrimSchedule(after_s=(1.0, 3.0))
    schedule.due(0.0, running=3)
    assert schedule.due(1.0, running=2) is False
    assert [t for t in (2.0, 3.0, 4.0, 5.0, 6.0) if schedule.due(t, running=1 if t >= 2.0 else 2)] == [
        2.0,
        3.0,
        4.0,
        5.0,
    ]
