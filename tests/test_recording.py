"""Recording a live stream (studio/clips/recording.py): files, limits, never blocking, clean-up."""

import csv
import gc
import json
import math
import threading
import time

import av
import numpy as np
import pytest

from posenet_core.reps import RepRule
from studio.clips.recording import Recording, SessionRecordings
from studio.live.timeline import LiveTimeline
from tests.test_angles import pose_with


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def knee_pose(angle_deg: float):
    """A left leg whose knee angle is ``angle_deg``: thigh straight up from the knee, shin turned."""
    knee = (200.0, 200.0)
    a = math.radians(angle_deg)
    ankle = (knee[0] + 80 * math.sin(a), knee[1] - 80 * math.cos(a))
    return pose_with({"leftHip": (200.0, 120.0), "leftKnee": knee, "leftAnkle": ankle})


def picture(i: int, size=(120, 160)):
    image = np.zeros((*size, 3), np.uint8)
    image[:, : (i * 7) % size[1]] = (200, 80, 40)  # something that changes, like a video
    return image


def decoded(path):
    with av.open(str(path)) as container:
        return [(f.pts, f.time, f.width, f.height) for f in container.decode(video=0)]


def test_video_json_and_csv_of_every_frame_with_angles_and_repetitions(tmp_path):
    clock = Clock()
    recording = Recording(tmp_path, clock=clock)
    knees = [175, 170, 150, 120, 95, 85, 90, 130, 165, 172, 140, 95, 80, 110]  # two bends, the 2nd not back up
    for i, knee in enumerate(knees):
        clock.now += 1 / 30
        recording.offer(picture(i), [knee_pose(knee)], 0.1, clock.now)
        time.sleep(0.01)  # the encoder keeps up: nothing dropped
    recording.finish(RepRule("leftKnee", 100, 160))

    frames = decoded(recording.video_path)
    assert len(frames) == len(knees) == recording.frames_encoded and recording.frames_dropped == 0
    assert [t for _, t, _, _ in frames] == pytest.approx([(i + 1) / 30 for i in range(len(knees))], abs=1.5e-3)
    result = json.loads(recording.json_path.read_text())
    assert [f["frame"] for f in result["frames"]] == list(range(len(knees)))
    assert [f["poses"][0]["angles"]["leftKnee"] for f in result["frames"]] == pytest.approx(knees)
    assert result["fps"] == pytest.approx(30, rel=0.01)
    assert result["repetitions"] | {"rule": None} == {
        "joint": "leftKnee",
        "down_below": 100,
        "up_above": 160,
        "count": 2,
        "finished": 1,
        "unfinished": 1,
        "rule": None,
    }
    assert [f["reps"] for f in result["frames"]] == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2]
    rows = list(csv.DictReader(recording.csv_path.open()))
    assert len(rows) == 17 * len(knees)
    knee_rows = [r for r in rows if r["part"] == "leftKnee"]
    assert [float(r["angle"]) for r in knee_rows] == pytest.approx(knees, abs=1e-3)
    assert [int(r["reps"]) for r in knee_rows] == [f["reps"] for f in result["frames"]]


def test_offer_never_blocks_and_drops_pictures_but_keeps_poses(tmp_path, monkeypatch):
    recording = Recording(tmp_path, queue_frames=2)
    encode, stuck = recording._encode, threading.Event()

    def stuck_encode(*args):
        stuck.wait(30)  # an encoder that has stopped dead: the worker must not wait for it
        encode(*args)

    monkeypatch.setattr(recording, "_encode", stuck_encode)
    offering = threading.Thread(
        target=lambda: [recording.offer(picture(i), [knee_pose(170)], 0.1, time.monotonic()) for i in range(40)]
    )
    offering.start()
    offering.join(timeout=10)
    assert not offering.is_alive()  # all 40 offers returned while the encoder was stuck
    # two waiting in the queue (and one in the encoder's hands, if it took it in time); the rest
    # dropped, their poses kept
    assert recording.frames_offered == 40 and recording.frames_dropped in (37, 38)
    stuck.set()
    recording.finish()
    assert recording.frames_encoded == 40 - recording.frames_dropped
    assert len(decoded(recording.video_path)) == recording.frames_encoded
    assert len(json.loads(recording.json_path.read_text())["frames"]) == 40  # every frame's poses


def test_stops_by_itself_at_the_length_limit(tmp_path):
    clock = Clock()
    recording = Recording(tmp_path, max_seconds=1.0, clock=clock)
    for i in range(60):
        clock.now += 0.05
        recording.offer(picture(i), [], 0.1, clock.now)
    assert not recording.accepting and recording.limit_reached == "it reached the limit of 1 s"
    assert recording.frames_offered == 20
    recording.finish()
    assert recording.duration_s == pytest.approx(1.0)


def test_stops_by_itself_at_the_size_limit(tmp_path):
    recording = Recording(tmp_path, max_bytes=2_000)
    rng = np.random.default_rng(0)
    for _ in range(200):
        if not recording.accepting:
            break
        recording.offer(rng.integers(0, 255, (120, 160, 3), np.uint8), [], 0.1, time.monotonic())
        time.sleep(0.02)
    assert recording.limit_reached == "the video reached the limit of 0 MB"
    assert recording.frames_offered < 200
    recording.finish()


def test_time_stamps_increase_even_when_the_clock_does_not_and_sizes_change(tmp_path):
    clock = Clock()
    recording = Recording(tmp_path, clock=clock)
    for i in range(6):  # two frames in the same millisecond; the picture grows halfway (Chrome's camera does)
        clock.now += 0.0 if i == 3 else 0.04
        recording.offer(picture(i, (120, 160) if i < 3 else (240, 320)), [], 0.1, clock.now)
        time.sleep(0.01)
    recording.finish()
    frames = decoded(recording.video_path)
    pts = [p for p, _, _, _ in frames]
    assert len(frames) == 6 and all(b > a for a, b in zip(pts, pts[1:]))
    assert {(w, h) for _, _, w, h in frames} == {(160, 120)}


def test_a_recording_with_no_frames_writes_empty_tables(tmp_path):
    recording = Recording(tmp_path)
    recording.finish()
    assert not recording.video_path.exists()
    assert json.loads(recording.json_path.read_text())["frames"] == []
    assert recording.csv_path.read_text().startswith("frame,time,pose,id,part,x,y,score")


def test_files_are_private_replaced_by_the_next_recording_and_go_with_the_session(tmp_path):
    recordings = SessionRecordings()
    directory = recordings.directory
    assert directory.stat().st_mode & 0o777 == 0o700
    first = recordings.start()
    first.offer(picture(0), [], 0.1, time.monotonic())
    first.finish()
    assert first.video_path.exists() and first.csv_path.exists()
    second = recordings.start()  # the first one's files go
    assert not first.video_path.exists() and not first.json_path.exists()
    second.finish()
    del first, second, recordings
    gc.collect()
    assert not directory.exists()  # the session's object was collected: its directory went with it


def test_the_timeline_feeds_the_recorder_with_the_server_clock():
    clock = Clock()
    timeline = LiveTimeline(clock=clock)
    offered = []

    class Recorder:
        def offer(self, picture, poses, confidence, now):
            offered.append(now)

    timeline.recorder = Recorder()
    for _ in range(3):
        clock.now += 0.5
        timeline.add(picture(0), [knee_pose(90)], 0.1)
    assert offered == [100.5, 101.0, 101.5]
    clock.now += 20
    timeline.add(picture(0), [], 0.1)
    assert [s.time for s in timeline.samples()] == [121.5]  # older than 12 s: gone
