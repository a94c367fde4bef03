"""PoseTracker: similarity measures with worked numbers, the tracking rules on hand-made poses, and
IDs, jitter, lag and accuracy on real footage through the real network (run with -s for the numbers)."""

import math

import numpy as np
import pytest
from test_accuracy import keypoint_errors

from posenet_core import MatchTrace, Pose, PoseTracker, box_iou, object_keypoint_similarity

# A standing person in a 100 x 200 box (x 0..100, y 0..200), in part order.
TEMPLATE = np.array(
    [
        (50, 0),  # nose
        (55, 15),
        (45, 15),
        (60, 18),
        (40, 18),
        (75, 50),  # shoulders
        (25, 50),
        (90, 90),  # elbows
        (10, 90),
        (100, 120),  # wrists
        (0, 120),
        (65, 120),  # hips
        (35, 120),
        (65, 160),  # knees
        (35, 160),
        (65, 200),  # ankles
        (35, 200),
    ],
    dtype=float,
)
FRAME = 1 / 30


def person(x: float = 0.0, y: float = 0.0, score: float = 0.9, positions=None, keypoint_scores=None) -> Pose:
    positions = (TEMPLATE if positions is None else positions) + (x, y)
    keypoint_scores = np.full(17, 0.9) if keypoint_scores is None else keypoint_scores
    return Pose.from_arrays(score, positions[:, ::-1], keypoint_scores)  # from_arrays takes (y, x)


def ids(poses) -> list:
    return [p.track_id for p in poses]


# Similarity measures


def test_box_iou_worked_numbers():
    # Shifted by half a box: overlap 50 x 200 = 10000, union 20000 + 20000 - 10000 = 30000.
    assert box_iou(person(), person(x=50)) == pytest.approx(1 / 3)
    assert box_iou(person(), person()) == pytest.approx(1.0)
    assert box_iou(person(), person(x=300)) == 0.0
    # A low-score keypoint far away is not part of the box (unless the threshold lets it in).
    outlier = TEMPLATE.copy()
    outlier[7] = (1000, 1000)
    scores = np.full(17, 0.9)
    scores[7] = 0.05
    stray = person(x=50, positions=outlier, keypoint_scores=scores)
    assert box_iou(person(), stray) == pytest.approx(1 / 3)
    # With it: box x 50..1050, y 0..1000 (area 1000000), so IoU = 10000 / (20000 + 1000000 - 10000).
    assert box_iou(person(), stray, min_keypoint_score=0.0) == pytest.approx(10000 / 1010000)


def test_oks_worked_numbers():
    assert object_keypoint_similarity(person(), person()) == pytest.approx(1.0)
    # Nose 10 px off, box area 20000, nose sigma 0.026 so k^2 = 0.052^2 = 0.002704:
    # exp(-100 / (2 * 20000 * 0.002704)) = exp(-0.924556) = 0.396701; mean over 17 = 0.964512.
    moved = TEMPLATE.copy()
    moved[0] += (10, 0)
    assert object_keypoint_similarity(person(positions=moved), person()) == pytest.approx(0.964512, abs=1e-6)
    # The same 10 px at a hip (sigma 0.107): exp(-100 / 1831.84) = 0.946873; mean 0.996875.
    moved = TEMPLATE.copy()
    moved[11] += (10, 0)
    assert object_keypoint_similarity(person(positions=moved), person()) == pytest.approx(0.996875, abs=1e-6)
    # A keypoint that is low-score in either pose does not count.
    moved = TEMPLATE.copy()
    moved[0] += (10, 0)
    scores = np.full(17, 0.9)
    scores[0] = 0.05
    assert object_keypoint_similarity(person(positions=moved, keypoint_scores=scores), person()) == 1.0
    assert object_keypoint_similarity(person(x=500), person()) == pytest.approx(0.0, abs=1e-9)


def test_the_tracker_similarity_mixes_oks_and_iou():
    tracker = PoseTracker(oks_weight=0.25)
    tracker.update([person()], 0.0)
    candidate = person(x=50)
    positions, scores = candidate.positions_xy()[None], candidate.keypoint_scores()[None]
    expected = 0.25 * object_keypoint_similarity(candidate, person()) + 0.75 * (1 / 3)
    assert tracker.similarities(positions, scores >= 0.1, FRAME)[0, 0] == pytest.approx(expected)


