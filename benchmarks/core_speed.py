"""How fast posenet_core is on this machine: per-stage times and frames per second.

    python benchmarks/core_speed.py [--repeats 50]

Times are medians over the repeats, after a warm-up. Not a test: numbers vary by machine.
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

import cv2  # noqa: E402
import numpy as np  # noqa: E402

import posenet_core  # noqa: E402
from studio.live.pipeline import process_frame  # noqa: E402
from studio.settings.demo import DemoSettings  # noqa: E402

SAMPLE = pathlib.Path(__file__).resolve().parent.parent / "studio" / "samples" / "three_people.jpg"


def median_ms(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return 1e3 * statistics.median(times)


COLUMNS = ("stride", "input", "resize", "network", "single", "multi", "draw", "total", "fps")
WIDTHS = (6, 8, 7, 8, 7, 7, 6, 7, 6)


def stage_row(net: posenet_core.PoseNet, image: np.ndarray, stride: int, size: int, repeats: int) -> list[str]:
    """One table row: each stage's median ms for a size x size frame at one stride."""
    frame = cv2.resize(image, (size, size))  # scale 1.0 then feeds exactly size x size
    outputs = net.predict(frame, 1.0, stride)
    resize = median_ms(lambda: cv2.resize(frame, (size, size)).astype(np.float32) * (1 / 127.5) - 1, repeats)
    batch = (frame.astype(np.float32) * (1 / 127.5) - 1)[None]
    network = median_ms(lambda: net.network.run(batch, stride), repeats)
    single = median_ms(lambda: net.single_pose_from(outputs), repeats)
    multi = median_ms(lambda: net.multiple_poses_from(outputs), repeats)
    poses = net.multiple_poses_from(outputs)
    draw = median_ms(lambda: posenet_core.draw_poses(frame, poses), repeats)
    total = resize + network + multi + draw
    times = (resize, network, single, multi, draw, total)
    return [str(stride), f"{size}x{size}", *(f"{t:.2f}" for t in times), f"{1e3 / total:.1f}"]


def stage_table(net: posenet_core.PoseNet, image: np.ndarray, repeats: int) -> None:
    print(" ".join(f"{c:>{w}}" for c, w in zip(COLUMNS, WIDTHS)))
    for stride in posenet_core.params.OUTPUT_STRIDES:
        for size in (257, 385, 513):
            row = stage_row(net, image, stride, size, repeats)
            print(" ".join(f"{c:>{w}}" for c, w in zip(row, WIDTHS)))


def headline(net: posenet_core.PoseNet, image: np.ndarray, repeats: int) -> None:
    frame = cv2.resize(image, (576, 576))
    ms = median_ms(lambda: net.estimate_multiple_poses(frame, scale_factor=0.45), repeats)
    print(
        "\nestimate_multiple_poses, 576x576 frame, scale 0.45 (257x257 input), stride 16: "
        f"{ms:.2f} ms ({1e3 / ms:.0f} fps)"
    )
    camera = cv2.resize(image, (640, 480))
    for multi in (False, True):
        settings = DemoSettings(multi_pose=multi)
        timings = []
        for _ in range(repeats):
            timings.append(process_frame(net, camera, settings)[1].timings_ms)
        keys = ("resize", "network", "decode", "render", "total")
        parts = ", ".join(f"{k} {statistics.median(t[k] for t in timings):.2f}" for k in keys)
        total = statistics.median(t["total"] for t in timings)
        mode = "multi" if multi else "single"
        print(f"live pipeline, 640x480 frame, default {mode}-pose settings: {parts} ms ({1e3 / total:.0f} fps)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    image = cv2.cvtColor(cv2.imread(str(SAMPLE)), cv2.COLOR_BGR2RGB)
    net = posenet_core.load()
    print(f"posenet_core on {os.cpu_count()} cores, median of {args.repeats} runs (ms)\n")
    stage_table(net, image, args.repeats)
    headline(net, image, args.repeats)


if __name__ == "__main__":
    main()
