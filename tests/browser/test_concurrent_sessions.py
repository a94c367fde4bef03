"""Three multi-pose sessions at once, each with its own setting; the server's memory afterwards.

Each session is a separate browser context (a separate Streamlit session) streaming the
three-people sample photo, so no camera is involved. The server's resident memory is read
from /proc (VmRSS of the streamlit process and any children) before, during and after, and
printed: memory is NOT yet given back within 10% when the tabs close (measured +50-68%
after 45-130 s, with ~4 threads a session left over); that part of the hosting issue is
open, so it is reported here rather than asserted.
"""

from __future__ import annotations

import pathlib
import time
import urllib.request

import pytest

from harness import processed_rate
from test_live_demo import describe, longest_stall, share

pytestmark = pytest.mark.browser

SAMPLE = "Sample photo: three people"
SETTINGS = (1, 2, 5)  # "Max pose detections", one per session
RUN_S = 60
EVERY_S = 2.0
MAX_STALL_S = 5.0
RSS_WAIT_S = 10


def _status_field(pid: int, field: str) -> int:
    """An integer field of /proc/PID/status (VmRSS in kB, Threads, ...); 0 if the process is gone."""
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            ppid = int(text.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, MB."""
    return sum(_status_field(p, "VmRSS") for p in [pid, *_descendants(pid)]) / 1024


def threads(pid: int) -> int:
    return _status_field(pid, "Threads")


@pytest.mark.timeout(420)
def test_three_sessions_at_once_each_keep_their_own_settings(open_demo, app_server):
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
    time.sleep(5)
    before = tree_rss_mb(pid)
    threads_before = threads(pid)
    print(f"\nserver pid {pid} (children: {_descendants(pid)}): RSS before {before:.0f} MB, {threads_before} threads")

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
    peak = tree_rss_mb(pid)
    threads_peak = threads(pid)

    readings: dict[int, list] = {setting: [] for setting in SETTINGS}
    end = time.monotonic() + RUN_S
    while time.monotonic() < end:
        for setting, demo in demos.items():
            readings[setting].append(demo.read())
        peak = max(peak, tree_rss_mb(pid))
        threads_peak = max(threads_peak, threads(pid))
        time.sleep(EVERY_S)

    print(f"three sessions for {RUN_S} s:")
    for setting, samples in readings.items():
        frames = [s.frames_processed for s in samples]
        print(f"  max {setting}: distinct processed fps {processed_rate(samples):.1f}; longest stall "
              f"{longest_stall(samples):.1f} s; Poses {[s.poses for s in samples]}; "
              f"Frames processed {frames[0]} -> {frames[-1]}")  # fmt: skip
    for setting, samples in readings.items():
        counted = [s.frames_processed for s in samples if s.frames_processed is not None]
        assert len(counted) >= 2 and counted[-1] > counted[0], f"max {setting}: no frames processed: {describe(samples)}"
        stall = longest_stall(samples)
        assert stall <= MAX_STALL_S, f"max {setting}: {stall:.1f} s without a newly processed frame: {describe(samples)}"
        if setting >= 3:  # the photo has 3 people
            right = share(samples, lambda s: s.poses is not None and s.poses >= 3)
        else:
            right = share(samples, lambda s, n=setting: s.poses == n)
        assert right >= 0.8, f"max {setting}: Poses right in only {right:.0%} of readings: {describe(samples)}"

    # 4. Close the tabs and report what the server gives back (see the module's docstring).
    for demo in demos.values():
        demo.context.close()
    closed = time.monotonic()
    trace = []
    while time.monotonic() - closed < RSS_WAIT_S:
        trace.append(round(tree_rss_mb(pid)))
        time.sleep(1.0)
    after = tree_rss_mb(pid)
    waited = time.monotonic() - closed
    print(f"RSS: before {before:.0f} MB, peak during {peak:.0f} MB, after {after:.0f} MB "
          f"({(after - before) / before:+.1%}, {waited:.0f} s after closing; once a second: {trace}); "
          f"threads before {threads_before}, peak {threads_peak}, after {threads(pid)}")  # fmt: skip
    print(f"total {time.monotonic() - started:.0f} s")