def test_a_match_trace_records_the_predictions_similarities_and_assignment():
    """Two people moving 10 px a frame, returned in swapped order, plus a low-score duplicate."""
    tracker, plain = PoseTracker(oks_weight=0.25), PoseTracker(oks_weight=0.25)
    for t in (tracker, plain):
        t.update([person(0), person(300, score=0.8)], 0.0)
        t.update([person(10), person(310, score=0.8)], FRAME)
    trace = MatchTrace()
    frame = [person(320, score=0.8), person(21, score=0.05), person(20)]
    tracked = tracker.update(frame, 2 * FRAME, trace=trace)
    assert ids(tracked) == ids(plain.update(frame, 2 * FRAME)) == [2, 1]  # the trace changes nothing
    assert trace.track_ids == [1, 2] and trace.columns == [0, 2] and trace.left_out == [1]
    # Constant velocity: 10 px a frame, so predicted one frame on at x + 20 and x + 320.
    np.testing.assert_allclose(trace.predicted[0], TEMPLATE + (20, 0))
    np.testing.assert_allclose(trace.predicted[1], TEMPLATE + (320, 0))
    kept = [frame[0], frame[2]]
    for r, x in enumerate((20, 320)):
        for c, pose in enumerate(kept):
            assert trace.oks[r, c] == pytest.approx(object_keypoint_similarity(pose, person(x)))
            assert trace.iou[r, c] == pytest.approx(box_iou(pose, person(x)))
    np.testing.assert_allclose(trace.similarity, 0.25 * trace.oks + 0.75 * trace.iou)
    assert trace.oks[0, 1] == trace.iou[0, 1] == 1.0 and trace.iou[0, 0] == 0.0
    assert sorted(trace.pairs) == [(0, 1), (1, 0)]  # person 1 <- pose 3 (column 1), person 2 <- pose 1


def test_a_match_trace_of_the_first_frame_has_no_rows():
    trace = MatchTrace()
    PoseTracker().update([person(0)], 0.0, trace=trace)
    assert trace.track_ids == [] and trace.similarity.shape == (0, 1) and trace.pairs == []


# The tracking rules


def test_people_in_the_first_frame_get_ids_at_once():
    tracker = PoseTracker()
    tracked = tracker.update([person(0), person(300, score=0.8)], 0.0)
    assert ids(tracked) == [1, 2] and all(isinstance(i, int) for i in ids(tracked))
    assert tracked[0].to_dict()["id"] == 1 and "id" not in person().to_dict()
    assert tracked[0].scaled(2.0, 2.0, flip_width=640).track_id == 1  # mirrored for display, still the same person
    # They keep their IDs in whatever order the decoder returns them.
    assert ids(tracker.update([person(302), person(2)], FRAME)) == [2, 1]


def test_a_new_person_shows_after_min_hits_frames_and_one_frame_ghosts_never_do():
    tracker = PoseTracker(min_hits=3)
    tracker.update([person(0)], 0.0)
    shown = [ids(tracker.update([person(0), person(400)], i * FRAME)) for i in range(1, 5)]
    assert shown == [[1], [1], [1, 2], [1, 2]]
    # A ghost seen in one frame, gone in the next, seen again: never returned, no ID spent on it.
    tracker.update([person(0), person(400), person(800)], 5 * FRAME)
    tracker.update([person(0), person(400)], 6 * FRAME)
    tracker.update([person(0), person(400), person(800)], 7 * FRAME)
    assert ids(tracker.update([person(0), person(400)], 8 * FRAME)) == [1, 2]
    assert ids([p for i in range(9, 12) for p in tracker.update([person(0), person(1200)], i * FRAME)])[-1] == 3


def test_low_score_poses_are_not_tracked():
    tracker = PoseTracker(min_pose_score=0.3)
    tracked = tracker.update([person(0, score=0.9), person(5, score=0.1), person(400, score=0.29)], 0.0)
    assert [p.score for p in tracked] == [0.9]
    tracker.update([], FRAME, trace=(trace := MatchTrace()))
    assert len(trace.track_ids) == 1  # the people followed before that frame


