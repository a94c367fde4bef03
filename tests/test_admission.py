"""Admission: up to POSENET_MAX_STREAMS live streams per process; places freed by STOP or by silence."""

import gc

import pytest

from studio.hosting import admission
from studio.hosting.admission import CONNECTING_FOR_S, DEFAULT_LIMIT, IDLE_AFTER_S, StreamAdmission, limit_from_env


class Stream:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


@pytest.fixture
def clock():
    now = [100.0]
    tick = lambda: now[0]  # noqa: E731
    tick.advance = lambda seconds: now.__setitem__(0, now[0] + seconds)
    return tick


def test_admits_up_to_the_limit_then_says_full(clock):
    gate = StreamAdmission(2, clock)
    a, b, c = Stream("a"), Stream("b"), Stream("c")
    assert gate.admit(a) and gate.admit(b)
    assert gate.live() == 2
    assert not gate.has_room_for(c) and not gate.admit(c)
    assert gate.has_room_for(a) and gate.admit(a)  # those already in stay in
    assert gate.live() == 2


def test_stop_frees_the_place_at_once(clock):
    gate = StreamAdmission(1, clock)
    a, b = Stream("a"), Stream("b")
    gate.admit(a)
    gate.release(a)
    assert gate.live() == 0 and gate.admit(b)


def test_a_frame_after_stop_does_not_take_the_place_back(clock):
    gate = StreamAdmission(2, clock)
    a = Stream("a")
    gate.admit(a)
    gate.release(a)
    assert not gate.keep_alive(a)
    assert gate.live() == 0
    assert gate.admit(a)  # START again


def test_frames_keep_a_place_and_silence_frees_it(clock):
    gate = StreamAdmission(1, clock)
    a, b = Stream("a"), Stream("b")
    gate.admit(a)
    clock.advance(CONNECTING_FOR_S - 1)  # still connecting: held
    assert not gate.has_room_for(b)
    for _ in range(10):  # streaming
        clock.advance(1.0)
        assert gate.keep_alive(a)
    assert not gate.has_room_for(b)
    clock.advance(IDLE_AFTER_S + 0.1)  # the tab closed, the page was left: no more frames
    assert gate.live() == 0 and gate.admit(b)


def test_a_connection_that_never_comes_up_frees_its_place(clock):
    gate = StreamAdmission(1, clock)
    gate.admit(Stream("a"))
    clock.advance(CONNECTING_FOR_S + 0.1)
    assert gate.live() == 0


def test_an_admitted_stream_that_went_quiet_is_not_evicted_by_a_newcomer(clock):
    gate = StreamAdmission(1, clock)
    a, b, c = Stream("a"), Stream("b"), Stream("c")
    gate.admit(a)
    clock.advance(CONNECTING_FOR_S + 1)  # no frame yet (a loaded server): the place is free for now
    assert gate.live() == 0
    assert gate.keep_alive(a)  # its first frame: back in
    clock.advance(IDLE_AFTER_S + 1)
    assert gate.admit(b)  # a went quiet again, and its place went to b meanwhile
    assert gate.has_room_for(a) and gate.keep_alive(a)  # a's page and frames carry on: not evicted
    assert gate.live() == 2  # one over the limit, for a while
    assert not gate.has_room_for(c) and not gate.admit(c)  # newcomers wait
    gate.release(a)  # STOP: a's admission ends
    clock.advance(IDLE_AFTER_S + 1)
    assert not gate.keep_alive(a) and not gate.has_room_for(a)


def test_a_stream_never_admitted_takes_a_place_only_if_there_is_room(clock):
    gate = StreamAdmission(1, clock)
    a, b = Stream("a"), Stream("b")
    assert gate.keep_alive(a)  # a frame before the page's admit (room): it takes the place
    assert not gate.keep_alive(b)


def test_a_frame_from_a_stream_started_past_the_limit_is_not_served(clock):
    gate = StreamAdmission(1, clock)
    a, b = Stream("a"), Stream("b")
    gate.admit(a)
    assert not gate.keep_alive(b)
    assert gate.live() == 1


def test_a_session_that_is_gone_frees_its_place(clock):
    gate = StreamAdmission(1, clock)
    a = Stream("a")
    gate.admit(a)
    del a
    gc.collect()
    assert gate.live() == 0


@pytest.mark.parametrize(
    ("value", "limit"), [("4", 4), (" 1 ", 1), ("", DEFAULT_LIMIT), ("0", DEFAULT_LIMIT), ("many", DEFAULT_LIMIT)]
)
def test_the_limit_comes_from_the_environment(value, limit, caplog):
    assert limit_from_env({admission.LIMIT_ENV: value}) == limit
    if value.strip() not in ("", "4", "1"):
        assert admission.LIMIT_ENV in caplog.text


def test_no_environment_means_the_measured_default():
    assert limit_from_env({}) == DEFAULT_LIMIT


def test_a_session_starting_another_stream_takes_over_its_own_place(clock):
    gate = StreamAdmission(2, clock)
    camera, sample, other = Stream("camera"), Stream("sample"), Stream("other user")
    assert gate.admit(other, owner="other session")
    assert gate.admit(camera, owner="me")
    # Full; my switch to a sample does not wait for my camera stream to go quiet.
    assert not gate.has_room_for(Stream("third user"), owner="third session")
    assert gate.has_room_for(sample, owner="me") and gate.admit(sample, owner="me")
    assert gate.live() == 2 and gate.holds(sample) and not gate.holds(camera)
    assert not gate.keep_alive(camera)  # the old stream's last frames do not take a place back
    assert gate.holds(other)
