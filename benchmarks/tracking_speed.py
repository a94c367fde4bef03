"""How long PoseTracker takes per frame (matching plus smoothing) for five people.

    python benchmarks/tracking_speed.py [--frames 3000]

The poses are real: PoseNet's single pose on each frame of the squats sample, five copies
side by side, each a different moment of the video. The network runs once beforehand; only
``PoseTracker.update`` is timed. Not a test: numbers vary by machine (the target is 0.3 ms).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import av  # noqa: E402

import posenet_core  # noqa: E402

SAMPLE = pathlib.Path(__file__).resolve().parent.parent / "studio" / "samples" / "pose_squats.mp4"
PEOPLE = 5


def moved(pose: posenet_core.Pose, dx: float) -> posenet_core.Pose:
    keypoints = tuple(
        posenet_core.Keypoint(k.part, posenet_core.Position(k.position.x + dx, k.position.y), k.score)
        for k in pose.keypoints
    )
    return posenet_core.Pose(pose.score, keypoints)


def five_people_per_frame() -> list[list[posenet_core.Pose]]:
    net = posenet_core.load()
    with av.open(str(SAMPLE)) as container:
        poses = [net.estimate_single_pose(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]
    count = len(poses)
    # Person k is the squatter 13 frames later, 800 px further right: apart, as a crowd would be.
    return [[moved(poses[(i + 13 * k) % count], 800.0 * k) for k in range(PEOPLE)] for i in range(count)]


def steal_ticks() -> int:
    with open("/proc/stat") as stat:
        return int(stat.readline().split()[8])


def per_frame_ms(frames, total: int, **settings) -> list[float]:
    tracker = posenet_core.PoseTracker(**settings)
    times = []
    for i in range(total):
        people = frames[i % len(frames)]
        started = time.perf_counter()
        tracked = tracker.update(people, i / 30)
        times.append(1e3 * (time.perf_counter() - started))
        if len(tracked) != PEOPLE:
            raise RuntimeError(f"frame {i}: {len(tracked)} people tracked, expected {PEOPLE}")
    return times[100:]  # after the warm-up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=3000)
    args = parser.parse_args()
    frames = five_people_per_frame()
    ticks, started = steal_ticks(), time.monotonic()
    for label, settings in [("tracking + smoothing", {}), ("tracking only", {"smoothing": False})]:
        times = sorted(per_frame_ms(frames, args.frames, **settings))
        print(
            f"{label:>22}: {PEOPLE} people, median {statistics.median(times):.3f} ms per frame, "
            f"mean {statistics.fmean(times):.3f}, 95th percentile {times[int(0.95 * len(times))]:.3f}"
        )
    elapsed = time.monotonic() - started
    steal = (steal_ticks() - ticks) / os.sysconf("SC_CLK_TCK")
    print(f"host steal time during the runs: {steal:.2f} s of {elapsed:.1f} s ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