def test_tracks_age_out_after_max_age_seconds():
    for gap, expected in [(0.9, [1]), (1.1, [])]:
        tracker = PoseTracker(max_age=1.0, min_hits=2)
        for i in range(4):
            tracker.update([person(0)], i * FRAME)
        tracker.update([], 4 * FRAME)
        back = 3 * FRAME + gap
        assert ids(tracker.update([person(0)], back)) == expected, gap
        if not expected:  # forgotten: a new person, who needs min_hits frames for a new ID
            assert ids(tracker.update([person(0)], back + FRAME)) == [2]


def test_the_maximum_number_of_tracks():
    tracker = PoseTracker(max_tracks=2, min_hits=2)
    tracked = tracker.update([person(0, score=0.9), person(300, score=0.5), person(600, score=0.7)], 0.0)
    assert [p.score for p in tracked] == [0.9, 0.7]
    # The first person leaves: the one left out gets their place, the longest unseen making room.
    trace = MatchTrace()
    assert ids(tracker.update([person(300, score=0.5), person(600, score=0.7)], FRAME, trace=trace)) == [2]
    assert len(trace.track_ids) == 2
    trace = MatchTrace()
    assert ids(tracker.update([person(300, score=0.5), person(600, score=0.7)], 2 * FRAME, trace=trace)) == [3, 2]
    assert len(trace.track_ids) == 2


def test_ids_are_never_reused():
    tracker = PoseTracker(max_age=0.5, min_hits=1)
    seen = []
    time = 0.0
    for _ in range(3):
        seen += ids(tracker.update([person(0)], time))
        time += 1.0  # longer than max_age: the next one is a new person
    tracker.reset()
    seen += ids(tracker.update([person(0)], 0.0))  # a restarted video: new people, new numbers
    assert seen == [1, 2, 3, 4]


def test_people_crossing_keep_their_ids_thanks_to_the_motion_model():
    """Two people walk through each other at 40 px a frame. At the frame after they pass, each
    one's detection lies exactly where the *other* was last seen: only the constant-velocity
    prediction tells them apart."""
    tracker = PoseTracker()
    for i in range(12):
        a, b = -220 + 40 * i, 220 - 40 * i  # a: ..., -20, +20, ...; b: ..., +20, -20, ...
        tracked = tracker.update([person(a, y=10), person(b)], i * FRAME)
        assert ids(tracked) == [1, 2], (i, a, b)


def test_a_single_pose_tracker_keeps_one_track():
    tracker = PoseTracker(single_pose=True)
    assert ids(tracker.update([person(0)], 0.0)) == [1]
    assert ids(tracker.update([person(900, y=500)], FRAME)) == [1]  # no similarity needed
    assert ids(tracker.update([person(0, score=0.05)], 2 * FRAME)) == []  # nobody there
    with pytest.raises(ValueError, match="at most one pose"):
        tracker.update([person(0), person(300)], 3 * FRAME)


def jittery(rng, frames: int, x: float = 0.0):
    return [person(x, positions=TEMPLATE + rng.normal(0, 2, TEMPLATE.shape)) for _ in range(frames)]


def test_smoothing_off_returns_the_positions_given():
    tracker = PoseTracker(smoothing=False)
    for i, pose in enumerate(jittery(np.random.default_rng(0), 5)):
        tracked = tracker.update([pose], i * FRAME)[0]
        assert (tracked.positions_xy() == pose.positions_xy()).all()
        assert tracked.keypoint_scores().tolist() == pose.keypoint_scores().tolist() and tracked.score == pose.score


def test_smoothing_restarts_when_a_person_is_found_again():
    tracker = PoseTracker()
    poses = jittery(np.random.default_rng(0), 8)
    for i, pose in enumerate(poses[:5]):
        tracked = tracker.update([pose], i * FRAME)[0]
    assert not np.allclose(tracked.positions_xy(), poses[4].positions_xy())  # smoothed
    tracker.update([], 5 * FRAME)  # lost
    found = tracker.update([poses[6]], 6 * FRAME)[0]
    assert found.track_id == 1 and (found.positions_xy() == poses[6].positions_xy()).all()  # a fresh start


