"""Every model side by side: accuracy on the sample media and time per frame (network, decode, total).

    flock /tmp/posenet-timing.lock python benchmarks/model_speed.py [--rounds 6] [--frames 10]

Speed: the squats video's frames (720 x 1280) through each model with one LiteRT thread (the app's
NETWORK_THREADS), models interleaved A B C D, D C B A, ... so a change in the machine's load hits
them alike; medians per model. Accuracy: the squats against their reference keypoints (median
error, share within 5% of the diagonal), and the people each finds in the photos (pose score at
least 0.25). Host steal and load average are printed with the numbers: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))

import av  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402

import posenet_core  # noqa: E402
from posenet_core.estimators import PoseNetEstimator, SuccessorEstimator  # noqa: E402

SAMPLES = pathlib.Path(__file__).resolve().parent.parent / "studio" / "samples"
MODELS = ("posenet", "movenet-lightning", "movenet-thunder", "movenet-multipose", "blazepose-lite", "blazepose-full")


def steal_and_total() -> tuple[int, int]:
    fields = [int(x) for x in pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[7], sum(fields[:8])


def estimators() -> dict:
    """One LiteRT thread each, as the app runs them (studio.live.turns.NETWORK_THREADS)."""
    made = {"posenet": PoseNetEstimator(posenet_core.load(num_threads=1))}
    made |= {name: SuccessorEstimator(name, num_threads=1) for name in MODELS[1:]}
    return made


def timed(estimator, frame, multi: bool, previous=None) -> tuple[tuple[float, float, float], object]:
    """((network, decode, total) ms, outputs); ``previous``: BlazePose's last outputs, to track from."""
    started = time.perf_counter()
    outputs = estimator.predict(frame, previous) if previous is not None else estimator.predict(frame)
    decode_started = time.perf_counter()
    estimator.poses_from(outputs, multi_pose=multi)
    finished = time.perf_counter()
    return (outputs.timings_ms["network"], 1e3 * (finished - decode_started), 1e3 * (finished - started)), outputs


def tracked_name(name: str) -> str:
    return f"{name} tracked"


def speed(models: dict, frames: list, rounds: int) -> dict[str, list[tuple]]:
    """Per model, each frame's times; BlazePose also tracked (" tracked": its crop from the last frame)."""
    times = {name: [] for name in models}
    times |= {tracked_name(name): [] for name, estimator in models.items() if estimator.info.tracks_crop}
    for _ in range(2):  # warm-up
        for name, estimator in models.items():
            timed(estimator, frames[0], name == "movenet-multipose")
    for index in range(rounds):
        order = list(models) if index % 2 == 0 else list(reversed(models))
        for name in order:
            previous = None
            for frame in frames:
                times[name].append(timed(models[name], frame, name == "movenet-multipose")[0])
                if models[name].info.tracks_crop:
                    spent, previous = timed(models[name], frame, False, previous)
                    times[tracked_name(name)].append(spent)
    return times


def accuracy(models: dict, frames: list) -> dict[str, tuple]:
    import json

    from test_accuracy import FRAME_DIAGONAL, keypoint_errors

    reference = json.loads((SAMPLES / "pose_squats.reference.json").read_text())
    photos = {
        name: cv2.cvtColor(cv2.imread(str(SAMPLES / name)), cv2.COLOR_BGR2RGB)
        for name in ("three_people.jpg", "pose.jpg")
    }
    found = {}
    for name, estimator in models.items():
        tuning = {"scale_factor": 0.75} if name == "posenet" else {}
        errors = keypoint_errors([estimator.estimate_poses(f, **tuning)[0] for f in frames], reference)
        people = []
        for picture in photos.values():
            if name == "posenet" or estimator.info.multi_pose:
                poses = estimator.estimate_poses(picture, multi_pose=True)
                people.append(str(sum(p.score >= 0.25 for p in poses)))
            else:
                people.append("1 (single)")
        found[name] = (
            float(np.median(errors)),
            100 * float((errors <= 0.05 * FRAME_DIAGONAL).mean()),
            " / ".join(people),
        )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--frames", type=int, default=10, help="squats frames per model per round")
    args = parser.parse_args()
    with av.open(str(SAMPLES / "pose_squats.mp4")) as container:
        all_frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    models = estimators()
    steal0, total0 = steal_and_total()
    times = speed(models, all_frames[: args.frames], args.rounds)
    steal1, total1 = steal_and_total()
    load = os.getloadavg()
    found = accuracy(models, all_frames)
    print(f"host steal {100 * (steal1 - steal0) / max(1, total1 - total0):.1f}% during the timing; load {load}")
    header = ("model", "input", "squats median error", "within 5%", "people (three_people / pose)", "network")
    print("| " + " | ".join((*header, "decode", "total")) + " |")
    print("| --- " * (len(header) + 2) + "|")
    for name, runs in times.items():
        network, decode, total = (statistics.median(column) for column in zip(*runs)) if runs else (np.nan,) * 3
        if name not in models:  # BlazePose tracked: no detector after the first frame of each round
            print(f"| {name} | 256x256 crop | | | | {network:.1f} ms | {decode:.2f} ms | {total:.1f} ms |")
            continue
        median, within, people = found[name]
        height, width = models[name].predict(all_frames[0]).input_size  # PoseNet: scale 0.5, stride 16
        size = f"{width}x{height}"
        print(
            f"| {name} | {size} | {median:.1f} px | {within:.1f}% | {people} | {network:.1f} ms | {decode:.2f} ms "
            f"| {total:.1f} ms |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
