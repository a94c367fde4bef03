"""Three multi-pose sessions at once, each with its own setting; the server gives it all back.

Each session is a separate browser context (a separate Streamlit session) streaming the
three-people sample photo, so no camera is involved. The server's resident memory is read
from /proc (VmRSS of the streamlit process and any children) before, during and after.
Two cores cannot process three 30 fps streams, so the live path must skip frames: memory
stays flat while streaming (studio/live/relay.py). When the tabs close, studio/live/session_watch.py
stops their streams (a few seconds of grace for a reconnecting browser) and hands the freed
heap back: the server must then go quiet and its memory must come back within 10% of before.
"""

from __future__ import annotations

import os
import statistics
import time
import urllib.request

import pytest

from tests.browser.test_live_demo import describe, longest_stall, share
from tests.support.demo_page import processed_rate
from tests.support.proc_metrics import cpu_share, descendants, python_thread_names, thread_names, threads, tree_rss_mb

pytestmark = pytest.mark.browser

SAMPLE = "Sample photo: three people"
SETTINGS = (1, 2, 5)  # "Max pose detections", one per session
RUN_S = 60
EVERY_S = 2.0
MAX_STALL_S = 5.0
RSS_WAIT_S = 45  # the watch's grace (5 s) + stopping and freeing, with room for a busy machine
# What the allocator may keep after three streams stop: 43-71 MB measured (e.g. 315 -> 386 MB,
# from a peak of ~800 MB). A relative bound stopped fitting once the idle server shrank from
# ~890 MB (TensorFlow) to ~300 MB (LiteRT); a stream left running holds hundreds of MB.
RSS_ALLOWANCE_MB = 100
# Each stream runs a PoseNet worker thread ("async_media_processor_N"), which streamlit-webrtc
# never stopped (three sessions left 14 threads); studio/live/relay.py stops it: none may be left.
WORKER_THREAD = "async_media_processor"
# Other threads may stay: pools that grew with three streams and keep idle threads (asyncio's
# executor, up to cores + 4, where the encoders run; AnyIO's, for 10 s). Seen: 1 to 3 more.
THREAD_ALLOWANCE = 6
GROWTH_TOLERANCE = 0.15  # while streaming; measured flat within ~5%
QUIET_CPU = 0.10  # of one core: what an idle Streamlit server uses, with room; one stream uses ~0.5


