"""How the live demo shares one server among K browsers: ``python benchmarks/browser_load.py --sessions 1,2,3``.

Starts the app, one headless Chromium whose fake camera is a stamped 640 x 480 clip (see
tests/support/fake_camera.py), and for each K opens K sessions on the multi-pose page, presses
START in each, waits until the camera is sent at full size, then measures for ``--seconds``:

* per-session **distinct processed fps** (the page's "Frames processed" counter over wall time)
  and **fairness** = min / max of those;
* **glass-to-glass latency** p50 per session (the stamp of every returned frame the page shows,
  read in the page against the camera's);
* **server CPU per processed frame** = the app process's CPU time / all sessions' distinct
  frames (ms): the figure that depends least on what else the shared machine is doing;
* the same CPU split by the server's threads (VP8 decode, PoseNet worker, encoder, event loop,
  script runs, ...), as ms per processed frame;
* the host's **steal** time over the window (a run with more than ~10% says little).

``--pin`` runs the browser (and this script) on core 0 and the server on core 1, so the
server's own capacity shows. ``--profile DIR`` also runs ``py-spy record --native`` on the
server during each window (adds some load of its own). Not a test: nothing here passes or fails.

**A/B mode** (``--b-root OTHER_CHECKOUT`` and/or ``--a-query`` / ``--b-query "precision=int8"``):
two servers (this checkout's app and another's, or one app with two page settings) measured in
windows of ``--sessions K`` interleaved A B B A (``--pairs`` times), so that whatever else loads
the shared machine weighs on both alike; prints each window and the ratio B / A of server CPU
per processed frame (median of the adjacent pairs' ratios), fps and latency. The camera then
changes every frame (``--noise``, sensor noise over the clip's motion), as a webcam's does.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # the repository: tests.support

from benchmarks.browser_fps import LOOP_FRAMES, LOOP_S  # noqa: E402
from tests.support.app_server import AppServer  # noqa: E402
from tests.support.chromium import launch_chromium, new_context, warm_up  # noqa: E402
from tests.support.demo_page import DemoPage, processed_rate  # noqa: E402
from tests.support.fake_camera import make_y4m  # noqa: E402
from tests.support.proc_metrics import (  # noqa: E402
    cpu_seconds,
    cpu_seconds_of,
    host_cpu_jiffies,
    other_descendants,
    python_thread_names,
    wait_until_quiet,
)
from tests.support.webrtc_probe import record_stamps, recorded_latencies_ms, rtp_stats  # noqa: E402


def thread_times(pid: int) -> dict[int, tuple[str, float]]:
    """{tid: (thread name, CPU seconds so far)} for every thread of ``pid``."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for stat in pathlib.Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        found[int(stat.parent.name)] = (name, (int(fields[11]) + int(fields[12])) / tick)
    return found


def thread_group(name: str) -> str:
    """Thread names without their numbers: 'async_media_processor' (the PoseNet workers), 'ThreadPoolExecutor' ..."""
    return re.sub(r"(?:[-_]\d+)+$", "", name) or name


def cpu_by_thread_group(before: dict, after: dict, names: dict[int, str]) -> dict[str, float]:
    """CPU seconds per thread group; threads that run no Python (TFLite's and libvpx's pools) count as native."""
    groups: dict[str, float] = {}
    for tid, (_, seconds) in after.items():
        group = thread_group(names[tid]) if tid in names else "native (no Python)"
        groups[group] = groups.get(group, 0.0) + seconds - before.get(tid, ("", 0.0))[1]
    return groups


def browser_side(before: dict, after: dict, seconds: float) -> dict:
    """One session's WebRTC stats over the window: where the browser spends the latency.

    ``sent_fps``: camera frames Chromium encoded and sent (fewer than 30: its CPU was short);
    ``encode_ms``: per sent frame; ``jitter_buffer_ms``: how long a received frame waited in
    the jitter buffer (grows when frames arrive unevenly); ``decode_ms``: per received frame.
    """

    def delta(side: str, key: str) -> float:
        return float(after.get(side, {}).get(key, 0.0)) - float(before.get(side, {}).get(key, 0.0))

    sent, decoded, emitted = (
        delta("outbound", "framesEncoded"),
        delta("inbound", "framesDecoded"),
        delta("inbound", "jitterBufferEmittedCount"),
    )
    return {
        "sent_fps": sent / seconds,
        "encode_ms": 1e3 * delta("outbound", "totalEncodeTime") / sent if sent else None,
        "limited_by": after.get("outbound", {}).get("qualityLimitationReason"),
        "jitter_buffer_ms": 1e3 * delta("inbound", "jitterBufferDelay") / emitted if emitted else None,
        "decode_ms": 1e3 * delta("inbound", "totalDecodeTime") / decoded if decoded else None,
    }


