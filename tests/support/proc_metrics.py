"""The app server's process read from /proc: memory, threads, CPU."""

from __future__ import annotations

import contextlib
import os
import pathlib
import re
import subprocess
import time


def _status_field(pid: int, field: str) -> int:
    """An integer field of /proc/PID/status (VmRSS in kB, Threads, ...); 0 if the process is gone."""
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
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
    return sum(_status_field(p, "VmRSS") for p in [pid, *descendants(pid)]) / 1024


def threads(pid: int) -> int:
    return _status_field(pid, "Threads")


def thread_names(pid: int) -> dict[str, int]:
    """How many of the process's threads carry each name (/proc/PID/task/*/comm): what stayed behind."""
    names: dict[str, int] = {}
    for comm in pathlib.Path(f"/proc/{pid}/task").glob("*/comm"):
        with contextlib.suppress(OSError):
            name = comm.read_text().strip()
            names[name] = names.get(name, 0) + 1
    return dict(sorted(names.items()))


def python_thread_names(pid: int) -> dict[int, str]:
    """{tid: Python thread name} from ``py-spy dump`` (before 3.14 the OS knows them all as "python")."""
    dump = subprocess.run(["py-spy", "dump", "--pid", str(pid)], capture_output=True, text=True, check=False)
    if dump.returncode != 0:
        raise RuntimeError(f"py-spy dump --pid {pid} failed: {dump.stderr.strip()}")
    return {int(m.group(1)): m.group(2) for m in re.finditer(r'^Thread (\d+) \(.*?\): "(.*)"', dump.stdout, re.M)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds_of(pids) -> float:
    """User + system CPU time of several processes so far; one that has ended counts nothing."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):  # a renderer that just went away
            total += cpu_seconds(pid)
    return total


def other_descendants(*pids: int) -> list[int]:
    """This process's descendants outside the trees of ``pids``: beside the app (or the hosted
    stack's parts, one tree each), Playwright's driver and Chromium."""
    outside = set(pids).union(*(descendants(pid) for pid in pids))
    return [child for child in descendants(os.getpid()) if child not in outside]


def host_cpu_jiffies() -> tuple[int, int, int]:
    """The machine's CPU time so far from /proc/stat, in jiffies: (all, idle + iowait, steal)."""
    fields = [int(x) for x in pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]), fields[3] + fields[4], fields[7]


def cpu_share(pid: int, seconds: float) -> float:
    """Cores' worth of CPU the process uses over the next ``seconds``."""
    start = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - start) / seconds


def wait_until_quiet(pid: int, timeout: float, cores: float = 0.1, window: float = 2.0) -> tuple[float, float]:
    """Until the server uses at most ``cores`` over ``window`` seconds (no stream runs any more).

    Returns (seconds until quiet, the last window's share); raises AssertionError after ``timeout``.
    """
    started = time.monotonic()
    while True:
        share = cpu_share(pid, window)
        waited = time.monotonic() - started
        if share <= cores:
            return waited, share
        if waited > timeout:
            raise AssertionError(f"the server still uses {share:.2f} cores {waited:.0f} s later")