@pytest.mark.timeout(420)
def test_three_sessions_keep_their_own_settings_and_are_released_when_closed(open_demo, app_server):
    started = time.monotonic()
    pid = app_server.process.pid

    # 1. The server is up.
    with urllib.request.urlopen(f"{app_server.url}/_stcore/health", timeout=5) as response:
        assert response.read().strip() == b"ok"

    # 2. Warm-up: one session runs, so per-size interpreters and first-use allocations exist.
    warm = open_demo("Multi pose")
    warm.choose_source(SAMPLE)
    warm.start(timeout=40)
    warm.wait_for_frames(1, timeout=30)
    time.sleep(5)
    warm.stop_button.click()
    warm.start_button.wait_for(state="visible", timeout=20_000)
    warm.context.close()
    time.sleep(15)  # the stopped stream's memory is handed back over a few seconds
    before = tree_rss_mb(pid)
    threads_before = threads(pid)
    print(f"threads before: {thread_names(pid)}")
    print(f"\nserver pid {pid} (children: {descendants(pid)}): RSS before {before:.0f} MB, {threads_before} threads")

    # 3. Three sessions, each with its own "Max pose detections".
    demos = {}
    for setting in SETTINGS:
        demo = open_demo("Multi pose")
        demo.choose_source(SAMPLE)
        if setting != demo.slider_value("Max pose detections"):
            demo.set_slider("Max pose detections", setting)
        demos[setting] = demo
    for setting, demo in demos.items():
        assert demo.slider_value("Max pose detections") == setting, "one session's slider moved another's"
    for demo in demos.values():  # one after the other: two connections set up at once on 2 busy cores are slow
        demo.start(timeout=40)
        demo.wait_for_frames(1, timeout=30)
    threads_peak = threads(pid)
    during: list[float] = []  # server RSS at each reading

    readings: dict[int, list] = {setting: [] for setting in SETTINGS}
    end = time.monotonic() + RUN_S
    while time.monotonic() < end:
        for setting, demo in demos.items():
            readings[setting].append(demo.read())
        during.append(tree_rss_mb(pid))
        threads_peak = max(threads_peak, threads(pid))
        time.sleep(EVERY_S)

    peak = max(during)
    third = len(during) // 3
    early, late = statistics.median(during[:third]), statistics.median(during[-third:])
    print(
        f"three sessions for {RUN_S} s: server RSS {early:.0f} MB in the first {RUN_S // 3} s, "
        f"{late:.0f} MB in the last {RUN_S // 3} s"
    )
    for setting, samples in readings.items():
        frames = [s.frames_processed for s in samples]
        print(
            f"  max {setting}: distinct processed fps {processed_rate(samples):.1f}; longest stall "
            f"{longest_stall(samples):.1f} s; Poses {[s.poses for s in samples]}; "
            f"Frames processed {frames[0]} -> {frames[-1]}"
        )
    for setting, samples in readings.items():
        counted = [s.frames_processed for s in samples if s.frames_processed is not None]
        assert len(counted) >= 2 and counted[-1] > counted[0], (
            f"max {setting}: no frames processed: {describe(samples)}"
        )
        stall = longest_stall(samples)
        assert stall <= MAX_STALL_S, (
            f"max {setting}: {stall:.1f} s without a newly processed frame (machine load average "
            f"{os.getloadavg()[0]:.1f}; a stall of all three at once has been another job's load): {describe(samples)}"
        )
        if setting >= 3:  # the photo has 3 people
            right = share(samples, lambda s: s.poses is not None and s.poses >= 3)
        else:
            right = share(samples, lambda s, n=setting: s.poses == n)
        assert right >= 0.8, f"max {setting}: Poses right in only {right:.0%} of readings: {describe(samples)}"
    # The server cannot process 3 x 30 fps here, so frames must be skipped, not queued:
    # queued, memory grew ~20 MB/s (1.5 -> 2.5 GB in this minute) and latency with it.
    assert late <= early * (1 + GROWTH_TOLERANCE), f"server memory grows while streaming: {[round(r) for r in during]}"

    # 4. Close the tabs: the streams stop, the server goes quiet, its memory comes back.
    for demo in demos.values():
        demo.context.close()
    closed = time.monotonic()
    trace = []
    while time.monotonic() - closed < RSS_WAIT_S:
        trace.append(round(tree_rss_mb(pid)))
        if trace[-1] <= before + RSS_ALLOWANCE_MB and len(trace) >= 15:  # idle pool threads end after ~10 s
            break
        time.sleep(1.0)
    after = tree_rss_mb(pid)
    waited = time.monotonic() - closed
    quiet = cpu_share(pid, 5.0)
    print(
        f"RSS: before {before:.0f} MB, peak during {peak:.0f} MB, after {after:.0f} MB "
        f"({(after - before) / before:+.1%}, {waited:.0f} s after closing; once a second: {trace}); "
        f"threads before {threads_before}, peak {threads_peak}, after {threads(pid)} {thread_names(pid)}; "
        f"server CPU after {quiet:.2f} cores"
    )
    print(f"total {time.monotonic() - started:.0f} s")
    assert quiet <= QUIET_CPU, f"the server still works for closed tabs: {quiet:.2f} cores busy"
    named = sorted(python_thread_names(pid).values())
    assert not [name for name in named if name.startswith(WORKER_THREAD)], f"PoseNet workers left running: {named}"
    assert threads(pid) <= threads_before + THREAD_ALLOWANCE, (
        f"threads left behind: {threads_before} before, {threads(pid)} after the tabs closed {named}"
    )
    assert after <= before + RSS_ALLOWANCE_MB, (
        f"memory not given back: {before:.0f} MB before, {after:.0f} MB {waited:.0f} s after the tabs closed"
    )
