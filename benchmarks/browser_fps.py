"""Live-demo throughput and latency as a browser sees them: ``python benchmarks/browser_fps.py --seconds 60``.

Starts the app, opens the single-pose page in headless Chromium with a 640 x 480 fake camera (the
squats clip, letterboxed), presses START with default settings and then, once a second:

* reads "Frames processed" from the page: distinct frames PoseNet processed on the server
  (the video the browser gets stays at the camera rate even when processing is slower);
* reads the server's per-frame time ("total ... ms") from the caption;
* counts the frames the output <video> presented (getVideoPlaybackQuality) and the frames the
  camera sent (WebRTC stats of the component's peer connection);
* measures glass-to-glass latency: every camera frame carries its index (0-239, an 8 s loop)
  as black and white blocks in a band at the top; in the component's page a small script
  reads, for every returned frame shown, its index and the index the local camera track shows
  at that moment: latency = (local - returned) / 30 fps (the median of each second's frames).

Prints a line per second, a table per 10 s window, and latency at the start vs the end.
``--busy-sessions N`` first starts N other sessions streaming the three-people photo on the
multi-pose page, so the measured stream shares the server (latency must stay flat even when
the server cannot keep up: every stage skips to the newest frame, see studio/live/relay.py).
``--skip-run-cleanup`` runs Streamlit without its after-every-run keras/gc clean-up (see
tests/browser/) to measure what that costs.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # the repository: tests.support

from tests.support.app_server import AppServer  # noqa: E402
from tests.support.chromium import launch_chromium, new_context, warm_up  # noqa: E402
from tests.support.demo_page import DemoPage  # noqa: E402
from tests.support.fake_camera import CAMERA_FPS, make_y4m  # noqa: E402
from tests.support.webrtc_probe import record_stamps, recorded_latencies_ms, rtp_stats  # noqa: E402

LOOP_S = 8.0
LOOP_FRAMES = int(LOOP_S * CAMERA_FPS)


def rate(rows, key, start, end) -> float | None:
    a, b = rows[start], rows[end]
    if a[key] is None or b[key] is None or b["t"] <= a["t"]:
        return None
    return (b[key] - a[key]) / (b["t"] - a["t"])


def fmt(value, spec=".1f", missing="-") -> str:
    return missing if value is None else format(value, spec)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to measure once frames flow")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--page", default="Single pose", help="the page's title in the sidebar")
    parser.add_argument("--window", type=float, default=10.0, help="seconds per summary window")
    parser.add_argument(
        "--skip-run-cleanup",
        action="store_true",
        help="start Streamlit without its per-run keras.clear_session()/gc.collect() (an experiment)",
    )
    parser.add_argument("--busy-sessions", type=int, default=0, help="other sessions streaming at the same time")
    parser.add_argument("--json", type=pathlib.Path, help="also write every per-second reading here")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="posenet-bench-") as tmp:
        tmp = pathlib.Path(tmp)
        camera = make_y4m(tmp / "camera.y4m", args.width, args.height, seconds=LOOP_S, stamp=True)
        with AppServer(tmp / "streamlit.log", skip_run_cleanup=args.skip_run_cleanup) as server:
            cleanup = " (per-run clean-up OFF)" if server.skip_run_cleanup else ""
            print(
                f"app: {server.url}{cleanup}; camera: {args.width}x{args.height} at {CAMERA_FPS} fps, "
                f"stamped, {LOOP_S:.0f} s loop",
                flush=True,
            )
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright, camera)
                pages = warm_up(browser, server.url)
                for _ in range(args.busy_sessions):
                    busy = DemoPage(new_context(browser), server.url, pages["Multi pose"]).open()
                    busy.choose_source("Sample photo: three people")
                    busy.start(timeout=40)
                if args.busy_sessions:
                    print(f"{args.busy_sessions} other session(s) streaming the three-people photo", flush=True)
                demo = DemoPage(new_context(browser), server.url, pages[args.page]).open()
                to_video = demo.start(timeout=30)
                first = demo.wait_for_frames(1, timeout=30)
                print(
                    f"START -> video {to_video:.1f} s; Frames processed {first.frames_processed}; "
                    f"measuring {args.seconds:.0f} s",
                    flush=True,
                )
                rows = measure(demo, args)
                browser.close()
    report(rows, args)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
        print(f"readings: {args.json}")
    return 0


def measure(demo, args) -> list[dict]:
    rows = []
    started = time.monotonic()
    record_stamps(demo, args.height, LOOP_FRAMES)
    header = ("t s", 5), ("frames", 7), ("fps", 5), ("srv ms", 7), ("input", 8), ("shown", 6), ("sent", 6)
    print(" ".join(f"{name:>{width}}" for name, width in header), f"{'latency ms':>10} {'jb ms':>6}")
    while True:
        tick = time.monotonic()
        sample = demo.read()
        video = demo.video_state()
        stats = rtp_stats(demo)
        shown_behind = recorded_latencies_ms(demo)  # every frame shown since the last row
        latency = statistics.median(shown_behind) if shown_behind else None
        inbound, outbound = stats.get("inbound", {}), stats.get("outbound", {})
        row = {
            "t": sample.t - started,
            "frames": sample.frames_processed,
            "page_fps": sample.processed_fps,
            "server_ms": sample.total_ms,
            "input": sample.network_input,
            "shown": video.get("totalFrames"),
            "dropped": video.get("dropped"),
            "sent": outbound.get("framesSent"),
            "sent_size": (outbound.get("frameWidth"), outbound.get("frameHeight")),
            "decoded": inbound.get("framesDecoded"),
            "jb_delay_s": inbound.get("jitterBufferDelay"),
            "jb_count": inbound.get("jitterBufferEmittedCount"),
            "latency_ms": latency,
        }
        jb = None
        if rows and row["jb_count"] and rows[-1]["jb_count"] and row["jb_count"] > rows[-1]["jb_count"]:
            jb = 1000 * (row["jb_delay_s"] - rows[-1]["jb_delay_s"]) / (row["jb_count"] - rows[-1]["jb_count"])
        row["jb_ms"] = jb
        rows.append(row)
        size = f"{row['input'][0]}x{row['input'][1]}" if row["input"] else "-"
        print(
            f"{row['t']:5.1f} {fmt(row['frames'], 'd'):>7} {fmt(row['page_fps']):>5} {fmt(row['server_ms']):>7} "
            f"{size:>8} {fmt(row['shown'], 'd'):>6} {fmt(row['sent'], 'd'):>6} {fmt(latency, '.0f'):>10} "
            f"{fmt(jb, '.0f'):>6}",
            flush=True,
        )
        if row["t"] >= args.seconds:
            return rows
        time.sleep(max(0.0, tick + 1.0 - time.monotonic()))


def report(rows: list[dict], args) -> None:
    print(
        f"\nper {args.window:.0f} s window: distinct processed fps (from 'Frames processed'), server ms/frame, "
        "video frames shown/s, camera frames sent/s, glass-to-glass latency (median), "
        "browser jitter buffer"
    )
    print(f"{'window':>11} {'proc fps':>8} {'srv ms':>7} {'shown/s':>8} {'sent/s':>7} {'latency ms':>10} {'jb ms':>6}")
    edges = [0]
    for i, row in enumerate(rows):
        if row["t"] >= rows[edges[-1]]["t"] + args.window - 0.5:
            edges.append(i)
    windows = []
    for a, b in zip(edges, edges[1:]):
        chunk = rows[a : b + 1]
        server = [r["server_ms"] for r in chunk if r["server_ms"] is not None]
        lat = [r["latency_ms"] for r in chunk if r["latency_ms"] is not None]
        jb = [r["jb_ms"] for r in chunk if r["jb_ms"] is not None]
        w = {
            "from": rows[a]["t"],
            "to": rows[b]["t"],
            "fps": rate(rows, "frames", a, b),
            "server_ms": statistics.mean(server) if server else None,
            "shown": rate(rows, "shown", a, b),
            "sent": rate(rows, "sent", a, b),
            "latency": statistics.median(lat) if lat else None,
            "jb": statistics.median(jb) if jb else None,
        }
        windows.append(w)
        print(
            f"{w['from']:5.0f}-{w['to']:<5.0f} {fmt(w['fps']):>8} {fmt(w['server_ms']):>7} {fmt(w['shown']):>8} "
            f"{fmt(w['sent']):>7} {fmt(w['latency'], '.0f'):>10} {fmt(w['jb'], '.0f'):>6}"
        )
    overall = rate(rows, "frames", 0, len(rows) - 1)
    print(
        f"\ndistinct processed fps over {rows[-1]['t'] - rows[0]['t']:.0f} s: {fmt(overall)} "
        f"(video shown {fmt(rate(rows, 'shown', 0, len(rows) - 1))}/s, "
        f"camera sent {fmt(rate(rows, 'sent', 0, len(rows) - 1))}/s)"
    )
    timed = [(r["t"], r["latency_ms"]) for r in rows if r["latency_ms"] is not None]
    if len(timed) >= 4 and windows:
        ts, ls = zip(*timed)
        mean_t, mean_l = statistics.mean(ts), statistics.mean(ls)
        slope = sum((t - mean_t) * (v - mean_l) for t, v in timed) / max(sum((t - mean_t) ** 2 for t in ts), 1e-9)
        print(
            f"latency: start {fmt(windows[0]['latency'], '.0f')} ms, end {fmt(windows[-1]['latency'], '.0f')} ms "
            f"(medians of the first and last window); min {min(ls):.0f}, max {max(ls):.0f}; "
            f"trend {slope * 60:+.0f} ms per minute"
        )
    else:
        print("latency: not measured (the stamps could not be read back)")
    server = [(w["server_ms"]) for w in windows if w["server_ms"] is not None]
    if server:
        print(f"server ms/frame: first window {server[0]:.1f}, last window {server[-1]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
