"""The return video's encoders side by side: CPU per frame, bytes and PSNR at the same bitrate.

    flock /tmp/posenet-timing.lock python benchmarks/encoder_ab.py [--frames 120]

aiortc's VP8, aiortc's own H.264 and the app's low-latency H.264 (studio/live/webrtc_compat.py)
encode the same 640x480 frames (the squats video with its person moving, plus sensor noise, so
every frame differs like a webcam's), each frame handed to all three in turn so that other load
on the machine slows them alike. PSNR compares each encoder's decoded output (what a browser
would show) with its input.
"""

from __future__ import annotations

import argparse
import fractions
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import av  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402
from aiortc.codecs.h264 import H264Decoder, H264Encoder, h264_depayload  # noqa: E402
from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder, vp8_depayload  # noqa: E402
from aiortc.jitterbuffer import JitterFrame  # noqa: E402

from studio.live import webrtc_compat  # noqa: E402
from tests.support.proc_metrics import host_cpu_jiffies  # noqa: E402


def camera_frames(count: int) -> list[np.ndarray]:
    with av.open(str(ROOT / "studio" / "samples" / "pose_squats.mp4")) as container:
        clip = [frame.to_ndarray(format="bgr24") for frame in container.decode(video=0)]
    rng = np.random.default_rng(0)
    frames = []
    for number in range(count):
        picture = cv2.resize(clip[number % len(clip)][280:1000], (640, 480))
        noise = rng.normal(0, 3, picture.shape)
        frames.append(np.clip(picture + noise, 0, 255).astype(np.uint8))
    return frames


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255**2 / max(mse, 1e-9))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--bitrate", type=int, default=webrtc_compat.RETURN_VIDEO_MAX_BITRATE)
    args = parser.parse_args()
    _, low_latency_h264 = webrtc_compat._capped_encoder_classes()
    encoders = {
        "VP8 (aiortc)": Vp8Encoder(),
        "H.264 (aiortc's settings)": H264Encoder(),
        "H.264 (app)": low_latency_h264(),
    }
    decoders = {
        name: (Vp8Decoder(), vp8_depayload) if "VP8" in name else (H264Decoder(), h264_depayload) for name in encoders
    }
    for encoder in encoders.values():
        encoder.target_bitrate = args.bitrate
    frames = camera_frames(args.frames)
    cpu = {name: [] for name in encoders}
    sizes = {name: 0 for name in encoders}
    quality = {name: [] for name in encoders}
    before, load = host_cpu_jiffies(), os.getloadavg()
    for number, picture in enumerate(frames):
        for name, encoder in encoders.items():
            frame = av.VideoFrame.from_ndarray(picture, format="bgr24").reformat(format="yuv420p")
            frame.pts, frame.time_base = number * 3000, fractions.Fraction(1, 90000)
            started = time.thread_time()
            payloads, _ = encoder.encode(frame)
            cpu[name].append(time.thread_time() - started)
            sizes[name] += sum(map(len, payloads))
            decoder, depayload = decoders[name]  # what the browser would show
            decoded = decoder.decode(JitterFrame(data=b"".join(map(depayload, payloads)), timestamp=0))
            if decoded and number >= 30:  # after the rate control settled
                quality[name].append(psnr(decoded[0].to_ndarray(format="bgr24"), picture))
    after = host_cpu_jiffies()
    steal = 100 * (after[2] - before[2]) / max(1, after[0] - before[0])
    reference = np.median(cpu["VP8 (aiortc)"])
    print(f"{args.frames} frames 640x480 at {args.bitrate / 1e6:.1f} Mbps; steal {steal:.1f}%, load {load[0]:.1f}")
    for name in encoders:
        median = np.median(cpu[name])
        kbps = 8 * sizes[name] / (args.frames / 30) / 1e3
        shown = f"{np.mean(quality[name]):.1f} dB" if quality[name] else "-"
        print(f"{name:27} {1e3 * median:6.2f} ms/frame ({median / reference:.2f}x VP8), {kbps:5.0f} kbps, PSNR {shown}")


if __name__ == "__main__":
    main()
