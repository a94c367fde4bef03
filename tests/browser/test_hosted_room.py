"""The hosted stack sends new users where there is room: HAProxy's agent check, end to end.

``deploy/up --replicas 2`` with ``POSENET_MAX_STREAMS=1``, real Chromium with the fake camera.
One session streams on replica A (full now); two idle sessions are held on replica B (by its
cookie, checked by the replica header), so B has more connections and plain ``leastconn``
would send the next browser to A, where it would read "the demo is full". With the agent,
A weighs 1% and B 100%: the newcomer lands on B and streams. Then both replicas are full, and
one more newcomer still reaches the app and reads its "full" message, not an HAProxy 503.
"""

from __future__ import annotations

import re
import socket
import time

import pytest

from tests.support import hosted
from tests.support.chromium import launch_chromium, new_context, warm_up
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser

FULL = re.compile(r"live demo is full", re.I)


def _agent_says(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        return connection.makefile("r").read().strip()


def _wait_for_agent(port: int, answer: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    said = None
    while time.monotonic() < deadline:
        try:
            said = _agent_says(port)
        except OSError as error:
            said = f"no answer ({error})"
        if said == answer:
            return
        time.sleep(0.2)
    raise AssertionError(f"the agent on port {port} says {said!r}, expected {answer!r}")


def _pinned_session(browser, stack: hosted.Stack, path: str, replica: str) -> hosted.Session:
    """A session that HAProxy keeps on ``replica``: its persistence cookie set before the first request."""
    session = hosted.Session(browser, stack, path)
    session.context.add_cookies([{"name": stack.info["cookie"], "value": replica, "url": stack.info["url"]}])
    return session


@pytest.mark.timeout(240)
def test_a_new_session_goes_to_the_replica_with_room_and_when_all_are_full_the_app_says_so(
    camera_y4m, tmp_path, playwright_driver
):
    stack = hosted.Stack(tmp_path / "stack", replicas=2, env={"POSENET_MAX_STREAMS": "1"}).start()
    contexts = []
    try:
        browser = launch_chromium(playwright_driver, camera_y4m)
        # Each replica's first page loads PoseNet and starts its agent: do it for both, directly.
        for replica in stack.info["replicas"]:
            pages = warm_up(browser, f"http://127.0.0.1:{replica['port']}")
            _wait_for_agent(replica["agent_port"], "100%")
        multi = pages["Multi pose"]

        first = hosted.Session(browser, stack, multi)
        contexts.append(first.context)
        first.demo.open()
        first.demo.start(timeout=60)
        first.demo.wait_for_frames(1, timeout=40)
        full_one = first.replica()
        (other,) = [r["name"] for r in stack.info["replicas"] if r["name"] != full_one]
        _wait_for_agent(stack.replica(full_one)["agent_port"], "1%")

        idle = []
        for _ in range(2):  # open, no START: each holds a websocket to its replica
            session = _pinned_session(browser, stack, multi, other)
            contexts.append(session.context)
            session.demo.open()
            idle.append(session)
        for session in idle:
            assert set(session.answered_by) == {other}, f"an idle session was answered by {session.answered_by}"
        time.sleep(2.5)  # agent-inter 1s: HAProxy has read the full replica's 1% by now

        newcomer = hosted.Session(browser, stack, multi)
        contexts.append(newcomer.context)
        arrival = newcomer.demo.page.goto(f"{stack.info['url']}/{multi.lstrip('/')}", wait_until="commit")
        went_to = arrival.headers.get("x-posenet-replica")
        assert went_to == other, f"HAProxy sent the newcomer to {went_to}; {full_one} is full, {other} has room"
        newcomer.demo.open()  # again, now on its replica: START (a full replica would show its message)
        assert set(newcomer.answered_by) == {other}
        newcomer.demo.start(timeout=60)
        newcomer.demo.wait_for_frames(1, timeout=40)
        newcomer.demo.screenshot(ARTIFACTS / "hosted-room-newcomer.png")
        assert first.demo.is_streaming() and newcomer.demo.is_streaming()
        _wait_for_agent(stack.replica(other)["agent_port"], "1%")
        time.sleep(2.5)

        # Every replica full: the next user still reaches one and reads the app's own message.
        late = new_context(browser)
        contexts.append(late)
        page = late.new_page()
        response = page.goto(f"{stack.info['url']}/{multi.lstrip('/')}", wait_until="domcontentloaded")
        assert response.status == 200, f"HAProxy answered {response.status} with every replica full"
        page.get_by_test_id("stAlert").filter(has_text=FULL).first.wait_for(state="visible", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "hosted-room-all-full.png"), full_page=True)
        for context in contexts:
            context.close()
        browser.close()
    finally:
        assert stack.stop() == 0, stack.read("deploy-up.out")