def test_a_low_score_keypoint_does_not_drag_the_smoothing():
    tracker = PoseTracker()
    tracker.update([person()], 0.0)
    wild = TEMPLATE.copy()
    wild[9] += (80, -60)  # the left wrist jumps, scoring 0.05
    scores = np.full(17, 0.9)
    scores[9] = 0.05
    tracked = tracker.update([person(positions=wild, keypoint_scores=scores)], FRAME)[0]
    assert tracked.positions_xy()[9] == pytest.approx(TEMPLATE[9])
    assert tracked.keypoint_scores()[9] == 0.05  # scores are reported as decoded


BAD_SETTINGS = [
    ({"max_age": 0}, "max_age"),
    ({"max_age": math.inf}, "max_age"),
    ({"min_hits": 0}, "min_hits"),
    ({"min_hits": 2.5}, "min_hits"),
    ({"max_tracks": 0}, "max_tracks"),
    ({"min_pose_score": 1.5}, "min_pose_score"),
    ({"min_keypoint_score": -0.1}, "min_keypoint_score"),
    ({"min_similarity": 2}, "min_similarity"),
    ({"oks_weight": -1}, "oks_weight"),
    ({"min_cutoff": 0}, "min_cutoff"),
    ({"beta": -1}, "beta"),
    ({"derivative_cutoff": math.nan}, "derivative_cutoff"),
]


@pytest.mark.parametrize("arguments, mentioned", BAD_SETTINGS, ids=[m for _, m in BAD_SETTINGS])
def test_bad_settings_raise_a_value_error_naming_them(arguments, mentioned):
    with pytest.raises(ValueError, match=mentioned):
        PoseTracker(**arguments)


def test_bad_frames_raise_a_value_error():
    tracker = PoseTracker()
    tracker.update([person()], 1.0)
    with pytest.raises(ValueError, match="must increase"):
        tracker.update([person()], 1.0)
    with pytest.raises(ValueError, match="finite"):
        tracker.update([person()], math.nan)
    with pytest.raises(ValueError, match="number of seconds"):
        tracker.update([person()], "soon")
    with pytest.raises(ValueError, match="Pose objects"):
        tracker.update([{"score": 1.0}], 2.0)
    assert ids(tracker.update([person()], 2.0)) == [1]  # refused frames changed nothing


# Real footage through the real network

SQUATS_FPS = 5  # studio/samples/pose_squats.mp4


def count_id_switches(tracked_frames, centres, min_gap: float = 150.0) -> tuple[int, set]:
    """ID switches, MOT style: a person's ID differs from the one they last had.

    Each tracked pose belongs to the person whose known centre x is nearest its box centre;
    frames where the people are closer than ``min_gap`` are not judged (who is who is unclear).
    """
    last, switches, seen = {}, 0, set()
    for tracked, where in zip(tracked_frames, centres):
        seen.update(p.track_id for p in tracked)
        if abs(where[0] - where[1]) < min_gap:
            continue
        for pose in tracked:
            x0, _, x1, _ = pose.bounding_box(0.1)
            who = int(np.argmin([abs((x0 + x1) / 2 - c) for c in where]))
            switches += who in last and last[who] != pose.track_id
            last[who] = pose.track_id
    return switches, seen


def track_multi_pose(net, clip) -> list[list[Pose]]:
    tracker = PoseTracker()
    return [
        tracker.update(net.estimate_multiple_poses(frame, scale_factor=0.5), i / SQUATS_FPS)
        for i, frame in enumerate(clip)
    ]


def test_two_people_apart_keep_their_ids_on_real_footage(net, squat_frames):
    """The squatter twice, side by side, 4 s apart in time: two people, each with one ID throughout."""
    count = len(squat_frames)
    clip = [np.concatenate([squat_frames[i], squat_frames[(i + 20) % count]], axis=1) for i in range(count)]
    tracked = track_multi_pose(net, clip)
    switches, seen = count_id_switches(tracked, [(360, 1080)] * count)
    print(f"\ntwo people apart: {switches} ID switches, IDs {sorted(seen)}, people per frame {len(tracked[0])}")
    assert switches == 0 and seen == {1, 2}
    assert all(len(frame) == 2 for frame in tracked)  # PoseNet's low-score duplicates left out


