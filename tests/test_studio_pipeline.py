"""The live path's plain-Python parts: frame pipeline, settings box, live stats, ICE config, sources, relay."""

import asyncio
import threading

import numpy as np
import pytest

from posenet_core.successors.draw_blazepose import blazepose_heatmap, heatmap_to_image
from studio.hosting import ice
from studio.live.pipeline import process_frame
from studio.live.stats import LiveStats
from studio.live.stream_tracker import StreamTracker
from studio.settings.demo import DemoSettings, SettingsBox
from tests.conftest import run_coroutine

MULTI = DemoSettings(multi_pose=True, min_pose_confidence=0.3)


def test_single_pose_frame_is_annotated_and_timed(net, pose_image):
    picture, report = process_frame(net, pose_image, DemoSettings())
    assert picture.shape == pose_image.shape and picture.dtype == np.uint8
    assert len(report.poses) == 1 and report.poses[0].score > 0.5
    assert set(report.timings_ms) == {"resize", "network", "decode", "render", "total"}
    assert report.timings_ms["total"] >= report.timings_ms["network"] > 0
    assert np.abs(picture.astype(int) - pose_image).sum(axis=2).astype(bool).mean() > 0.001


def test_multi_pose_counts_only_poses_above_the_display_threshold(net, three_people_image):
    _, report = process_frame(net, three_people_image, MULTI)
    assert len(report.poses) == 3
    assert len(report.all_pose_scores) == 5 and sorted(report.all_pose_scores)[-3:] == sorted(
        p.score for p in report.poses
    )


def test_max_detections_reaches_the_decoder(net, three_people_image):
    _, report = process_frame(net, three_people_image, MULTI.with_changes(max_detections=1))
    assert len(report.all_pose_scores) == 1


def test_flip_mirrors_frame_and_poses_together(net, pose_image):
    plain, plain_report = process_frame(net, pose_image, DemoSettings(show_scores=False))
    mirrored, mirrored_report = process_frame(net, pose_image, DemoSettings(flip_horizontal=True, show_scores=False))
    # The same picture mirrored, up to anti-aliasing at the drawn edges.
    differs = np.abs(mirrored.astype(int) - plain[:, ::-1]).max(axis=2) > 40
    assert differs.mean() < 0.002
    width = pose_image.shape[1]
    np.testing.assert_allclose(
        mirrored_report.poses[0].positions_xy()[:, 0], width - 1 - plain_report.poses[0].positions_xy()[:, 0], atol=1e-6
    )


@pytest.mark.parametrize("view", ["heatmap", "offsets", "displacements"])
def test_each_view_draws_something_different(net, three_people_image, view):
    overlay, _ = process_frame(net, three_people_image, MULTI)
    picture, _ = process_frame(net, three_people_image, MULTI.with_changes(view=view))
    assert np.abs(picture.astype(int) - overlay).max() > 50


def test_a_frame_too_small_for_the_settings_is_a_clear_error(net):
    with pytest.raises(ValueError, match="image too small"):
        process_frame(net, np.zeros((40, 40, 3), np.uint8), DemoSettings(scale_factor=0.2, output_stride=32))


def test_settings_box_hands_the_latest_settings_across_threads():
    box = SettingsBox(DemoSettings())
    seen = []
    worker = threading.Thread(target=lambda: seen.append(box.get()))
    box.set(DemoSettings(output_stride=8))
    worker.start()
    worker.join()
    assert seen[0].output_stride == 8


def test_live_stats_rate_counts_distinct_frames_over_the_last_two_seconds(net, pose_image, clock):
    _, report = process_frame(net, pose_image, DemoSettings())
    stats = LiveStats(clock)
    assert stats.snapshot().processed_fps == 0 and stats.snapshot().last_report is None
    for _ in range(21):  # 20 intervals of 50 ms: 20 fps
        stats.record(report)
        clock.now += 0.05
    snapshot = stats.snapshot()
    assert snapshot.frames_processed == 21
    assert snapshot.processed_fps == pytest.approx(20, rel=0.01)
    assert snapshot.seconds_since_last_frame == pytest.approx(0.05)
    clock.now += 10  # the stream stalled: the rate falls to zero, the count stays
    assert stats.snapshot().processed_fps == 0 and stats.snapshot().frames_processed == 21


def test_live_stats_keeps_the_last_error_until_a_frame_succeeds(net, pose_image):
    _, report = process_frame(net, pose_image, DemoSettings())
    stats = LiveStats()
    stats.record_error("image too small")
    assert stats.snapshot().last_error == "image too small"
    stats.record(report)
    assert stats.snapshot().last_error is None


def test_no_ice_servers_by_default():
    assert ice.ice_servers(None, {}) == ([], "none")