def pin(pids: list[int], core: int) -> None:
    for pid in pids:
        subprocess.run(["taskset", "-a", "-cp", str(core), str(pid)], capture_output=True, check=False)


def wait_full_size(demos, width: int, timeout: float) -> None:
    """Chromium sends a smaller picture for the first seconds of a connection; wait for full size."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sizes = [rtp_stats(d).get("outbound", {}).get("frameWidth") for d in demos]
        if all(size == width for size in sizes):
            return
        time.sleep(1.0)


def measure_k(browser, server, pages, k: int, args, profile_dir: pathlib.Path | None, query: str = "") -> dict:
    contexts, demos = [], []
    for _ in range(k):
        context = new_context(browser)
        contexts.append(context)
        demo = DemoPage(context, server.url, pages["Multi pose"] + (f"?{query}" if query else "")).open()
        demo.start(timeout=40)
        demos.append(demo)
    for demo in demos:
        demo.wait_for_frames(1, timeout=30)
    wait_full_size(demos, args.width, timeout=args.ramp)

    pid = server.process.pid
    spy = None
    if profile_dir is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
        out = profile_dir / f"k{k}.speedscope.json"
        spy = subprocess.Popen(
            ["py-spy", "record", "--native", "-r", "50", "-d", str(int(args.seconds)), "--pid", str(pid)]
            + ["-f", "speedscope", "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    for demo in demos:
        record_stamps(demo, args.height, LOOP_FRAMES)
        recorded_latencies_ms(demo)  # from the window's start on
    first = [d.read() for d in demos]
    rtp0, browser0 = [rtp_stats(d) for d in demos], cpu_seconds_of(other_descendants(pid))
    cpu0, threads0, stat0, t0 = cpu_seconds(pid), thread_times(pid), host_cpu_jiffies(), time.monotonic()
    time.sleep(args.seconds)
    latencies = [recorded_latencies_ms(d) for d in demos]
    last = [d.read() for d in demos]
    cpu1, threads1, stat1, t1 = cpu_seconds(pid), thread_times(pid), host_cpu_jiffies(), time.monotonic()
    rtp1, browser1 = [rtp_stats(d) for d in demos], cpu_seconds_of(other_descendants(pid))
    if spy is not None:
        spy.wait(timeout=60)
    names = python_thread_names(pid)

    fps = [processed_rate([a, b]) for a, b in zip(first, last)]
    frames = sum(f * (b.t - a.t) for f, a, b in zip(fps, first, last))
    groups = cpu_by_thread_group(threads0, threads1, names)
    result = {
        "k": k,
        "fps": fps,
        "fairness": min(fps) / max(fps) if max(fps) > 0 else 0.0,
        "latency_p50": [statistics.median(v) if v else None for v in latencies],
        # Each reading is a whole number of camera frames (33 ms); the mean resolves finer.
        "latency_mean": [statistics.fmean(v) if v else None for v in latencies],
        "cpu_cores": (cpu1 - cpu0) / (t1 - t0),
        "browser_cores": (browser1 - browser0) / (t1 - t0),
        "browser_side": [browser_side(a, b, t1 - t0) for a, b in zip(rtp0, rtp1)],
        "ms_per_frame": 1e3 * (cpu1 - cpu0) / frames if frames else None,
        "threads_ms_per_frame": {g: 1e3 * s / frames for g, s in groups.items() if frames and s > 0.005}
        # Threads that ended within the window (script runs, mostly) are in the total only.
        | ({"ended threads": 1e3 * (cpu1 - cpu0 - sum(groups.values())) / frames} if frames else {}),
        "steal": (stat1[2] - stat0[2]) / max(1, stat1[0] - stat0[0]),
        "size": rtp_stats(demos[0]).get("outbound", {}).get("frameWidth"),
        "codec": rtp_stats(demos[0]).get("inboundCodec"),
        # A session whose stream ended (its page shows START again) processes nothing: say so.
        "streaming": [d.is_streaming() for d in demos],
        "server_stage_ms": last[0].total_ms,
        # Other work on the machine (the browser, other jobs) shows here, not in steal.
        "loadavg": pathlib.Path("/proc/loadavg").read_text().split()[0],
    }
    for context in contexts:
        context.close()
    wait_until_quiet(pid, timeout=60)
    return result


def print_result(r: dict) -> None:
    lat = [x for x in r["latency_p50"] if x is not None]
    print(
        f"K={r['k']}: fps per session {', '.join(f'{f:.1f}' for f in r['fps'])} (sum {sum(r['fps']):.1f}); "
        f"fairness {r['fairness']:.2f}; latency p50 {', '.join(f'{x:.0f}' for x in lat) or '-'} ms "
        f"(mean {', '.join(f'{x:.0f}' for x in r['latency_mean'] if x is not None) or '-'}); "
        f"server {100 * r['cpu_cores']:.0f}% of a core, "
        f"{r['ms_per_frame']:.1f} ms CPU per processed frame; steal {100 * r['steal']:.1f}%; "
        f"camera width {r['size']}; return video {r.get('codec')}; load average {r['loadavg']}",
        flush=True,
    )
    stopped = [i + 1 for i, up in enumerate(r["streaming"]) if not up]
    if stopped:
        print(f"    sessions no longer streaming at the end (START shown): {stopped}", flush=True)
    parts = sorted(r["threads_ms_per_frame"].items(), key=lambda kv: -kv[1])
    print("    by thread (ms/frame): " + ", ".join(f"{name} {ms:.1f}" for name, ms in parts), flush=True)

    def ms(value) -> str:
        return "-" if value is None else f"{value:.1f}"

    sides = r["browser_side"]
    print(
        f"    browser: {100 * r['browser_cores']:.0f}% of a core; camera sent at "
        + ", ".join(f"{b['sent_fps']:.1f}" for b in sides)
        + " fps (limited by: "
        + ", ".join(str(b["limited_by"]) for b in sides)
        + "); encode "
        + ", ".join(ms(b["encode_ms"]) for b in sides)
        + " ms; jitter buffer "
        + ", ".join(ms(b["jitter_buffer_ms"]) for b in sides)
        + " ms; decode "
        + ", ".join(ms(b["decode_ms"]) for b in sides)
        + " ms",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,2,3,4,5", help="comma-separated K values")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window per K")
    parser.add_argument("--ramp", type=float, default=25.0, help="at most this long waiting for full-size video")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--pin", action="store_true", help="browser on core 0, server on core 1")
    parser.add_argument("--profile", type=pathlib.Path, help="write py-spy speedscope profiles here")
    parser.add_argument("--log", type=pathlib.Path, help="keep the server's log here")
    parser.add_argument("--b-root", type=pathlib.Path, help="A/B: B is the app of this other checkout")
    parser.add_argument("--a-query", default="", help="A/B: A's page settings, as a share link's query")
    parser.add_argument("--b-query", default="", help="A/B: B's page settings, as a share link's query")
    parser.add_argument("--pairs", type=int, default=2, help="A/B: this many A B B A rounds")
    parser.add_argument("--noise", type=float, default=None, help="camera sensor noise (default 3 in A/B, else 0)")
    args = parser.parse_args()
    ks = [int(k) for k in args.sessions.split(",")]
    if args.b_root or args.a_query or args.b_query:
        return run_ab(args, ks[0])

    from playwright.sync_api import sync_playwright

    # Measure every K: a limit from the environment applies only if given on purpose.
    os.environ.setdefault("POSENET_MAX_STREAMS", "99")
    if args.pin:
        os.sched_setaffinity(0, {0})  # Chromium inherits it
    with tempfile.TemporaryDirectory(prefix="posenet-load-") as tmp:
        tmp = pathlib.Path(tmp)
        camera = make_y4m(tmp / "camera.y4m", args.width, args.height, seconds=LOOP_S, stamp=True)
        with AppServer(args.log or tmp / "streamlit.log") as server:
            if args.pin:
                pin([server.process.pid], 1)
            limit = os.environ.get("POSENET_MAX_STREAMS", "(default)")
            print(
                f"app {server.url}; camera {args.width}x{args.height} stamped; multi-pose page; "
                f"{'browser on core 0, server on core 1' if args.pin else 'not pinned'}; "
                f"POSENET_MAX_STREAMS={limit}",
                flush=True,
            )
            results = []
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright, camera)
                pages = warm_up(browser, server.url)
                for k in ks:
                    results.append(measure_k(browser, server, pages, k, args, args.profile))
                    print_result(results[-1])
                browser.close()
    print("\n| K | distinct fps per session | fairness | latency p50 ms | server CPU ms/frame | steal |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        lat = [x for x in r["latency_p50"] if x is not None]
        print(
            f"| {r['k']} | {' / '.join(f'{f:.1f}' for f in r['fps'])} | {r['fairness']:.2f} | "
            f"{' / '.join(f'{x:.0f}' for x in lat) or '-'} | {r['ms_per_frame']:.1f} | {100 * r['steal']:.0f}% |"
        )
    return 0


def run_ab(args, k: int) -> int:
    """A B B A windows of ``k`` sessions on two servers; prints the B / A ratios."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("POSENET_MAX_STREAMS", "99")
    repo = pathlib.Path(__file__).resolve().parents[1]
    roots = {"A": repo, "B": (args.b_root or repo).resolve()}
    queries = {"A": args.a_query, "B": args.b_query}
    if args.pin:
        os.sched_setaffinity(0, {0})  # Chromium inherits it
    noise = 3.0 if args.noise is None else args.noise
    with tempfile.TemporaryDirectory(prefix="posenet-ab-") as tmp:
        tmp = pathlib.Path(tmp)
        camera = make_y4m(tmp / "camera.y4m", args.width, args.height, seconds=LOOP_S, stamp=True, noise=noise)
        servers = {arm: AppServer(tmp / f"{arm}.log", cwd=root) for arm, root in roots.items()}
        for server in servers.values():
            server.start()
            if args.pin:
                pin([server.process.pid], 1)
        try:
            for arm in servers:
                print(f"{arm}: {roots[arm]} ?{queries[arm]} at {servers[arm].url}", flush=True)
            print(
                f"K={k}; camera {args.width}x{args.height}, noise {noise:g}; {'pinned' if args.pin else 'not pinned'}"
            )
            results = {"A": [], "B": []}
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright, camera)
                pages = {arm: warm_up(browser, server.url) for arm, server in servers.items()}
                for arm in "ABBA" * args.pairs:
                    r = measure_k(browser, servers[arm], pages[arm], k, args, None, queries[arm])
                    results[arm].append(r)
                    print(f"[{arm}] ", end="")
                    print_result(r)
                browser.close()
        finally:
            for server in servers.values():
                server.stop()
    print_ab(results)
    return 0


