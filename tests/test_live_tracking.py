"""The live pages' tracking: one PoseTracker per stream, in step with the settings; IDs drawn."""

import numpy as np
import pytest
from test_tracking import TEMPLATE, person

from studio.live.pipeline import FrameReport, process_frame
from studio.live.stats import LiveStats
from studio.live.stream_tracker import StreamTracker, min_cutoff
from studio.settings.demo import DemoSettings
from studio.ui.live_panel import pose_lines, waiting_words

MULTI = DemoSettings(multi_pose=True, min_pose_confidence=0.15)
FRAME = 1 / 30


def jittery(rng, x: float = 0.0):
    return person(x, positions=TEMPLATE + rng.normal(0, 2, TEMPLATE.shape))


def test_smoothing_strength_sets_the_cutoff():
    assert min_cutoff(0.0) == 2.0 and min_cutoff(0.5) == pytest.approx(0.5) and min_cutoff(1.0) == 0.125


def test_tracking_and_smoothing_as_the_settings_say():
    rng = np.random.default_rng(0)
    frames = [[jittery(rng), jittery(rng, 400)] for _ in range(4)]

    def run(settings):
        tracker = StreamTracker()
        return [tracker.update(poses, i * FRAME, settings) for i, poses in enumerate(frames)]

    off = run(MULTI.with_changes(track_people=False, smooth_keypoints=False))
    assert off == frames  # untouched
    ids_only = run(MULTI.with_changes(smooth_keypoints=False))
    assert [[p.track_id for p in f] for f in ids_only] == [[1, 2]] * 4
    assert all((t.positions_xy() == p.positions_xy()).all() for f, g in zip(ids_only, frames) for t, p in zip(f, g))
    smoothed = run(MULTI)
    assert not np.allclose(smoothed[-1][0].positions_xy(), frames[-1][0].positions_xy())
    smooth_only = run(MULTI.with_changes(track_people=False))
    assert [p.track_id for p in smooth_only[-1]] == [None, None]  # no IDs shown
    assert np.allclose(smooth_only[-1][0].positions_xy(), smoothed[-1][0].positions_xy())


def test_a_new_stride_or_a_clock_going_back_starts_afresh():
    rng = np.random.default_rng(0)
    tracker = StreamTracker()
    for i in range(3):
        tracker.update([jittery(rng)], i * FRAME, MULTI)
    # The stream restarted: its clock is back at 0. The smoothing starts from the new frame.
    fresh = jittery(rng)
    again = tracker.update([fresh], 0.0, MULTI)[0]
    assert (again.positions_xy() == fresh.positions_xy()).all() and again.track_id == 1  # each stream from #1
    # Another stride: a new tracker.
    fresh = jittery(rng)
    restarted = tracker.update([fresh], FRAME, MULTI.with_changes(output_stride=8))[0]
    assert (restarted.positions_xy() == fresh.positions_xy()).all() and restarted.track_id == 1
    # The same frame twice (same time) is not an error.
    assert tracker.update([fresh], FRAME, MULTI.with_changes(output_stride=8))[0].track_id == 1


def test_the_live_frames_of_a_stream_keep_their_ids(net, three_people_image):
    tracker = StreamTracker()
    reports = [process_frame(net, three_people_image, MULTI, tracker, i * FRAME)[1] for i in range(3)]
    assert [sorted(p.track_id for p in r.poses) for r in reports] == [[1, 2, 3]] * 3
    noses = [{p.track_id: p.keypoint("nose").position.x for p in r.poses} for r in reports]
    assert all(abs(n[i] - noses[0][i]) < 1 for n in noses for i in (1, 2, 3))  # each ID stays on its person
    _, plain = process_frame(net, three_people_image, MULTI.with_changes(track_people=False, smooth_keypoints=False))
    assert all(p.track_id is None for p in plain.poses)


def test_the_single_pose_page_tags_its_person_when_tracking(net, pose_image):
    single = DemoSettings.for_page(multi_pose=False)
    tracker = StreamTracker()
    tagged, report = process_frame(net, pose_image, single, tracker, 0.0)
    untagged, _ = process_frame(net, pose_image, single.with_changes(track_people=False, smooth_keypoints=False))
    assert [p.track_id for p in report.poses] == [1]
    assert (tagged != untagged).any()  # the "#1 score" tag


def test_a_slow_stream_keeps_drawing_everyone_with_the_same_ids(net, three_people_image):
    """A busy server: processed frames 2 s apart (longer than the tracker's max_age). Nobody is
    forgotten or hidden, IDs stay 1-3, and the live numbers name what is not drawn and why."""
    tracker = StreamTracker()
    reports = [process_frame(net, three_people_image, MULTI, tracker, 2.0 * i)[1] for i in range(6)]
    assert [sorted(p.track_id for p in r.poses) for r in reports] == [[1, 2, 3]] * 6
    assert all(r.left_out.total == 0 for r in reports)
    lines = pose_lines(reports[-1]).split("  \n")
    assert lines[0].startswith("Pose scores: ") and len(lines[0].split(", ")) == 3
    low = [s for s in reports[-1].all_pose_scores if s < 0.15]
    assert (
        low
        and lines[1]
        == f"Not drawn: {len(low)} under the minimum pose confidence 0.15 (" + ", ".join(f"{s:.2f}" for s in low) + ")"
    )


def test_the_live_numbers_say_when_new_people_wait_for_an_id(net, three_people_image, pose_image):
    tracker = StreamTracker()
    process_frame(net, pose_image, MULTI, tracker, 0.0)  # one person: #1 at once (first frame)
    _, report = process_frame(net, three_people_image, MULTI, tracker, 0.5)  # three new people
    assert report.left_out.waiting >= 2
    assert f"{report.left_out.waiting} new people, drawn once seen in 3 processed frames in a row" in pose_lines(report)
    nobody = FrameReport([], {}, (0, 0), (0, 0), [0.1], min_pose_confidence=0.15)
    assert pose_lines(nobody) == "Pose scores: none drawn  \nNot drawn: 1 under the minimum pose confidence 0.15 (0.10)"


def test_the_waiting_notice_speaks_only_when_no_processed_frame_comes():
    stats = LiveStats(clock=lambda: now[0])
    now = [0.0]
    assert "waiting for the first frame" in waiting_words(stats.snapshot())
    stats.record(FrameReport([], {}, (0, 0), (0, 0)))
    now[0] = 4.0  # a slow server: frames 4 s apart, the video playing the last result
    assert waiting_words(stats.snapshot()) is None
    now[0] = 7.0
    assert waiting_words(stats.snapshot()).startswith("No new frame processed for 7 s")