def test_two_people_crossing_on_real_footage_prints_the_id_switches(net, squat_frames):
    """The squatter twice, sliding past each other (the second in front): a hard case, reported."""
    count, width, strip, left = len(squat_frames), 1440, 420, 150
    background = squat_frames[0][100, 20]
    clip, centres = [], []
    for i in range(count):
        a = round(i * (width - strip) / (count - 1))
        b = width - strip - a
        canvas = np.empty((1280, width, 3), np.uint8)
        canvas[:] = background
        canvas[:, a : a + strip] = squat_frames[i][:, left : left + strip]
        canvas[:, b : b + strip] = squat_frames[(i + 20) % count][:, left : left + strip]
        clip.append(canvas)
        centres.append((a + strip / 2, b + strip / 2))
    tracked = track_multi_pose(net, clip)
    switches, seen = count_id_switches(tracked, centres)
    hidden = sum(len(frame) < 2 for frame in tracked)
    print(f"\ntwo people crossing: {switches} ID switches, IDs {sorted(seen)}, {hidden} frames with one hidden")
    assert tracked[0] and tracked[-1]  # the numbers are printed, not judged: the test checks it ran


def noisy(rng, image):
    return np.clip(image + rng.normal(0, 4, image.shape), 0, 255).astype(np.uint8)


def test_smoothing_steadies_a_still_subject_and_follows_a_sudden_move(net, squat_frames):
    """A real frame with camera noise at 30 fps: the jitter at least halves; then the subject jumps
    30 px and every confident keypoint is within 3 px of its new place within 3 frames."""
    rng = np.random.default_rng(0)
    still = squat_frames[0].astype(np.int16)
    moved = np.zeros_like(still)
    moved[:, 30:] = still[:, :-30]
    raw = [net.estimate_single_pose(noisy(rng, still), scale_factor=0.75) for _ in range(40)]
    raw += [net.estimate_single_pose(noisy(rng, moved), scale_factor=0.75) for _ in range(10)]
    tracker = PoseTracker(single_pose=True)
    smoothed = [tracker.update([pose], i * FRAME)[0] for i, pose in enumerate(raw)]

    confident = raw[0].keypoint_scores() >= 0.5
    raw_xy = np.stack([p.positions_xy() for p in raw])[:, confident]
    smooth_xy = np.stack([p.positions_xy() for p in smoothed])[:, confident]

    def motion(xy):
        return float(np.linalg.norm(np.diff(xy[10:40], axis=0), axis=-1).mean())

    target = raw_xy[40:].mean(axis=0)  # where the keypoints are after the move
    behind = [float(np.linalg.norm(smooth_xy[40 + k] - target, axis=-1).max()) for k in range(5)]
    print(
        f"\nstill subject, {confident.sum()} keypoints: frame-to-frame motion {motion(raw_xy):.2f} px raw, "
        f"{motion(smooth_xy):.2f} px smoothed ({motion(smooth_xy) / motion(raw_xy):.0%}); after a 30 px move the "
        f"farthest keypoint is {', '.join(f'{b:.1f}' for b in behind)} px away in frames 1-5"
    )
    assert motion(smooth_xy) <= 0.5 * motion(raw_xy)
    assert min(k + 1 for k, b in enumerate(behind) if b <= 3.0) <= 3


def test_smoothing_keeps_the_squats_accuracy(net, squat_frames, squat_reference):
    """Median keypoint error against the reference, smoothed no worse than raw (+0.5 px at most)."""
    raw = [net.estimate_single_pose(frame, scale_factor=0.75, output_stride=16) for frame in squat_frames]
    tracker = PoseTracker(single_pose=True)
    smoothed = [tracker.update([pose], i / SQUATS_FPS)[0] for i, pose in enumerate(raw)]
    raw_error = float(np.median(keypoint_errors(raw, squat_reference)))
    smooth_error = float(np.median(keypoint_errors(smoothed, squat_reference)))
    print(f"\nsquats median keypoint error: {raw_error:.2f} px raw, {smooth_error:.2f} px smoothed")
    assert smooth_error <= raw_error + 0.5
