"""Float against int8: the network's CPU time, interleaved, and the accuracy on the real samples.

    flock /tmp/posenet-timing.lock python benchmarks/precision_ab.py [--repeats 40]

Speed: each stride at 257x257 and 385x385 on one thread, the two models invoked in turn
(float, int8, int8, float, ...) so that other load on the machine slows both alike; the
figure is the median of the per-round CPU-time ratios. Accuracy: the single-pose median
keypoint error on the squats video against its reference keypoints (scale 0.75, as
tests/test_accuracy.py), PCK within 5% of the diagonal, and the multi-pose count on the
three-people photo. Prints host steal and the load average beside the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import av  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402

import posenet_core  # noqa: E402
from posenet_core import network  # noqa: E402
from tests.support.proc_metrics import host_cpu_jiffies  # noqa: E402

SAMPLES = ROOT / "studio" / "samples"


def network_ratio(stride: int, size: int, repeats: int) -> tuple[float, float, float]:
    """(float ms, int8 ms, median of int8/float per round), CPU time of this thread."""
    nets = {p: network.Network(num_threads=1, precision=p) for p in posenet_core.params.PRECISIONS}
    rng = np.random.default_rng(0)
    base = rng.uniform(-1, 1, (1, size, size, 3)).astype(np.float32)
    times = {p: [] for p in nets}
    for round_number in range(repeats + 2):
        order = ("float", "int8") if round_number % 2 == 0 else ("int8", "float")
        for precision in order:
            batch = base + rng.normal(0, 0.02, base.shape).astype(np.float32)  # a new frame every time
            started = time.thread_time()
            nets[precision].run(batch, stride)
            times[precision].append(time.thread_time() - started)
    f, q = (np.array(times[p][2:]) for p in ("float", "int8"))  # the first rounds warm up
    return 1e3 * float(np.median(f)), 1e3 * float(np.median(q)), float(np.median(q / f))


def squat_accuracy(net: posenet_core.PoseNet, stride: int) -> tuple[float, float]:
    """Single-pose median error (px) and share within 5% of the diagonal on the squats video."""
    reference = json.loads((SAMPLES / "pose_squats.reference.json").read_text())
    with av.open(str(SAMPLES / "pose_squats.mp4")) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    errors = []
    for frame, truth in zip(frames, reference, strict=True):
        pose = net.estimate_single_pose(frame, scale_factor=0.75, output_stride=stride)
        for keypoint in pose.keypoints:
            name = "".join("_" + c.lower() if c.isupper() else c for c in keypoint.part)
            errors.append(np.hypot(keypoint.position.x - truth[name]["x"], keypoint.position.y - truth[name]["y"]))
    errors = np.array(errors)
    return float(np.median(errors)), float((errors <= 0.05 * np.hypot(720, 1280)).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    before, load = host_cpu_jiffies(), os.getloadavg()
    print("stride  input    float ms  int8 ms  int8/float (median of rounds)")
    for stride in (16, 8, 32):
        for size in (257, 385):
            f, q, ratio = network_ratio(stride, size, args.repeats)
            print(f"{stride:>6}  {size}x{size}  {f:8.2f}  {q:7.2f}  {ratio:.2f}")
    after = host_cpu_jiffies()
    steal = 100 * (after[2] - before[2]) / max(1, after[0] - before[0])
    print(f"host steal {steal:.1f}%, load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    three = cv2.cvtColor(cv2.imread(str(SAMPLES / "three_people.jpg")), cv2.COLOR_BGR2RGB)
    for precision in posenet_core.params.PRECISIONS:
        net = posenet_core.load(precision=precision)
        people = sum(p.score >= 0.3 for p in net.estimate_multiple_poses(three))
        for stride in (16, 8):
            median, within = squat_accuracy(net, stride)
            print(
                f"{precision:5} stride {stride:2}: squats median error {median:.2f} px, "
                f"{100 * within:.1f}% within 5% of the diagonal; three-people photo: {people} poses"
            )


if __name__ == "__main__":
    main()
