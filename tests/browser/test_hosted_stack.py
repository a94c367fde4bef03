"""The hosted stack end to end: deploy/up (coturn + HAProxy + 2 replicas), relay-only, real Chromium.

One ``deploy/up --replicas 2`` runs for the module with ``POSENET_ICE_TRANSPORT_POLICY=relay``,
on free ports, its configs and logs in a temporary run directory. Two browser sessions
stream the multi-pose page (the fake camera) through HAProxy; then credentials are checked
against coturn; then one replica is killed mid-stream. The tests run in file order and share
the two sessions (the last one kills a replica). Screenshots go to tests/artifacts/hosted-*.png.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from studio.hosting import ice
from tests.support import hosted
from tests.support.app_server import free_port
from tests.support.chromium import launch_chromium, new_context, warm_up
from tests.support.demo_page import STREAMER_IFRAME, DemoPage, processed_rate
from tests.support.paths import ARTIFACTS, REPO_ROOT

pytestmark = pytest.mark.browser

MIN_FPS = 10.0  # per session, relayed, two sessions on a shared 2-core machine; the benchmark measures more
LOST_MESSAGE = "The connection to the server was lost"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("stack")
    stack = hosted.Stack(run_dir, env={"POSENET_ICE_TRANSPORT_POLICY": "relay"}).start()
    print(f"\ndeploy/up: {stack.info['url']} (run dir {run_dir})")
    yield stack
    pids = [stack.info["turn"]["pid"], stack.info["haproxy"]["pid"], *(r["pid"] for r in stack.info["replicas"])]
    assert stack.stop() == 0, stack.read("deploy-up.out")
    alive = [pid for pid in pids if pathlib.Path(f"/proc/{pid}").exists() and "Z" not in _proc_state(pid)]
    assert not alive, f"deploy/up left processes running after SIGTERM: {alive}"


def _proc_state(pid: int) -> str:
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


@pytest.fixture(scope="module")
def chromium(camera_y4m, stack, playwright_driver):
    browser = launch_chromium(playwright_driver, camera_y4m)
    pages = warm_up(browser, stack.info["url"])
    yield browser, pages
    browser.close()


@pytest.fixture(scope="module")
def sessions(chromium, stack):
    browser, pages = chromium
    opened = [hosted.Session(browser, stack, pages["Multi pose"]) for _ in range(2)]
    for session in opened:
        session.demo.open()
    for session in opened:  # one after the other: two set-ups at once on 2 busy cores are slow
        session.demo.start(timeout=60)
        session.demo.wait_for_frames(1, timeout=40)
    yield opened
    for session in opened:
        session.context.close()


def test_two_relayed_sessions_spread_over_the_replicas_and_keep_theirs(sessions, stack):
    readings = {n: [] for n in range(len(sessions))}
    for _ in range(10):
        for n, session in enumerate(sessions):
            readings[n].append(session.demo.read())
        time.sleep(1.0)
    rates = [processed_rate(readings[n]) for n in readings]
    replicas = [s.replica() for s in sessions]
    for n, session in enumerate(sessions):
        session.demo.screenshot(ARTIFACTS / f"hosted-session{n}.png")
    print(f"\nprocessed fps {[f'{r:.1f}' for r in rates]} on {replicas}")

    assert sorted(replicas) == ["replica1", "replica2"], f"both sessions on one replica: {replicas}"
    for session, replica in zip(sessions, replicas):
        assert len(session.answered_by) >= 3 and set(session.answered_by) == {replica}, (
            f"a session with cookie {replica} was answered by {set(session.answered_by)}"
        )
    for n, rate in enumerate(rates):
        assert rate >= MIN_FPS, f"session {n}: {rate:.1f} distinct processed fps over relay (want >= {MIN_FPS})"

    turn_users = []
    for session in sessions:
        pc = session.connection()
        assert pc["state"] == "connected" and pc["policy"] == "relay"
        assert pc["local"]["candidateType"] == "relay", f"browser side not relayed: {pc['local']}"
        assert pc["remote"]["candidateType"] == "relay", f"server side (aiortc) not relayed: {pc['remote']}"
        (server,) = pc["iceServers"]
        assert server["urls"] == [stack.info["turn"]["url"]]
        expiry, _ = server["username"].split(":")
        assert 0 < int(expiry) - time.time() <= ice.DEFAULT_TURN_TTL_S
        assert stack.turn_secret() not in json.dumps(pc)
        turn_users.append(server["username"])
    assert turn_users[0] != turn_users[1], "two sessions share one TURN username"
    coturn_log = stack.read("turnserver.log")
    for user in turn_users:
        assert re.search(rf"user <{re.escape(user)}>: incoming packet ALLOCATE processed, success", coturn_log), (
            f"no allocation for {user} in coturn's log"
        )


def _allocate(turn_url: str, username: str, password: str) -> str:
    """Ask coturn for an allocation with these credentials: "allocated" or the error it gave.

    Runs aioice in a thread of its own: Playwright's sync API keeps an event loop in this one.
    """
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _allocate_async(turn_url, username, password)).result(timeout=30)


async def _allocate_async(turn_url: str, username: str, password: str) -> str:
    import aioice.turn

    host, port = re.match(r"turn:([^:?]+):(\d+)", turn_url).groups()
    try:
        transport, _ = await aioice.turn.create_turn_endpoint(
            asyncio.DatagramProtocol, server_addr=(host, int(port)), username=username, password=password
        )
    except Exception as error:  # aioice.stun.TransactionFailed carries coturn's error code
        return f"refused: {error}"
    transport.close()
    return "allocated"


def test_expired_or_wrongly_signed_credentials_are_refused_and_the_page_says_so(chromium, stack, tmp_path):
    turn_url, secret = stack.info["turn"]["url"], stack.turn_secret()
    good = ice.turn_credentials(secret, 600)
    expired = ice.turn_credentials(secret, 600, now=time.time() - 1200)
    wrong = ice.turn_credentials("not-the-secret", 600)
    assert _allocate(turn_url, good["username"], good["credential"]) == "allocated"
    for bad in (expired, wrong):
        assert "401" in _allocate(turn_url, bad["username"], bad["credential"])

    # A replica handing out expired credentials (as if its clock were off), relay-only: the page says why.
    servers = [{"urls": [turn_url], "username": expired["username"], "credential": expired["credential"]}]
    env = {"POSENET_ICE_SERVERS": json.dumps(servers), "POSENET_ICE_TRANSPORT_POLICY": "relay"}
    server = _StaleReplica(tmp_path / "stale.log", env)
    try:
        server.start()
        browser, pages = chromium
        context = new_context(browser)
        demo = DemoPage(context, server.url, pages["Multi pose"]).open(timeout=120)
        demo.start_button.click()
        clicked = time.monotonic()
        warning = demo.page.get_by_test_id("stAlertContentWarning").filter(has_text="cannot reach the server")
        warning.wait_for(timeout=30_000)
        seconds = time.monotonic() - clicked
        # The connection doctor, checking from the browser by itself, names the cause above the video.
        cause = demo.page.get_by_test_id("stAlertContentError").filter(has_text="refused this page's pass")
        cause.wait_for(timeout=20_000)
        demo.screenshot(ARTIFACTS / "hosted-turn-refused.png")
        text = warning.inner_text()
        print(f"\nthe page said so {seconds:.1f} s after START: {text[:160]}...")
        assert "TURN" not in text and "secret" not in text  # plain words for a student
        assert seconds < 20
        deadline = time.monotonic() + 10  # the host's log has the technical why
        while "refused the credentials" not in server.log_path.read_text(errors="replace"):
            assert time.monotonic() < deadline, server.log_path.read_text()[-2000:]
            time.sleep(0.3)
        assert "relayed connections only" in server.log_path.read_text(errors="replace")
        assert "TurnRefused" in server.log_path.read_text(errors="replace")  # the doctor's, with its facts
        context.close()
    finally:
        server.stop()
    assert expired["username"] in stack.read("turnserver.log")


class _StaleReplica:
    """One more replica, outside HAProxy, with its own ICE environment (expired credentials)."""

    def __init__(self, log_path: pathlib.Path, env: dict):
        self.log_path, self.env = log_path, dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **env)
        self.url = f"http://127.0.0.1:{free_port()}"
        self.process = None

    def start(self, timeout: float = 120.0) -> None:
        command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true"]
        command += ["--server.address", "127.0.0.1", "--server.port", self.url.rsplit(":", 1)[1]]
        command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"streamlit did not start:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


def test_a_killed_replica_leaves_the_others_streaming_and_its_users_told(sessions, stack, chromium):
    victim, survivor = sessions
    dead = victim.replica()
    live = survivor.replica()
    before = survivor.demo.read().frames_processed
    os.kill(stack.replica(dead)["pid"], signal.SIGKILL)
    killed = time.monotonic()

    # HAProxy marks it down within seconds.
    deadline = time.monotonic() + 10
    while f"Server replicas/{dead} is DOWN" not in stack.read("haproxy.log"):
        assert time.monotonic() < deadline, f"HAProxy did not mark {dead} down:\n{stack.read('haproxy.log')[-2000:]}"
        time.sleep(0.2)
    down_after = time.monotonic() - killed

    # Its user is told, in the video area, within seconds.
    frame = victim.demo.page.frame_locator(STREAMER_IFRAME)
    frame.get_by_role("alert").filter(has_text=LOST_MESSAGE).wait_for(timeout=15_000)
    told_after = time.monotonic() - killed
    victim.demo.screenshot(ARTIFACTS / "hosted-replica-lost.png")

    # The other session kept streaming, on its replica.
    time.sleep(3)
    after = survivor.demo.read().frames_processed
    assert after - before >= 3 * MIN_FPS, f"the surviving session went from {before} to {after} frames"
    assert survivor.replica() == live and survivor.demo.is_streaming()

    # A new session lands on a live replica; so does the told user after a reload, and streams.
    # deploy/up restarts the killed replica within a few seconds (issue 20), so that one counts as
    # live again once HAProxy sees it up: the reload may land there.
    browser, pages = chromium
    newcomer = hosted.Session(browser, stack, pages["Multi pose"])
    newcomer.demo.open()
    assert newcomer.replica() in (live, dead)
    victim.demo.page.reload()
    victim.demo.open()
    assert victim.replica() in (live, dead)
    assert not frame.get_by_role("alert").count()
    victim.demo.start(timeout=60)
    victim.demo.wait_for_frames(1, timeout=40)
    newcomer.context.close()
    print(f"\n{dead} killed: its user told after {told_after:.1f} s, HAProxy marked it down after {down_after:.1f} s")
    assert told_after < 10


def test_deploy_up_refuses_a_port_in_use_with_a_clear_message(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, str(hosted.DEPLOY_UP), "--port", str(port), "--run-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"HAProxy (--port): TCP port 127.0.0.1:{port} is not free" in result.stderr
    assert time.monotonic() - started < 10 and not (tmp_path / "stack.json").exists()
