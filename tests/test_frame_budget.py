"""Fair turns: at most `slots` frames at once, the least recently served stream next."""

import threading
import time

import pytest

from studio.live.turns import FairTurns, default_slots


class Stream:
    """A stand-in for a stream's LiveStats: any object that can be weakly referenced."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.001)


def test_one_core_is_left_for_the_codecs():
    assert default_slots(1) == 1
    assert default_slots(2) == 1
    assert default_slots(8) == 7


def test_no_more_frames_at_once_than_slots():
    turns = FairTurns(slots=2)
    a, b, c = Stream("a"), Stream("b"), Stream("c")
    assert turns.acquire(a) and turns.acquire(b)
    assert not turns.acquire(c, timeout=0.05)
    turns.release()
    assert turns.acquire(c, timeout=1.0)


def test_the_least_recently_served_stream_goes_next():
    now = [0.0]
    turns = FairTurns(slots=1, clock=lambda: now[0])
    a, b, c = Stream("a"), Stream("b"), Stream("c")
    for stream, at in ((c, 1.0), (b, 2.0)):  # c was served before b
        now[0] = at
        with turns.turn(stream):
            pass
    now[0] = 3.0
    assert turns.acquire(a)  # a holds the only slot while b and c line up (b first)
    order = []

    def take(stream):
        with turns.turn(stream) as granted:
            order.append((stream, granted))

    waiters = [threading.Thread(target=take, args=(s,)) for s in (b, c)]
    waiters[0].start()
    wait_until(lambda: turns.waiting() == 1)
    waiters[1].start()
    wait_until(lambda: turns.waiting() == 2)
    turns.release()
    for waiter in waiters:
        waiter.join(5)
    assert order == [(c, True), (b, True)]


def test_a_new_stream_goes_before_those_already_served():
    turns = FairTurns(slots=1)
    old, new = Stream("old"), Stream("new")
    with turns.turn(old):
        pass
    holder = Stream("holder")
    assert turns.acquire(holder)
    order = []

    def take(stream):
        with turns.turn(stream):
            order.append(stream)

    threads = [threading.Thread(target=take, args=(s,)) for s in (old, new)]
    threads[0].start()
    wait_until(lambda: turns.waiting() == 1)
    threads[1].start()
    wait_until(lambda: turns.waiting() == 2)
    turns.release()
    for thread in threads:
        thread.join(5)
    assert order == [new, old]


def test_a_turn_that_does_not_come_in_time_is_not_taken():
    turns = FairTurns(slots=1)
    assert turns.acquire(Stream("busy"))
    late = Stream("late")
    with turns.turn(late, timeout=0.02) as granted:
        assert not granted
    turns.release()  # the busy one's slot; the late one took none
    with turns.turn(late, timeout=0.5) as granted:
        assert granted


@pytest.mark.parametrize("streams", [2, 3, 5])
def test_streams_that_all_want_every_frame_get_the_same_share(streams):
    turns = FairTurns(slots=1)
    counts = {Stream(str(i)): 0 for i in range(streams)}
    stop = threading.Event()

    def worker(stream):
        while not stop.is_set():
            with turns.turn(stream, timeout=1.0) as granted:
                if granted:
                    counts[stream] += 1
                    time.sleep(0.001)  # "processing"

    threads = [threading.Thread(target=worker, args=(s,)) for s in counts]
    for thread in threads:
        thread.start()
    wait_until(lambda: min(counts.values()) >= 5, timeout=30)  # all have started (threads start one by one)
    start = dict(counts)
    wait_until(lambda: sum(counts.values()) - sum(start.values()) >= 100 * streams, timeout=30)
    stop.set()
    for thread in threads:
        thread.join(5)
    served = [counts[s] - start[s] for s in counts]
    assert min(served) / max(served) >= 0.8, served


def test_a_stream_that_ended_is_forgotten():
    turns = FairTurns(slots=1)
    stream = Stream("gone")
    with turns.turn(stream):
        pass
    del stream
    assert len(turns._last_served) == 0