def print_ab(results: dict) -> None:
    a, b = results["A"], results["B"]
    ratios = [
        rb["ms_per_frame"] / ra["ms_per_frame"] for ra, rb in zip(a, b) if ra["ms_per_frame"] and rb["ms_per_frame"]
    ]

    def median_of(runs, key, reduce=statistics.median):
        values = [reduce([x for x in r[key] if x is not None]) for r in runs if any(x is not None for x in r[key])]
        return statistics.median(values) if values else float("nan")

    print("\n| arm | server CPU ms/frame (windows) | fps per session | latency p50 ms | steal |")
    print("| --- | --- | --- | --- | --- |")
    for arm, runs in (("A", a), ("B", b)):
        cpu = " / ".join(f"{r['ms_per_frame'] or float('nan'):.1f}" for r in runs)
        steal = " / ".join(f"{100 * r['steal']:.0f}%" for r in runs)
        print(f"| {arm} | {cpu} | {median_of(runs, 'fps'):.1f} | {median_of(runs, 'latency_p50'):.0f} | {steal} |")
    if ratios:
        print(
            f"B / A server CPU per processed frame: {statistics.median(ratios):.2f} (pairs: "
            + ", ".join(f"{x:.2f}" for x in ratios)
            + ")"
        )


if __name__ == "__main__":
    sys.exit(main())
