"""The hosted stack under load: ``python benchmarks/hosted_load.py --sessions 1,2,4,6`` (not a test).

Starts ``deploy/up`` (coturn + HAProxy + ``--replicas`` Streamlit replicas; relay-only ICE
unless ``--policy all``), then adds browser sessions on the multi-pose page, each with the
fake camera (640 x 480, every frame stamped with its index, as in browser_fps.py), until
each count in ``--sessions`` is streaming, and for ``--seconds`` at each count prints:

* per session: its replica (HAProxy's cookie), distinct frames PoseNet processed per second
  (deltas of the page's "Frames processed"), glass-to-glass latency (median over the returned
  frames shown, each one's stamp against the camera track's, read in the page), the local ICE candidate type;
* per replica: CPU in cores (from /proc), and coturn's and the whole machine's;
* host steal over the window (/proc/stat): the machine is shared, so read the numbers with it.

Each session has a Chromium of its own (as users do; ``--one-browser``: one Chromium, a context
per session, whose shared fake camera held 3 or more sessions to ~5 fps each here), on the same
cores as the servers, so from 3 sessions on the browsers take much of the machine.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # the repository: tests.support

from benchmarks.browser_fps import LOOP_FRAMES, LOOP_S  # noqa: E402
from tests.support import hosted  # noqa: E402
from tests.support.chromium import launch_chromium, warm_up  # noqa: E402
from tests.support.demo_page import processed_rate  # noqa: E402
from tests.support.fake_camera import make_y4m  # noqa: E402
from tests.support.proc_metrics import cpu_seconds, cpu_seconds_of, host_cpu_jiffies, other_descendants  # noqa: E402
from tests.support.webrtc_probe import record_stamps, recorded_latencies_ms  # noqa: E402

WIDTH, HEIGHT = 640, 480


def measure(sessions: list[hosted.Session], stack: hosted.Stack, seconds: float) -> dict:
    pids = {r["name"]: r["pid"] for r in stack.info["replicas"]}
    pids["coturn"] = stack.info["turn"]["pid"]
    cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}
    browser = other_descendants(stack.process.pid)  # Chromium's processes
    browser0 = cpu_seconds_of(browser)
    total0, idle0, steal0 = host_cpu_jiffies()
    for session in sessions:
        record_stamps(session.demo, HEIGHT, LOOP_FRAMES)
        recorded_latencies_ms(session.demo)  # from the window's start on
    first = [s.demo.read() for s in sessions]
    started = time.monotonic()
    time.sleep(seconds)
    latencies = [recorded_latencies_ms(s.demo) for s in sessions]
    last = [s.demo.read() for s in sessions]
    elapsed = time.monotonic() - started
    total1, idle1, steal1 = host_cpu_jiffies()
    cores = {name: (cpu_seconds(pid) - cpu0[name]) / elapsed for name, pid in pids.items()}
    cores["chromium"] = (cpu_seconds_of(browser) - browser0) / elapsed
    cores["machine busy"] = (os.cpu_count() or 1) * (1 - (idle1 - idle0) / max(1, total1 - total0))
    return {
        "fps": [processed_rate([a, b]) for a, b in zip(first, last)],
        "latency_ms": [statistics.median(x) if x else None for x in latencies],
        "replica": [s.replica() for s in sessions],
        "candidate": [s.connection()["local"]["candidateType"] for s in sessions],
        "cores": cores,
        "steal": (steal1 - steal0) / max(1, total1 - total0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,2,3,4,5,6", help="session counts to measure, rising")
    parser.add_argument("--seconds", type=float, default=15.0, help="measuring window per count")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, help="HAProxy's port (default: a free one)")
    parser.add_argument(
        "--one-browser",
        action="store_true",
        help="one Chromium for all sessions, a context each (its shared fake camera caps 3+ sessions at ~5 fps)",
    )
    parser.add_argument("--policy", choices=("relay", "all"), default="relay", help="POSENET_ICE_TRANSPORT_POLICY")
    args = parser.parse_args()
    counts = sorted({int(x) for x in args.sessions.split(",")})

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="posenet-hosted-") as tmp:
        tmp = pathlib.Path(tmp)
        camera = make_y4m(tmp / "camera.y4m", WIDTH, HEIGHT, seconds=LOOP_S, stamp=True)
        env = {"POSENET_ICE_TRANSPORT_POLICY": args.policy}
        stack = hosted.Stack(tmp / "stack", replicas=args.replicas, env=env, port=args.port).start()
        print(f"stack: {stack.info['url']}, {args.replicas} replicas, ICE policy {args.policy}, {os.cpu_count()} cores")
        rows = []
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright, camera)
                pages = warm_up(browser, stack.info["url"])
                sessions: list[hosted.Session] = []
                for count in counts:
                    while len(sessions) < count:
                        own = launch_chromium(playwright, camera) if not args.one_browser else browser
                        session = hosted.Session(own, stack, pages["Multi pose"])
                        session.demo.open()
                        session.demo.start(timeout=60)
                        session.demo.wait_for_frames(1, timeout=40)
                        sessions.append(session)
                    time.sleep(3)  # let the newest session settle
                    row = measure(sessions, stack, args.seconds)
                    rows.append((count, row))
                    print_row(count, row, stack)
                browser.close()
        finally:
            stack.stop()
    return 0


def print_row(count: int, row: dict, stack: hosted.Stack) -> None:
    fps = " ".join(f"{f:4.1f}" for f in row["fps"])
    latency = " ".join("-" if x is None else f"{x:.0f}" for x in row["latency_ms"])
    cores = " ".join(f"{name} {value:.2f}" for name, value in row["cores"].items())
    print(
        f"{count} session(s): fps [{fps}] (min {min(row['fps']):.1f}); latency ms [{latency}]; "
        f"replicas {row['replica']}; candidates {sorted(set(row['candidate']))}; cores: {cores}; "
        f"steal {100 * row['steal']:.0f}%",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
