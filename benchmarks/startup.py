"""Cold start and memory: ``python benchmarks/startup.py [--root DIR] [--runs 5]``.

Prints, for the code in ``--root`` (default: this checkout; pass another checkout to compare):

* import + ``posenet_core.load()`` in a fresh process (median of ``--runs``), the first
  ``estimate_single_pose`` after it, the process's RSS, and whether TensorFlow got imported;
* the app's RSS once ``streamlit run streamlit_app.py`` answers, with no session;
* the time from ``streamlit run`` to the home page fully drawn in headless Chromium (its
  example picture, drawn with PoseNet, shown and the script run finished), and the app's RSS
  when that first visitor has left.

Not a test: numbers vary with the machine and its load. Run it under the shared lock
(``flock /tmp/posenet-heavy.lock python benchmarks/startup.py``); host steal time over the
run is printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # the repository: tests.support

from tests.support.app_server import AppServer  # noqa: E402
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.proc_metrics import host_cpu_jiffies, tree_rss_mb  # noqa: E402

# Run in a fresh interpreter inside the checkout under test.
LOAD_PROBE = """
import json, resource, sys, time
started = time.perf_counter()
import posenet_core
imported = time.perf_counter()
net = posenet_core.load()
loaded = time.perf_counter()
import cv2
image = cv2.cvtColor(cv2.imread("studio/samples/pose.jpg"), cv2.COLOR_BGR2RGB)
before_pose = time.perf_counter()
net.estimate_single_pose(image)
posed = time.perf_counter()
rss_kb = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmRSS:")))
print(json.dumps({
    "import_s": imported - started,
    "load_s": loaded - imported,
    "first_pose_s": posed - before_pose,
    "rss_mb": rss_kb / 1024,
    "tensorflow": "tensorflow" in sys.modules,
}))
"""


def rss_mb(pid: int) -> float:
    return tree_rss_mb(pid)  # the process and its children (it has none)


def measure_load(root: pathlib.Path, runs: int) -> None:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    samples = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", LOAD_PROBE], cwd=root, env=env, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        samples.append(json.loads(result.stdout.strip().splitlines()[-1]))

    def median(key):
        return statistics.median(s[key] for s in samples)

    imported, loaded = median("import_s"), median("load_s")
    print(
        f"import posenet_core + load(), fresh process (median of {runs}): "
        f"{imported + loaded:.2f} s (import {imported:.2f}, load {loaded:.2f}); "
        f"first estimate_single_pose {1e3 * median('first_pose_s'):.0f} ms; RSS {median('rss_mb'):.0f} MB; "
        f"tensorflow imported: {samples[0]['tensorflow']}",
        flush=True,
    )


def measure_idle_app(root: pathlib.Path, log_dir: pathlib.Path, settle_s: float) -> None:
    with AppServer(log_dir / "idle.log", cwd=root) as server:
        time.sleep(settle_s)
        print(
            f"app RSS, server up, no session ({settle_s:.0f} s after it answered): {rss_mb(server.process.pid):.0f} MB"
        )


def page_fully_drawn(page, timeout_ms: float) -> None:
    page.get_by_text("Start here", exact=True).wait_for(timeout=timeout_ms)
    page.get_by_test_id("stImage").first.wait_for(timeout=timeout_ms)  # PoseNet's example picture
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout_ms)


def measure_first_page(root: pathlib.Path, log_dir: pathlib.Path, runs: int, settle_s: float) -> None:
    from playwright.sync_api import sync_playwright

    first_page, after_visit = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for run in range(runs):
                context = browser.new_context()
                page = context.new_page()
                started = time.perf_counter()
                server = AppServer(log_dir / f"first_page_{run}.log", cwd=root)
                try:
                    server.start()
                    page.goto(server.url, wait_until="domcontentloaded")
                    page_fully_drawn(page, 120_000)
                    first_page.append(time.perf_counter() - started)
                    context.close()
                    time.sleep(settle_s)
                    after_visit.append(rss_mb(server.process.pid))
                finally:
                    server.stop()
        finally:
            browser.close()
    print(
        f"streamlit run -> home page fully drawn (median of {runs}): {statistics.median(first_page):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in first_page)})"
    )
    print(
        f"app RSS after that first visit, tab closed ({settle_s:.0f} s later): {statistics.median(after_visit):.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, default=REPO_ROOT, help="checkout to measure")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes for import + load()")
    parser.add_argument("--page-runs", type=int, default=3, help="server starts for the first-page time")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait before reading idle RSS")
    args = parser.parse_args()
    root = args.root.resolve()
    log_dir = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"startup-bench-{os.getpid()}"
    log_dir.mkdir(parents=True, exist_ok=True)

    print(f"code under test: {root}; {os.cpu_count()} cores; logs in {log_dir}", flush=True)
    total_before, _, steal_before = host_cpu_jiffies()
    measure_load(root, args.runs)
    measure_idle_app(root, log_dir, args.settle)
    measure_first_page(root, log_dir, args.page_runs, args.settle)
    total_after, _, steal_after = host_cpu_jiffies()
    steal = 100 * (steal_after - steal_before) / max(1, total_after - total_before)
    print(f"host steal time during the run: {steal:.1f}%")


if __name__ == "__main__":
    main()
