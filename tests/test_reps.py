"""The repetition counter: synthetic angle traces with noise, and the bundled squats video."""

import numpy as np
import pytest

import posenet_core
from posenet_core.angles import joint_angle
from posenet_core.clip import process_clip
from posenet_core.reps import RepCounter, RepRule, count_repetitions
from studio.sources import SAMPLES


def squat_trace(reps: int, fps: float = 30, period_s: float = 2.0, noise: float = 0.0, seed: int = 0, end=1.0):
    """Knee angle of ``reps`` squats: 175 standing, 80 at the bottom, a cosine each; ``end`` cuts the
    last repetition at that fraction of it."""
    t = np.arange(0, (reps - 1 + end) * period_s, 1 / fps)
    angle = 127.5 + 47.5 * np.cos(2 * np.pi * t / period_s)
    return angle + np.random.default_rng(seed).normal(0, noise, len(t))


@pytest.mark.parametrize("noise", [0.0, 3.0, 8.0])
def test_noisy_squats_count_once_each(noise):
    for seed in range(5):
        counter = count_repetitions(squat_trace(5, noise=noise, seed=seed))
        assert (counter.count, counter.finished, counter.unfinished) == (5, 5, 0), (noise, seed)


def test_noise_at_one_threshold_never_counts_twice():
    # Hovering around the bend threshold (100) with +-8 degrees of noise for two seconds: one repetition.
    rng = np.random.default_rng(1)
    trace = [175.0] * 10 + list(100 + rng.normal(0, 8, 60)) + [175.0] * 10
    counter = count_repetitions(trace)
    assert (counter.count, counter.finished) == (1, 1)
    # With one threshold (both at 100) the same trace would count many times: that is what hysteresis prevents.
    naive = sum(1 for a, b in zip(trace, trace[1:]) if a >= 100 > b)
    assert naive > 5


def test_a_repetition_that_has_not_come_back_up_counts_and_says_so():
    counter = count_repetitions(squat_trace(3, end=0.7))  # the third stops at 0.7 of its way: rising, still bent
    assert (counter.count, counter.finished, counter.unfinished) == (3, 2, 1)
    assert counter.words() == "3 (the last has not come back up yet)"
    assert counter.summary()["unfinished"] == 1
    before_bottom = count_repetitions(squat_trace(3, end=0.2))  # going down, not yet at the bend: not counted
    assert (before_bottom.count, before_bottom.unfinished) == (2, 0)


def test_gaps_and_a_bent_start():
    # Starting bent (sitting down) is not a repetition until the person has been straight once.
    assert count_repetitions([90, 85, 95, None, 170, 90, None, None, 170]).count == 1
    counter = RepCounter(RepRule("rightElbow", 60, 150))
    for angle in [170, float("nan"), 40, None, 170]:
        counter.update(angle)
    assert (counter.count, counter.finished) == (1, 1)


def test_the_rule_must_make_sense():
    with pytest.raises(ValueError, match="below the straight one"):
        RepRule("leftKnee", 160, 100)
    with pytest.raises(ValueError):
        RepRule("leftKnee", float("nan"), 100)


def test_the_squats_sample_counts_three_the_third_still_rising():
    """studio/samples/pose_squats.mp4: three descents; the video ends while the third is rising."""
    net = posenet_core.load()
    tracker = posenet_core.PoseTracker(smoothing=True, single_pose=True)

    def analyse(image, timestamp, wants_picture):
        return tracker.update([net.estimate_single_pose(image)], timestamp), None

    frames = process_clip(SAMPLES["squats"].path, analyse)["frames"]
    knee = [joint_angle(posenet_core.pose_from_dict(f["poses"][0]), "leftKnee", 0.1) for f in frames]
    counter = count_repetitions(knee)
    assert (counter.count, counter.finished, counter.unfinished) == (3, 2, 1)
    assert counter.words() == "3 (the last has not come back up yet)"
    # The other knee and the hips agree at their own thresholds: the count is the squats', not one joint's accident.
    for joint, rule in [("leftHip", RepRule("leftHip", 115, 160))]:
        angles = [joint_angle(posenet_core.pose_from_dict(f["poses"][0]), joint, 0.1) for f in frames]
        assert count_repetitions(angles, rule).count == 3
