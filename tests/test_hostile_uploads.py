"""Hostile uploads: every file through the page's own checks ends in a refusal in words or an
acceptance within the limits, in bounded time and memory; never a hang, a traceback or a spike.

The corpus is made here, at test time: truncations and bit flips of real files, headers that
lie (20 million frames, zeroed durations), MediaRecorder-style WebMs without a Duration (and
with Duration 0 or NaN), 1000 fps, pictures named as clips, decompression bombs (a 35-byte GIF
of 65535 x 65535, a 16000 x 16000 PNG), a progressive-scan bomb, and PNGs whose zTXt, iCCP or
iTXt chunk inflates past Pillow's 1 MB. Clips go through ``studio.clips.files.check_clip``, pictures
through ``studio.teaching.picture.decode_upload``: exactly what the pages call, each decoding in a
child process with a time and memory limit (``studio.limited_child``).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import resource
import struct
import time
import zlib
from concurrent.futures import ProcessPoolExecutor

import av
import cv2
import numpy as np
import pytest

from studio.clips import files
from studio.teaching import picture
from tests.support.proc_metrics import tree_rss_mb

MAX_PARENT_GROWTH_MB = 50
MAX_CHILD_RSS_MB = max(files.CHECK_MEMORY_MB, picture.DECODE_MEMORY_MB) + 200  # the limit, plus its libraries


def clip(path, frames_=10, fps=10, size=(64, 48), codec="libx264", container_format=None):
    with av.open(str(path), "w", format=container_format) as sink:
        stream = sink.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for n in range(frames_):
            rgb = np.full((size[1], size[0], 3), (n * 7) % 256, np.uint8)
            sink.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        sink.mux(stream.encode())
    return path.read_bytes()


def patch_box(data: bytes, box: bytes, offset: int, value: bytes) -> bytes:
    """``value`` written ``offset`` bytes after the start of the first ``box`` payload."""
    at = data.index(box) + 4 + offset
    return data[:at] + value + data[at + len(value) :]


def webm_duration(data: bytes, value: bytes | None) -> bytes:
    """The Segment Info's Duration (EBML id 0x4489) set to ``value`` (8-byte float), or made a Void element."""
    at = data.index(b"\x44\x89")
    size = data[at + 2] & 0x7F  # a one-byte size (0x88: 8 bytes)
    if value is None:  # as MediaRecorder writes: no Duration at all (a Void element of the same length)
        return data[:at] + b"\xec" + bytes([0x80 | (size + 1)]) + b"\x00" * size + data[at + 3 + size :]
    return data[: at + 3] + value + data[at + 3 + size :]


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_with(kind: bytes, payload: bytes) -> bytes:
    png = cv2.imencode(".png", np.zeros((8, 8, 3), np.uint8))[1].tobytes()
    end = png.index(b"IDAT") - 4
    return png[:end] + png_chunk(kind, payload) + png[end:]