def test_ice_servers_from_secrets_win_over_the_environment():
    secrets = {"ice_servers": [{"urls": "turn:turn.example.org:3478", "username": "u", "credential": "p"}]}
    environ = {"POSENET_ICE_SERVERS": '[{"urls": ["stun:stun.example.org"]}]'}
    servers, origin = ice.ice_servers(secrets, environ)
    assert origin == "secrets"
    assert servers == [{"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p"}]
    assert ice.ice_servers(None, environ) == ([{"urls": ["stun:stun.example.org"]}], "environment")


@pytest.mark.parametrize(
    "bad, message",
    [
        ("not json", "not valid JSON"),
        ('{"urls": "turn:x"}', "must be a list"),
        ('[{"username": "u"}]', "needs 'urls'"),
        ('[{"urls": "http://x"}]', "stun:, turn: or turns:"),
    ],
)
def test_bad_ice_configuration_is_a_clear_error(bad, message):
    with pytest.raises(ice.IceConfigError, match=message):
        ice.ice_servers(None, {"POSENET_ICE_SERVERS": bad})


def test_live_stats_rate_is_not_overstated_by_bursts(net, pose_image, clock):
    _, report = process_frame(net, pose_image, DemoSettings())
    stats = LiveStats(clock)
    for _ in range(2):  # bursts of 5 frames 10 ms apart, once a second: 5 fps
        for _ in range(5):
            stats.record(report)
            clock.now += 0.01
        clock.now += 0.9
    # (the rate over the first-to-last frame span alone would say 9 / 0.95 s = 9.5 fps)
    assert stats.snapshot().processed_fps == pytest.approx(5, rel=0.15)


def test_still_image_track_stamps_real_time_and_never_exceeds_30_fps():
    import time

    from studio.live.players import StillImageTrack
    from studio.sources import SAMPLES, read_rgb

    track = StillImageTrack(read_rgb(SAMPLES["yoga"].path))

    async def read(count, pause):
        stamps = []
        for _ in range(count):
            frame = await track.recv()
            stamps.append(float(frame.pts * frame.time_base))
            await asyncio.sleep(pause)
        return stamps

    started = time.monotonic()
    fast = run_coroutine(read(10, 0))  # a reader as fast as it can: paced at 30 fps
    assert time.monotonic() - started >= 9 / 30 - 0.01
    slow = run_coroutine(read(3, 0.2))  # a slow reader (5 fps): stamps follow the wall clock
    assert slow[-1] - slow[0] == pytest.approx(0.4, abs=0.05)
    assert fast == sorted(fast) and slow[0] > fast[-1]


def test_a_stopped_still_image_track_ends_its_readers():
    """The relay and the sender read a source until it raises; a photo track that kept
    making frames after STOP kept a whole stream running for nobody."""
    from aiortc.mediastreams import MediaStreamError

    from studio.live.players import make_player
    from studio.sources import SAMPLES

    track = make_player("yoga").video
    assert SAMPLES["yoga"].is_video is False

    async def read_after_stop():
        await track.recv()
        track.stop()
        with pytest.raises(MediaStreamError):
            await track.recv()

    run_coroutine(read_after_stop())


class CountingTrack:
    """A source as fast as the event loop: frame n is the number n."""

    kind = "video"
    readyState = "live"

    def __init__(self):
        self.made = 0

    def stop(self):  # as a MediaStreamTrack's
        self.readyState = "ended"

    async def recv(self):
        await asyncio.sleep(0.001)
        self.made += 1
        return self.made


@pytest.mark.parametrize("latest_only", [True, False])
def test_the_live_relay_hands_a_slow_stage_the_newest_frame(latest_only):
    """Source -> PoseNet -> encoder are linked by a relay; a stage slower than the one before
    must skip to the newest frame, or frames pile up (memory and latency grow without end)."""
    from aiortc.contrib.media import MediaRelay

    from studio.live.relay import LatestFrameRelay

    async def slow_reader():
        source = CountingTrack()
        proxy = (LatestFrameRelay() if latest_only else MediaRelay()).subscribe(source)
        first = await proxy.recv()
        await asyncio.sleep(0.2)  # a slow stage: the source made many frames meanwhile
        second = await proxy.recv()
        proxy.stop()
        return first, second, source.made

    first, second, made = run_coroutine(slow_reader())
    if latest_only:
        assert second >= made - 1 and second - first > 10  # the newest, the old ones skipped
    else:
        assert second == first + 1  # what the library's default does: the next of a growing queue


