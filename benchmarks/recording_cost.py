"""What recording costs the live stream: ``flock /tmp/posenet-timing.lock python benchmarks/recording_cost.py``.

Runs the live frame callback (``studio.live.callback``: PoseNet, drawing, the timeline) in this
process as fast as it goes, on 640 x 480 webcam-like frames (the squats clip letterboxed, with
camera noise, so every frame differs), each returned frame encoded with VP8 as the stream's
return video is. Runs alternate without and with a recording (A B B A ...): the recording's
encoder thread (x264 ultrafast, one thread) competes for the same cores as it does in the app.
Prints processed fps and process CPU per frame for each run, the ratio with/without, and host
steal and load average over the whole measurement.
"""

from __future__ import annotations

import argparse
import fractions
import os
import pathlib
import statistics
import sys
import tempfile
import time

import av
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]  # the repository: tests.support

import posenet_core  # noqa: E402
from studio.clips.recording import Recording  # noqa: E402
from studio.hosting import admission  # noqa: E402
from studio.live import callback  # noqa: E402
from studio.live.stream import LiveStream  # noqa: E402
from studio.settings.demo import DemoSettings, SettingsBox  # noqa: E402
from studio.sources import SAMPLES  # noqa: E402
from tests.support.fake_camera import _fit  # noqa: E402
from tests.support.proc_metrics import host_cpu_jiffies  # noqa: E402


def camera_frames(count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    with av.open(str(SAMPLES["squats"].path)) as container:
        clip = [_fit(f.to_ndarray(format="rgb24"), 640, 480) for f in container.decode(video=0)]
    return [
        np.clip(clip[i % len(clip)] + rng.normal(0, 1, clip[0].shape), 0, 255).astype(np.uint8) for i in range(count)
    ]


def vp8_encoder():
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = 640, 480, "yuv420p"
    codec.time_base = fractions.Fraction(1, 90_000)
    codec.bit_rate, codec.thread_count = 1_000_000, 1
    # aiortc's realtime settings, roughly; without lag-in-frames=0 libvpx looks ahead (15x the CPU)
    codec.options = {"deadline": "realtime", "cpu-used": "-6", "lag-in-frames": "0"}
    return codec


def run(net, frames, seconds: float, record: bool, directory: pathlib.Path) -> dict:
    callback.ADMISSION = admission.StreamAdmission(1)  # this stream alone, as in the app
    stream = LiveStream(SettingsBox(DemoSettings.for_page(False)))
    on_frame = callback.make_frame_callback(net, stream)
    recording = Recording(directory) if record else None
    stream.timeline.recorder = recording
    encoder = vp8_encoder()
    count, started, cpu = 0, time.monotonic(), time.process_time()
    while time.monotonic() - started < seconds:
        frame = av.VideoFrame.from_ndarray(frames[count % len(frames)], format="rgb24").reformat(format="yuv420p")
        frame.pts, frame.time_base = count * 3000, fractions.Fraction(1, 90_000)
        out = on_frame(frame)
        encoder.encode(out)
        count += 1
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    result = {"fps": count / elapsed, "cpu_ms": 1e3 * cpu / count, "frames": count}
    if recording is not None:
        recording.finish()
        result |= {"encoded": recording.frames_encoded, "dropped": recording.frames_dropped}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per run")
    parser.add_argument("--pairs", type=int, default=2, help="A B B A blocks")
    args = parser.parse_args()
    net = posenet_core.load(num_threads=1)
    frames = camera_frames(120)
    directory = pathlib.Path(tempfile.mkdtemp(prefix="posenet-rec-bench-"))
    run(net, frames, 2.0, False, directory)  # warm-up: interpreters, tracker
    jiffies_before, load_before = host_cpu_jiffies(), os.getloadavg()
    rows = []
    for _ in range(args.pairs):
        for record in (False, True, True, False):
            row = run(net, frames, args.seconds, record, directory) | {"record": record}
            rows.append(row)
            extra = f" · encoded {row['encoded']}, dropped {row['dropped']}" if record else ""
            print(
                f"{'with' if record else 'without'} recording: {row['fps']:.1f} fps, "
                f"{row['cpu_ms']:.1f} ms CPU/frame{extra}",
                flush=True,
            )
    total, _, steal = (a - b for a, b in zip(host_cpu_jiffies(), jiffies_before))
    load_after = os.getloadavg()
    with_, without = ([r for r in rows if r["record"] is flag] for flag in (True, False))
    fps_ratio = statistics.mean(r["fps"] for r in with_) / statistics.mean(r["fps"] for r in without)
    cpu_ratio = statistics.mean(r["cpu_ms"] for r in with_) / statistics.mean(r["cpu_ms"] for r in without)
    print(
        f"fps with/without recording: {fps_ratio:.3f} (cost {1 - fps_ratio:.1%}); CPU per frame {cpu_ratio:.3f}x; "
        f"host steal {100 * steal / total:.1f}%, load average {load_before[0]:.1f} -> {load_after[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
