"""The live path holds at most the newest frame wherever a stage stalls, and a stuck worker ends its stream.

Real parts: streamlit-webrtc's worker track and callback processor (as ``webrtc_compat`` bounds
them), aiortc's remote track queue, PyAV frames of a camera's size. Only the camera is a
stand-in (a track handing out frames as fast as it is asked).
"""

import asyncio
import threading
import time

import av
import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcrtpreceiver import RemoteStreamTrack

from studio.live import webrtc_compat
from studio.live.callback import STALLED_MESSAGE, FrameCallback, StallForTests
from studio.live.stream import LiveStream
from studio.settings.demo import DemoSettings, SettingsBox
from tests.conftest import run_coroutine


def camera_frame(n: int) -> av.VideoFrame:
    frame = av.VideoFrame.from_ndarray(np.full((576, 576, 3), n % 256, np.uint8), format="rgb24")
    frame.pts = n
    return frame


class Camera(MediaStreamTrack):
    kind = "video"

    def __init__(self):
        super().__init__()
        self.sent = 0

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        await asyncio.sleep(0.005)
        self.sent += 1
        return camera_frame(self.sent)


def test_the_hand_off_keeps_only_the_newest_frame_and_the_end_stays_last():
    clock = [100.0]
    hand_off = webrtc_compat.NewestFrameQueue(clock=lambda: clock[0])
    assert hand_off.waited_s() == 0.0
    for n in range(50):
        hand_off.put(n)
    assert hand_off.qsize() == 1 and hand_off.get_nowait() == 49
    hand_off.put("a")
    clock[0] += 3
    hand_off.put("b")
    assert hand_off.waited_s() == 3.0  # since the first untaken frame came
    assert hand_off.get_nowait() == "b" and hand_off.waited_s() == 0.0
    hand_off.put(webrtc_compat._WORKER_END)
    hand_off.put("late frame")  # a frame arriving while the track stops must not swallow the end
    assert hand_off.get_nowait() is webrtc_compat._WORKER_END and hand_off.empty()


class StuckCallback:
    """Blocks on the first frame until released; counts what it saw; records on_stall."""

    def __init__(self):
        self.release = threading.Event()
        self.calls = 0
        self.stalled = []

    def __call__(self, frame):
        self.calls += 1
        self.release.wait(30)
        return frame

    def on_stall(self, seconds):
        self.stalled.append(seconds)


def bounded_track(callback, camera=None, stall_after_s=0.5):
    webrtc_compat.bound_live_queues(stall_after_s)
    processor = webrtc_compat.UnlockedCallbackProcessor(callback, None, None)
    return webrtc_compat.BoundedProcessTrack(track=camera or Camera(), processor=processor)


def test_a_stuck_worker_ends_its_stream_holding_one_frame_not_every_one():
    callback = StuckCallback()
    camera = Camera()
    track = bounded_track(callback, camera)

    async def pull_until_ended():
        returned = 0
        started = time.monotonic()
        with pytest.raises(MediaStreamError):
            while time.monotonic() - started < 10:
                await track.recv()
                returned += 1
        return returned, time.monotonic() - started

    try:
        returned, took = run_coroutine(pull_until_ended())
        assert callback.calls == 1 and camera.sent > 30  # frames kept coming while the callback was stuck
        assert 0.5 <= took < 3.0 and len(callback.stalled) == 1 and callback.stalled[0] >= 0.5
        assert track.readyState == "ended" and camera.readyState == "ended"
        assert track._in_queue.qsize() <= 1  # what the worker would have had to work through
    finally:
        callback.release.set()
    track._thread.join(5)
    assert not track._thread.is_alive()  # the worker ends once its callback returns


def test_stop_never_waits_for_a_stuck_worker_and_works_before_the_first_frame():
    never_started = bounded_track(StuckCallback())
    never_started.stop()  # was: AttributeError '_in_queue' (streamlit-webrtc 0.79.0)
    assert never_started.readyState == "ended"

    callback = StuckCallback()
    track = bounded_track(callback, stall_after_s=60)
    run_coroutine(track.recv())  # the worker takes the frame and blocks in the callback
    time.sleep(0.1)
    started = time.monotonic()
    track.stop()
    assert time.monotonic() - started < 0.5  # the library's stop() joined the stuck thread on the event loop
    callback.release.set()
    track._thread.join(5)
    assert not track._thread.is_alive()


def test_the_page_can_update_callbacks_while_a_callback_is_stuck():
    callback = StuckCallback()
    processor = webrtc_compat.UnlockedCallbackProcessor(callback, None, None)
    worker = threading.Thread(target=processor.recv, args=(camera_frame(1),))
    worker.start()
    time.sleep(0.1)
    started = time.monotonic()
    processor.update_callbacks(lambda frame: frame, None, None)  # what every script run of the page does
    assert time.monotonic() - started < 0.5
    callback.release.set()
    worker.join(5)


