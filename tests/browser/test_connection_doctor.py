"""The connection doctor on a real network: "Check my connection" in a student's browser behind a school
firewall, with the class's real HAProxy, coturn and replicas (hosts are network namespaces, see netns.py).

The edge runs ``deploy/up edge`` over HTTPS (a test CA the student's Chromium trusts) with TURN over TLS
on port 443; hostA runs ``deploy/up replica`` (its pages give the browser the TURN servers); hostB runs
the app without any TURN settings, as a host set up without them would. The student's firewall lets only
TCP 443 to the edge out: no UDP at all. A student reaches either host through the edge (HAProxy's
replica cookie). Screenshots go to tests/artifacts/doctor-*.png.
"""

from __future__ import annotations

import time

import pytest

from tests.support import class_network, hosted
from tests.support.app_server import AppServer
from tests.support.chromium import warm_up
from tests.support.netns import ADDRESSES, in_namespace
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser

HOST_A, HOST_B = f"{ADDRESSES['hostA']}-1", f"{ADDRESSES['hostB']}-1"  # the replicas' names (and cookies)
FIRST_PORT = 8501  # the description's first replica port on every host


@pytest.fixture(scope="module")
def stack(school_network, tmp_path_factory):
    folder = tmp_path_factory.mktemp("doctor")
    files, config = class_network.new_class(folder, ["hostA", "hostB"])
    flags = ["--config", str(config)]
    no_turn = AppServer(  # first: the edge finds it answering its health checks
        folder / "hostB.log", port=FIRST_PORT, address=ADDRESSES["hostB"], prefix=in_namespace("hostB", [])
    )
    edge = hosted.Stack(folder / "edge", role="edge", extra=flags, prefix=in_namespace("edge", []))
    host_a = hosted.Stack(folder / "hostA", role="replica", extra=flags, prefix=in_namespace("hostA", []))
    started = []
    try:
        no_turn.start(timeout=120)
        for part in (edge, host_a):
            started.append(part.start())
        yield {"edge": edge, "hostA": host_a, "hostB": no_turn, "ca": files["ca"]}
    finally:
        for part in reversed(started):
            part.stop()
        no_turn.stop()


@pytest.fixture(scope="module")
def student(stack, camera_y4m, playwright_driver, tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    home = class_network.browser_home_trusting(stack["ca"], folder / "home")
    browser = class_network.student_chromium(playwright_driver, camera_y4m.resolve(), home, folder)
    pages = warm_up(browser, stack["edge"].info["url"], timeout=180)
    yield browser, pages
    browser.close()


@pytest.fixture
def sessions():
    opened = []
    yield opened
    for session in opened:
        session.context.close()


def _student_on(replica: str, stack, student, sessions) -> hosted.Session:
    """A new student session on the multi-pose page, sent by the edge to ``replica`` (its cookie)."""
    browser, pages = student
    session = class_network.student_session(browser, stack["edge"], pages["Multi pose"], replica)
    sessions.append(session)
    session.demo.open(timeout=180)
    assert session.replica() == replica
    return session


def _last_report(page) -> dict:
    """The connection check's last report, as the page's script sent it to Python."""
    return page.evaluate("() => Object.values(window.__posenetConnectionChecks).pop().running")


def _alerts(page, kind: str) -> list[str]:
    return page.get_by_test_id(f"stAlertContent{kind}").all_inner_texts()


def _told(session, kind: str, words: str, since: float, name: str, timeout_s: float = 30):
    """Until the page shows a ``kind`` notice ("Success", "Error") with ``words``: (the notice, its text),
    printed with the seconds since ``since``; the page's screenshot in ``ARTIFACTS/<name>.png``."""
    said = session.demo.page.get_by_test_id(f"stAlertContent{kind}").filter(has_text=words)
    said.wait_for(timeout=timeout_s * 1000)
    text = said.inner_text()
    print(f"\n{time.monotonic() - since:.1f} s later the page said: {text}")
    session.demo.screenshot(ARTIFACTS / f"{name}.png")
    return said, text


def test_behind_a_school_firewall_the_check_says_the_relay_over_tls_works(stack, student, sessions):
    first = _student_on(HOST_A, stack, student, sessions)
    first.demo.start(timeout=60)
    first.demo.wait_for_frames(1, timeout=40)
    class_network.relayed_over_tls(first)  # what the check should find: the only way out is TLS on 443

    page = first.demo.page
    page.get_by_text("Camera or connection not working?").click()  # the help under the video, folded
    page.get_by_role("button", name="Check my connection").click()
    _, text = _told(first, "Success", "relay over TLS", time.monotonic(), "doctor-relay-over-tls")
    assert "Connected through the relay over TLS (port 443)" in text
    assert not _alerts(page, "Warning") and not _alerts(page, "Error"), "nothing alarming when TLS works"
    assert first.demo.is_streaming()
    print(f"what the browser found: {_last_report(page)}")


def test_without_turn_and_with_udp_blocked_the_page_names_the_cause(stack, student, sessions):
    second = _student_on(HOST_B, stack, student, sessions)
    page = second.demo.page
    second.demo.start_button.click()
    clicked = time.monotonic()
    # The stream cannot connect: after 8 s the page checks by itself and says why, above the video.
    said, text = _told(second, "Error", "cannot find a way", clicked, "doctor-no-turn", timeout_s=40)
    assert "blocks direct connections" in text and "no video relay (TURN server)" in text
    assert "tell your teacher" in text
    deadline = time.monotonic() + 10  # the host's log has the technical why
    while "NoTurnNoPath" not in stack["hostB"].log_text():
        assert time.monotonic() < deadline, stack["hostB"].log_tail(30)
        time.sleep(0.3)
    assert "no TURN server configured" in stack["hostB"].log_text()
    print(f"what the browser found: {_last_report(page)}")
    # The player gives up after a while and shows START again: the cause stays on the page.
    second.demo.start_button.wait_for(state="visible", timeout=60_000)
    print(f"the player gave up {time.monotonic() - clicked:.0f} s after START; the cause stays")
    assert said.is_visible()
    second.demo.screenshot(ARTIFACTS / "doctor-no-turn-gave-up.png")
