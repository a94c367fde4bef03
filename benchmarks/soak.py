"""Soak and churn: does the server stay flat for an hour? ``python benchmarks/soak.py --minutes 60 --churn-minutes 10``.

Not a test: it prints, nothing passes or fails. Starts the app and one headless Chromium whose
fake camera moves like a webcam (the squats clip, a real person, at 30 fps with every frame
different: a slow hand-held drift and sensor noise; a camera that repeats frames would let
the encoders coast). Then:

1. **Soak**: one session on the multi-pose page streams for ``--minutes``.
2. **Churn**: three sessions each press START, stream 15-45 s, press STOP, wait 2-8 s, again,
   for ``--churn-minutes``.
3. **After**: every tab closed; the server's memory and threads 30 s later.

Each minute it prints the server's RSS (with its children), its threads, the distinct frames
PoseNet processed per second over that minute (all sessions), how many streams are
playing, START/STOP counts and failures, the host's steal and the load average. A stream
that stops on its own (a stall the server ended, a lost connection) is counted and started
again. Take figures under ``flock /tmp/posenet-timing.lock`` on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import random
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # the repository: tests.support

from tests.support.app_server import AppServer  # noqa: E402
from tests.support.chromium import launch_chromium, new_context, warm_up  # noqa: E402
from tests.support.demo_page import DemoPage  # noqa: E402
from tests.support.fake_camera import CAMERA_FPS, SQUATS_MP4, _fit, rgb_to_i420  # noqa: E402
from tests.support.proc_metrics import host_cpu_jiffies, threads, tree_rss_mb  # noqa: E402


def make_webcam_y4m(path: pathlib.Path, size: int = 576, seconds: float = 13.0, seed: int = 7) -> pathlib.Path:
    """The squats clip (5 fps) as ``seconds`` of 30 fps where no two frames are alike: each
    frame drifts by a fraction of a pixel along a slow circle and gets its own noise (sigma 3)."""
    import av
    import cv2

    rng = np.random.default_rng(seed)
    with av.open(str(SQUATS_MP4)) as container:
        pictures = [_fit(f.to_ndarray(format="rgb24"), size, size) for f in container.decode(video=0)]
    total = int(seconds * CAMERA_FPS)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{size} H{size} F{CAMERA_FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for index in range(total):
            picture = pictures[(index * len(pictures)) // total]
            angle = 2 * np.pi * index / total
            shift = np.float32([[1, 0, 6 * np.cos(angle)], [0, 1, 4 * np.sin(angle)]])
            moved = cv2.warpAffine(picture, shift, (size, size), borderMode=cv2.BORDER_REFLECT)
            noisy = np.clip(moved + rng.normal(0, 3, moved.shape), 0, 255).astype(np.uint8)
            out.write(b"FRAME\n" + rgb_to_i420(noisy))
    return path


class Session:
    """One browser tab on the multi-pose page, streaming the webcam or not."""

    def __init__(self, browser, server, path: str, name: str):
        self.name, self.context = name, new_context(browser)
        self.demo = DemoPage(self.context, server.url, path).open(timeout=120)
        self.playing, self.starts, self.stops, self.failures, self.ended_by_itself = False, 0, 0, 0, 0
        self.next_action = time.monotonic()

    def frames(self) -> int:
        try:
            return self.demo.read().frames_processed or 0
        except Exception:
            return 0

    def start(self) -> None:
        try:
            self.demo.start(timeout=60)
            self.playing = True
            self.starts += 1
        except Exception as error:
            self.failures += 1
            print(f"  {self.name}: START failed: {str(error).splitlines()[0][:120]}", flush=True)

    def stop(self) -> None:
        try:
            self.demo.stop_button.click(timeout=10_000)
            self.demo.start_button.wait_for(state="visible", timeout=30_000)
            self.stops += 1
        except Exception as error:
            self.failures += 1
            print(f"  {self.name}: STOP failed: {str(error).splitlines()[0][:120]}", flush=True)
        self.playing = False

    def check(self) -> None:
        """A stream that stopped without STOP: count it, and START again."""
        if self.playing and self.demo.start_button.count() and self.demo.start_button.is_visible():
            self.ended_by_itself += 1
            print(f"  {self.name}: the stream stopped on its own; START again", flush=True)
            self.playing = False
            self.start()

    def close(self) -> None:
        self.context.close()


class Minutes:
    """Prints one row per minute: server RSS, threads, processed fps, steal, load."""

    HEADER = (
        "| phase | minute | RSS MB | threads | processed fps | playing "
        "| starts / stops / failures / self-ended | steal | load 1 min |"
    )

    def __init__(self, pid: int):
        self.pid, self.rows = pid, []
        print(self.HEADER + "\n" + "| --- " * 9 + "|", flush=True)

    def begin(self, sessions) -> None:
        self.started, self.jiffies = time.monotonic(), host_cpu_jiffies()
        self.frames = {s.name: s.frames() for s in sessions}

    def row(self, phase: str, minute: int, sessions) -> None:
        now, jiffies = time.monotonic(), host_cpu_jiffies()
        frames = {s.name: s.frames() for s in sessions}
        fps = sum(max(0, frames[n] - self.frames.get(n, 0)) for n in frames) / (now - self.started)
        steal = (jiffies[2] - self.jiffies[2]) / max(1, jiffies[0] - self.jiffies[0])
        counts = [sum(getattr(s, a) for s in sessions) for a in ("starts", "stops", "failures", "ended_by_itself")]
        row = (
            f"| {phase} | {minute} | {tree_rss_mb(self.pid):.0f} | {threads(self.pid)} | {fps:.1f} | "
            f"{sum(s.playing for s in sessions)} | {' / '.join(map(str, counts))} | {100 * steal:.1f}% | "
            f"{os.getloadavg()[0]:.2f} |"
        )
        print(row, flush=True)
        self.rows.append(row)
        self.started, self.jiffies, self.frames = now, jiffies, frames


def soak(browser, server, path, minutes: int, table: Minutes) -> Session:
    session = Session(browser, server, path, "soak")
    session.start()
    table.begin([session])
    for minute in range(1, minutes + 1):
        end = time.monotonic() + 60
        while time.monotonic() < end:
            time.sleep(5)
            session.check()
        table.row("soak, 1 session", minute, [session])
    session.stop()
    return session


def churn(browser, server, path, minutes: int, table: Minutes, rng: random.Random) -> list[Session]:
    sessions = [Session(browser, server, path, f"churn{n}") for n in range(3)]
    table.begin(sessions)
    for minute in range(1, minutes + 1):
        end = time.monotonic() + 60
        while time.monotonic() < end:
            for s in sessions:
                s.check()
                if time.monotonic() >= s.next_action:
                    if s.playing:
                        s.stop()
                        s.next_action = time.monotonic() + rng.uniform(2, 8)
                    else:
                        s.start()
                        s.next_action = time.monotonic() + rng.uniform(15, 45)
            time.sleep(1)
        table.row("churn, 3 sessions", minute, sessions)
    return sessions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=60, help="one webcam session streaming")
    parser.add_argument("--churn-minutes", type=int, default=10, help="three sessions with START/STOP churn")
    parser.add_argument("--size", type=int, default=576, help="the fake webcam's width and height")
    parser.add_argument("--log", type=pathlib.Path, help="keep the server's log here")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    os.environ.setdefault("POSENET_MAX_STREAMS", "99")
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="posenet-soak-") as tmp:
        tmp = pathlib.Path(tmp)
        camera = make_webcam_y4m(tmp / "webcam.y4m", args.size)
        with AppServer(args.log or tmp / "streamlit.log") as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright, camera)
            path = warm_up(browser, server.url)["Multi pose"]
            pid = server.process.pid
            print(f"app {server.url}; webcam {args.size}x{args.size} 30 fps, every frame different; multi-pose page")
            print(f"before any stream: RSS {tree_rss_mb(pid):.0f} MB, {threads(pid)} threads\n", flush=True)
            table = Minutes(pid)
            open_sessions = [soak(browser, server, path, args.minutes, table)]
            open_sessions += churn(browser, server, path, args.churn_minutes, table, rng)
            for session in open_sessions:
                session.close()
            time.sleep(30)
            print(f"\nall tabs closed 30 s ago: RSS {tree_rss_mb(pid):.0f} MB, {threads(pid)} threads", flush=True)
            log = server.log_text()
            lines = log.splitlines()
            for marker in ("Traceback", "Task exception was never retrieved", "WARNING studio"):
                print(f"server log lines with {marker!r}: {sum(marker in line for line in lines)}")
            for at in [n for n, line in enumerate(lines) if "Traceback" in line or "WARNING studio" in line][:5]:
                print("\n".join(lines[max(0, at - 2) : at + 14]) + "\n---")  # the log goes with the temp dir
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