def flips(data: bytes, seed: int, count: int = 20) -> bytes:
    rng, out = random.Random(seed), bytearray(data)
    for _ in range(count):
        at = rng.randrange(32, len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


@pytest.fixture(scope="module")
def clip_corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("clips")
    mp4 = clip(tmp / "ok.mp4", frames_=20)
    webm_long = clip(tmp / "long.webm", frames_=70 * 4, fps=4, size=(32, 32), codec="libvpx", container_format="webm")
    webm_short = clip(tmp / "short.webm", frames_=20, fps=4, size=(32, 32), codec="libvpx", container_format="webm")
    gif_bomb = b"GIF89a\xff\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02D\x01\x00;"
    big_png = zlib.compress(b"\x00" * 10)  # a header claiming 16000 x 16000
    png_bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 16000, 16000, 8, 2, 0, 0, 0))
    return {
        "valid mp4": ("ok.mp4", mp4, "accept"),
        "mp4 cut at 10%": ("a.mp4", mp4[: len(mp4) // 10], "refuse"),
        "mp4 cut at 60%": ("a.mp4", mp4[: len(mp4) * 6 // 10], "either"),
        "mp4 bit flips 1": ("a.mp4", flips(mp4, 1), "either"),
        "mp4 bit flips 2": ("a.mp4", flips(mp4, 2), "either"),
        "mp4 claiming 20 M frames": ("a.mp4", patch_box(mp4, b"stts", 8, struct.pack(">I", 20_000_000)), "either"),
        "mp4 with zeroed durations": (
            "a.mp4",
            patch_box(patch_box(mp4, b"mvhd", 20, b"\x00" * 4), b"mdhd", 20, b"\x00" * 4),
            "either",
        ),
        "70 s webm without Duration": ("r.webm", webm_duration(webm_long, None), "refuse"),
        "70 s webm, Duration 0": ("r.webm", webm_duration(webm_long, struct.pack(">d", 0.0)), "refuse"),
        "70 s webm, Duration NaN": ("r.webm", webm_duration(webm_long, struct.pack(">d", float("nan"))), "refuse"),
        "5 s webm without Duration": ("r.webm", webm_duration(webm_short, None), "accept"),
        "1000 fps for 4 s": ("f.mp4", clip(tmp / "fast.mp4", frames_=4000, fps=1000, size=(16, 16)), "refuse"),
        "2560x1440 clip": ("big.mp4", clip(tmp / "big.mp4", frames_=1, size=(2560, 1440)), "refuse"),
        "35-byte GIF bomb named .mp4": ("bomb.mp4", gif_bomb, "refuse"),
        "16000x16000 PNG named .mp4": ("bomb.mp4", png_bomb + png_chunk(b"IDAT", big_png), "refuse"),
        "JPEG named .mp4": ("photo.mp4", cv2.imencode(".jpg", np.zeros((8, 8, 3), np.uint8))[1].tobytes(), "refuse"),
        "text named .webm": ("notes.webm", b"just some notes", "refuse"),
    }


@pytest.fixture(scope="module")
def picture_corpus():
    rng = np.random.default_rng(3)
    jpeg = cv2.imencode(".jpg", rng.integers(0, 255, (300, 400, 3), np.uint8))[1].tobytes()
    progressive = cv2.imencode(".jpg", np.zeros((64, 64, 3), np.uint8), [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])[1]
    progressive = progressive.tobytes()
    empty_scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    scan_bomb = progressive[:-2] + empty_scan * 5000 + b"\xff\xd9"
    inflating = zlib.compress(b"\x00" * 2_000_000, 9)  # 2 MB from ~2 KB
    big = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 16000, 16000, 8, 2, 0, 0, 0))
    return {
        "valid jpeg": ("p.jpg", jpeg, "accept"),
        "jpeg cut in half": ("p.jpg", jpeg[: len(jpeg) // 2], "either"),
        "jpeg cut to its header": ("p.jpg", jpeg[:200], "either"),
        "jpeg bit flips": ("p.jpg", flips(jpeg, 5), "either"),
        "progressive scan bomb": ("p.jpg", scan_bomb, "refuse"),
        "16000x16000 png": ("p.png", big + png_chunk(b"IDAT", zlib.compress(b"\x00" * 100)), "refuse"),
        "zTXt bomb": ("p.png", png_with(b"zTXt", b"Comment\x00\x00" + inflating), "refuse"),
        "iCCP bomb": ("p.png", png_with(b"iCCP", b"icc\x00\x00" + inflating), "refuse"),
        "iTXt bomb": ("p.png", png_with(b"iTXt", b"Comment\x00\x01\x00\x00\x00" + inflating), "refuse"),
        "gif named .png": (
            "p.png",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x00;",
            "refuse",
        ),
        "svg": ("p.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "refuse"),
    }


def plain_words(message: str) -> bool:
    technical = ("Traceback", 'File "', "/tmp/", "Errno", "Error(", "av.error")
    return bool(message) and not any(s in message for s in technical) and not re.search(r"\b0x[0-9a-f]", message)


def run_case(check, name, data, folder, refusal_type):
    started = time.monotonic()
    try:
        outcome, detail = "accept", check(name, data, folder)
    except refusal_type as refusal:
        outcome, detail = "refuse", str(refusal)
    return outcome, detail, time.monotonic() - started


def own_rss_and_children_peak_mb() -> tuple[float, float]:
    return tree_rss_mb(os.getpid()), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_corpus(corpus, check, refusal_type, tmp_path, limit_s):
    """Every case in one fresh worker process, standing in for the server's: its own growth and
    its children's peak are then this corpus's alone (pytest's own children, such as an app
    server from an earlier test, would otherwise count in ``RUSAGE_CHILDREN``)."""
    results = {}
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as worker:
        rss_before, _ = worker.submit(own_rss_and_children_peak_mb).result()
        for case, (name, data, expected) in corpus.items():
            outcome, detail, took = worker.submit(run_case, check, name, data, tmp_path, refusal_type).result()
            results[case] = (outcome, took)
            print(f"{case:32s} {outcome:7s} {took:5.1f} s  {str(detail)[:110]}")
            assert expected in (outcome, "either"), f"{case}: {outcome}: {detail}"
            assert took < limit_s, f"{case}: {took:.0f} s"
            if outcome == "refuse":
                assert plain_words(detail), f"{case}: {detail!r}"
        rss_after, child_peak = worker.submit(own_rss_and_children_peak_mb).result()
    growth = rss_after - rss_before
    print(f"the worker grew {growth:.0f} MB; the largest child peaked at {child_peak:.0f} MB")
    assert growth <= MAX_PARENT_GROWTH_MB and child_peak <= MAX_CHILD_RSS_MB
    return results


def check_clip(name, data, folder):
    path = folder / name
    path.write_bytes(data)
    info = files.check_clip(path)
    assert info.frames <= files.MAX_FRAMES and info.duration_s <= files.MAX_DURATION_S + 0.5
    assert max(info.width, info.height) <= files.MAX_LONG_SIDE
    return f"{info.width}x{info.height}, {info.frames} frames, {info.duration_s:.1f} s"


def check_picture(name, data, folder):
    frame = picture.decode_upload(data, name)
    assert max(frame.size) <= picture.MAX_SIDE
    return f"{frame.size[1]}x{frame.size[0]}"


@pytest.mark.timeout(300)
def test_hostile_clips_are_refused_in_words_or_accepted_within_the_limits(clip_corpus, tmp_path):
    run_corpus(clip_corpus, check_clip, files.ClipRefused, tmp_path, files.CHECK_S + 10)


@pytest.mark.timeout(300)
def test_hostile_pictures_are_refused_in_words_or_accepted_within_the_limits(picture_corpus, tmp_path):
    run_corpus(picture_corpus, check_picture, picture.FrameError, tmp_path, picture.DECODE_S + 10)