def test_the_live_relay_stops_a_source_nobody_reads_any_more():
    """aiortc's relay never stops its sources; streamlit-webrtc leaves the PoseNet stage
    running after a stream ends (a worker thread per stream ever started). Ours stops a
    source whose consumers stopped reading, and only then."""
    from studio.live.relay import LatestFrameRelay

    async def scenario():
        relay = LatestFrameRelay(abandoned_s=0.3, never_read_s=0.3, check_every_s=0.05)
        read, abandoned, never_read = CountingTrack(), CountingTrack(), CountingTrack()
        reader, quitter = relay.subscribe(read), relay.subscribe(abandoned)
        relay.subscribe(never_read)
        await quitter.recv()  # one read, then its connection is gone
        for _ in range(100):  # ~1 s of a live consumer
            await reader.recv()
            await asyncio.sleep(0.01)
        states = read.readyState, abandoned.readyState, never_read.readyState
        reader.stop()
        read.stop()
        return states

    assert run_coroutine(scenario()) == ("live", "ended", "ended")


def test_the_int8_setting_reaches_the_network(net, three_people_image):
    _, floating = process_frame(net, three_people_image, MULTI)
    _, quantized = process_frame(net, three_people_image, MULTI.with_changes(precision="int8"))
    assert len(quantized.poses) == len(floating.poses) >= 3
    assert [p.score for p in quantized.poses] != [p.score for p in floating.poses]  # another model ran


@pytest.mark.parametrize("view", ["overlay", "heatmap", "centres"])
@pytest.mark.parametrize("model", ["movenet-lightning", "movenet-thunder"])
def test_a_successor_runs_the_same_pipeline_with_its_own_views(net, pose_image, model, view):
    picture, report = process_frame(net, pose_image, DemoSettings(model=model, view=view))
    assert picture.shape == pose_image.shape and report.model == model
    assert len(report.poses) == 1 and report.poses[0].score > 0.4
    side = 192 if model == "movenet-lightning" else 256
    assert report.input_size == (side, side) and report.output_resolution == (side // 4, side // 4)
    assert set(report.timings_ms) == {"resize", "network", "decode", "render", "total"}
    if view != "overlay":  # a heatmap covers the frame: most pixels change
        assert np.abs(picture.astype(int) - pose_image).sum(axis=2).astype(bool).mean() > 0.5


@pytest.mark.parametrize("part", [None, "leftKnee"])
def test_blazeposes_heatmap_view_covers_its_crop(net, pose_image, part):
    tracker = StreamTracker()
    settings = DemoSettings(model="blazepose-lite", view="heatmap", heatmap_part=part)
    picture, report = process_frame(net, pose_image, settings, tracker)
    assert len(report.poses) == 1 and report.output_resolution == (64, 64)
    assert (np.abs(picture.astype(int) - pose_image).sum(axis=2) > 0).mean() > 0.5
    if part:  # the heatmap's hottest cell lands on the knee BlazePose found
        outputs = tracker.last_outputs
        row, column = np.unravel_index(blazepose_heatmap(outputs, part).argmax(), (64, 64))
        x, y = heatmap_to_image(outputs) @ [column, row, 1.0]
        knee = report.poses[0].keypoint(part).position
        assert np.hypot(x - knee.x, y - knee.y) < 2 * outputs.crop.size / 64  # two cells


def test_blazepose_in_a_stream_tracks_its_crop_from_the_streams_previous_frame(net, squat_frames):
    tracker, settings = StreamTracker(), DemoSettings(model="blazepose-lite")
    _, first = process_frame(net, squat_frames[0], settings, tracker, 0.0)
    assert not tracker.last_outputs.tracked and tracker.last_outputs.detection is not None
    _, second = process_frame(net, squat_frames[1], settings, tracker, 0.04)
    assert tracker.last_outputs.tracked  # the detector was skipped
    assert len(first.poses) == len(second.poses) == 1 and second.poses[0].score > 0.9
    assert first.input_size == (256, 256) and set(second.timings_ms) == {
        "resize",
        "network",
        "decode",
        "render",
        "total",
    }
    # Another stream, or another model in between, starts afresh.
    process_frame(net, squat_frames[2], settings.with_changes(model="movenet-lightning"), tracker, 0.08)
    process_frame(net, squat_frames[3], settings, tracker, 0.12)
    assert not tracker.last_outputs.tracked
    other_stream = StreamTracker()
    process_frame(net, squat_frames[4], settings, other_stream, 0.16)
    assert not other_stream.last_outputs.tracked


def test_movenet_multipose_on_the_multi_pose_page_counts_the_three_people(net, three_people_image):
    _, report = process_frame(net, three_people_image, MULTI.with_changes(model="movenet-multipose"))
    assert len(report.poses) == 3 and report.model == "movenet-multipose"


def test_the_next_frame_uses_the_model_the_box_holds_now(net, pose_image):
    box = SettingsBox(DemoSettings())
    _, first = process_frame(net, pose_image, box.get())
    box.set(box.get().with_changes(model="movenet-lightning"))
    _, second = process_frame(net, pose_image, box.get())
    assert (first.model, second.model) == ("posenet", "movenet-lightning")
    assert first.input_size != second.input_size