def test_decoded_camera_frames_nobody_reads_are_not_kept():
    remote = RemoteStreamTrack(kind="video")
    webrtc_compat.keep_newest_frame_only(remote)

    async def decoder_puts_frames():
        for n in range(300):  # 10 s of a 30 fps camera with nobody reading
            await remote._queue.put(camera_frame(n))
        return remote._queue.qsize(), (await remote.recv()).pts

    assert run_coroutine(decoder_puts_frames()) == (1, 299)


def test_on_stall_logs_the_stream_and_tells_the_page(caplog):
    stream = LiveStream(SettingsBox(DemoSettings()))
    stats = stream.stats
    callback = FrameCallback(None, stream, stream_id="abc12345/multi:camera")
    with caplog.at_level("WARNING", logger="studio.live.callback"):
        callback.on_stall(5.2)
    assert "abc12345/multi:camera" in caplog.text and "5.2 s" in caplog.text
    assert stats.snapshot().ended_reason == STALLED_MESSAGE.format(seconds=5.2)
    assert stats.ending()  # the browser still shows it playing: the page stops it there
    stats.started()
    assert stats.ending()  # not before the page has seen it stopped
    stats.end_shown()
    assert not stats.ending() and stats.snapshot().ended_reason  # shown until the next START
    stats.started()
    assert stats.snapshot().ended_reason is None


def test_the_stall_hook_for_tests_blocks_once_at_its_frame(caplog):
    hook = StallForTests("3:0.3")
    times = []
    for _ in range(5):
        started = time.monotonic()
        hook.frame_processed()
        times.append(time.monotonic() - started)
    assert times[2] >= 0.3 and max(times[:2] + times[3:]) < 0.1
    assert StallForTests("nonsense").at_frame == 0 and "not N:S" in caplog.text


class OneFrameCamera(MediaStreamTrack):
    """Sends ``count`` frames, then nothing more (a camera that froze, or a photo)."""

    kind = "video"

    def __init__(self, count: int = 1):
        super().__init__()
        self.count, self.sent = count, 0

    async def recv(self):
        if self.sent >= self.count:
            await asyncio.sleep(3600)
        self.sent += 1
        return camera_frame(self.sent)


class Annotate:
    """A callback that takes ``delay_s`` and returns a new frame with the camera frame's time."""

    def __init__(self, delay_s: float = 0.05):
        self.delay_s = delay_s

    def __call__(self, frame):
        time.sleep(self.delay_s)
        out = av.VideoFrame.from_ndarray(np.zeros((576, 576, 3), np.uint8), format="rgb24")
        out.pts = frame.pts
        out.opaque = "processed"
        return out


def test_a_processed_frame_is_sent_when_ready_not_when_the_next_camera_frame_comes():
    # The camera sends one frame and no other: the library's track answered the encoder only
    # when the next camera frame came, so this processed frame would never have left.
    track = bounded_track(Annotate(), OneFrameCamera(count=1), stall_after_s=60)

    async def first_two_sent():
        shown_at_once = await asyncio.wait_for(track.recv(), 5)  # the camera's frame, until PoseNet's is ready
        processed = await asyncio.wait_for(track.recv(), 5)
        return shown_at_once, processed

    try:
        shown_at_once, processed = run_coroutine(first_two_sent())
    finally:
        track.stop()
    assert shown_at_once.opaque != "processed" and shown_at_once.pts == 1
    assert processed.opaque == "processed" and processed.pts == 2  # one tick after the camera's frame it shows


def test_each_processed_frame_is_sent_once_with_rising_times():
    camera = Camera()  # a frame every 5 ms; processing takes 20: the worker skips to the newest
    track = bounded_track(Annotate(delay_s=0.02), camera, stall_after_s=60)

    async def send_for(seconds):
        sent, ends = [], time.monotonic() + seconds
        while time.monotonic() < ends:
            sent.append(await asyncio.wait_for(track.recv(), 5))
        return sent

    try:
        sent = run_coroutine(send_for(1.0))
    finally:
        track.stop()
    processed = [f for f in sent if f.opaque == "processed"]
    times = [f.pts for f in sent]
    assert times == sorted(set(times)), "a frame sent twice, or the video went back in time"
    assert len(processed) >= 10 and len(sent) - len(processed) <= 10  # the camera's own only before the first
    assert camera.sent > 2 * len(processed)  # camera frames came faster than processed ones and were skipped
