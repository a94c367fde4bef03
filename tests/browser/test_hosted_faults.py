"""The hosted stack survives its parts (no browser needed): deploy/up restarts a killed coturn,
HAProxy or replica and says in its log what that meant for users; its children die with it even
on SIGKILL; the run directory, which holds the TURN secret, does not outlive it."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support import hosted

pytestmark = pytest.mark.browser  # starts Streamlit: runs with the slow tests


def _alive(pid: int) -> bool:
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait(what: str, condition, timeout: float) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"{what} not within {timeout:.0f} s"
        time.sleep(0.2)
    return time.monotonic() - started


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="module")
def tmpdir_of_stack(tmp_path_factory):
    return tmp_path_factory.mktemp("tmp")


@pytest.fixture(scope="module")
def stack(tmpdir_of_stack):
    stack = hosted.Stack(tmpdir_of_stack, replicas=1, env={"TMPDIR": str(tmpdir_of_stack)}, own_run_dir=True)
    yield stack.start()
    stack.stop()


def _pid(stack, part: str) -> int:
    stack.info = json.loads((stack.run_dir / "stack.json").read_text())
    return stack.info["replicas"][0]["pid"] if part == "replica1" else stack.info[part]["pid"]


@pytest.mark.parametrize(
    "part, words",
    [
        ("turn", "turnserver was killed (SIGKILL): the TURN relay is gone"),
        ("haproxy", "haproxy was killed (SIGKILL): nobody can open the page until it is back"),
        ("replica1", "replica1 was killed (SIGKILL): the people on this replica lost their session"),
    ],
)
def test_a_killed_part_is_started_again_and_named_in_the_log(stack, part, words):
    before = _pid(stack, part)
    os.kill(before, signal.SIGKILL)
    took = _wait(f"{part} restarted", lambda: _pid(stack, part) != before, 15)
    assert _alive(_pid(stack, part))
    # The whole path works again: HAProxy on its own port (taken back at once), the replica behind it.
    back = _wait("the page through HAProxy", lambda: _health(stack.info["url"]), 120)
    output = stack.read("deploy-up.out")
    assert words in output and "Starting it again in 1 s." in output
    print(f"\n{part}: restarted after {took:.1f} s, page answering {back:.1f} s later")


def test_children_die_with_deploy_up_even_on_sigkill_and_no_secret_is_left(stack, tmpdir_of_stack):
    pids = [_pid(stack, part) for part in ("turn", "haproxy", "replica1")]
    haproxy_workers = [
        int(p.name) for p in pathlib.Path("/proc").iterdir() if p.name.isdigit() and _parent(int(p.name)) == pids[1]
    ]
    os.kill(stack.process.pid, signal.SIGKILL)
    took = _wait("every child gone", lambda: not any(_alive(p) for p in pids + haproxy_workers), 20)
    print(f"\nafter SIGKILL of deploy/up its children were gone within {took:.1f} s")
    assert stack.run_dir.exists()  # nothing ran to clean up: the next deploy/up does

    with socket.socket() as taken:  # a start that fails at once still clears what the dead run left
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = subprocess.run(
            [sys.executable, str(hosted.DEPLOY_UP), "--port", str(taken.getsockname()[1])],
            env=dict(os.environ, TMPDIR=str(tmpdir_of_stack)),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2 and "is not free" in result.stderr
    assert not list(tmpdir_of_stack.glob("posenet-stack-*")), "a run directory (with the TURN secret) was left"


def _parent(pid: int) -> int | None:
    try:
        return int(pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None
