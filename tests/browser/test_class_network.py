"""A class on a real network: HTTPS at the front door, TURN over TLS on port 443 through a school
firewall, replicas on two machines (real HAProxy, coturn, Chromium; hosts are network namespaces
made by the test, see netns.py).

``deploy/up edge --config class.toml`` runs in the edge namespace with a certificate from a test CA;
``deploy/up replica --config class.toml`` on hostA (hostB joins later); the student's namespace lets
only TCP 443 to the edge out (no UDP at all). The tests run in file order and share the sessions:
a student streams on hostA; hostB is added to the description while that stream runs; a second
student lands on hostB; the edge's certificate is renewed while both stream; hostA's cable is
pulled. Screenshots go to tests/artifacts/class-*.png.
"""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.support import class_network, hosted
from tests.support.chromium import warm_up
from tests.support.demo_page import STREAMER_IFRAME
from tests.support.netns import ADDRESSES, in_namespace
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser

LOST_MESSAGE = "The connection to the server was lost"
HOST_A, HOST_B = f"{ADDRESSES['hostA']}-1", f"{ADDRESSES['hostB']}-1"  # the replicas' names (and cookies)


@pytest.fixture(scope="module")
def stack(school_network, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    files, config = class_network.new_class(folder, ["hostA"])
    flags = ["--config", str(config)]
    edge = hosted.Stack(folder / "edge", role="edge", extra=flags, prefix=in_namespace("edge", []))
    one_stream = {"POSENET_MAX_STREAMS": "1"}  # a streaming host is full: the agent sends newcomers elsewhere
    host_a, host_b = (
        hosted.Stack(folder / h, role="replica", env=one_stream, extra=flags, prefix=in_namespace(h, []))
        for h in ("hostA", "hostB")
    )
    started = []
    try:
        for part in (edge, host_a):
            started.append(part.start())
        yield {"edge": edge, "hostA": host_a, "hostB": host_b, "files": files, "config": config}
    finally:
        school_network.plug_all()  # so that stopping closes the connections to a cut host at once
        for part in reversed([*started, host_b] if host_b.process else started):
            part.stop()
    assert (folder / "secrets").stat().st_mode & 0o777 == 0o600


@pytest.fixture(scope="module")
def student(stack, camera_y4m, playwright_driver, tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    home = class_network.browser_home_trusting(stack["files"]["ca"], folder / "home")
    browser = class_network.student_chromium(playwright_driver, camera_y4m.resolve(), home, folder)
    pages = warm_up(browser, stack["edge"].info["url"])
    yield browser, pages
    browser.close()


@pytest.fixture(scope="module")
def sessions():
    opened = []
    yield opened
    for session in opened:
        session.context.close()


@pytest.fixture(scope="module")
def bystanders():
    opened = []
    yield opened
    for session in opened:
        session.context.close()


def _curl_status(url: str) -> str:
    resolve = f"{class_network.DOMAIN}:80:{ADDRESSES['edge']}"
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "--resolve", resolve, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout


def _frames(session) -> int:
    return session.demo.read().frames_processed or 0


def test_the_edge_prints_the_https_link_redirects_plain_http_and_gives_each_side_its_turn_urls(stack):
    edge = stack["edge"]
    assert edge.info["url"] == f"https://{class_network.DOMAIN}"
    assert f"People open: https://{class_network.DOMAIN}" in edge.read("deploy-up.out")
    url = f"http://{class_network.DOMAIN}/multi_pose?x=1"
    assert _curl_status(url) == f"301 https://{class_network.DOMAIN}/multi_pose?x=1"
    udp, tls = edge.info["turn"]["browser_urls"]
    assert udp == f"turn:{class_network.TURN_NAME}:3478?transport=udp"
    assert tls == f"turns:{class_network.TURN_NAME}:443?transport=tcp"
    assert edge.info["turn"]["server_urls"] == [f"turn:{ADDRESSES['edge']}:3478?transport=udp"]  # inside, first


def test_a_student_behind_a_firewall_streams_over_https_relayed_over_tls(stack, student, sessions):
    browser, pages = student
    first = hosted.Session(browser, stack["edge"], pages["Multi pose"])
    sessions.append(first)
    first.demo.open(timeout=90)
    took = first.demo.start(timeout=60)
    first.demo.wait_for_frames(1, timeout=40)
    class_network.relayed_over_tls(first)
    assert first.replica() == HOST_A
    print(f"\nSTART to video {took:.1f} s on {HOST_A}, relayed over TLS on 443")


def test_a_host_added_while_a_session_streams_takes_the_next_newcomer(stack, student, sessions, bystanders):
    (first,) = sessions
    before = _frames(first)
    class_network.describe(stack["config"], stack["files"]["cert"], stack["files"]["key"], ["hostA", "hostB"])
    stack["hostB"].start()  # the teacher lists the new host, then starts it there
    deadline = time.monotonic() + 30
    while "HAProxy reloaded" not in stack["edge"].read("deploy-up.out"):
        assert time.monotonic() < deadline, stack["edge"].read("deploy-up.out")
        time.sleep(0.3)
    # Its checks pass (a server new in a reload starts UP, unchecked: "is UP" is logged only if it was DOWN first).
    while stack["edge"].server_status(HOST_B) != ("UP", "L7OK"):
        assert time.monotonic() < deadline + 30, stack["edge"].server_status(HOST_B)
        time.sleep(0.3)
    assert _frames(first) > before and first.demo.is_streaming(), "the reload interrupted the stream"
    assert not first.demo.page.frame_locator(STREAMER_IFRAME).get_by_role("alert").count()

    browser, pages = student
    # A newcomer is placed by leastconn and the replicas' room; the new host takes one within a few.
    tries = []
    for _ in range(3):
        newcomer = hosted.Session(browser, stack["edge"], pages["Multi pose"])
        url = f"{stack['edge'].info['url']}{pages['Multi pose']}"
        newcomer.demo.page.goto(url, wait_until="domcontentloaded", timeout=180_000)  # a cold host is slow at first
        tries.append(newcomer.replica())
        if tries[-1] == HOST_B:
            break
        bystanders.append(newcomer)  # stays: its connection counts for leastconn
    assert tries[-1] == HOST_B, f"newcomers landed on {tries}"
    second = newcomer
    sessions.append(second)
    second.demo.page.set_default_timeout(180_000)  # hostB's first page loads the model there
    second.demo.open(timeout=240)
    print(
        f"\nnewcomers after {HOST_B} joined landed on {tries}; the first session still streaming: "
        f"{first.demo.is_streaming()}"
    )
    second.demo.start(timeout=60)
    second.demo.wait_for_frames(1, timeout=40)
    class_network.relayed_over_tls(second)
    for n, session in enumerate(sessions):
        session.demo.screenshot(ARTIFACTS / f"class-student{n}.png")


def test_a_renewed_certificate_is_served_while_both_students_keep_streaming(stack, sessions):
    names = (class_network.DOMAIN, class_network.TURN_NAME)
    before = {class_network.served_certificate(name).serial_number for name in names}
    frames = [_frames(session) for session in sessions]
    coturn, said = stack["edge"].read("turnserver.pid"), stack["edge"].read("deploy-up.out")
    in_use = f"certificate for {', '.join(names)} valid until "
    class_network.renew_edge_certificate(stack["files"])  # as the teacher's certbot or cron job would
    deadline = time.monotonic() + 20
    while stack["edge"].read("deploy-up.out").count(in_use) <= said.count(in_use):
        assert time.monotonic() < deadline, stack["edge"].read("deploy-up.out")
        time.sleep(0.3)
    time.sleep(1)  # HAProxy's new worker and coturn take it up
    after = {class_network.served_certificate(name).serial_number for name in names}
    assert len(after) == 1 and after != before, f"served serials {after}, before {before}"
    assert stack["edge"].read("turnserver.pid") == coturn, "coturn was restarted, dropping its relays"
    time.sleep(2)
    for session, earlier in zip(sessions, frames):
        assert _frames(session) > earlier and session.demo.is_streaming(), "a student's stream stopped"
        class_network.relayed_over_tls(session)  # the same relayed connection, still up
    print(f"\ncertificate renewed to serial {after.pop():x}; both students kept streaming")


def test_a_host_cut_mid_stream_its_user_is_told_and_a_reload_lands_on_the_other(school_network, stack, sessions):
    first, second = sessions
    school_network.link("hostA", up=False)
    cut = time.monotonic()
    frame = first.demo.page.frame_locator(STREAMER_IFRAME)
    frame.get_by_role("alert").filter(has_text=LOST_MESSAGE).wait_for(timeout=20_000)
    told = time.monotonic() - cut
    first.demo.screenshot(ARTIFACTS / "class-host-cut.png")

    before = _frames(second)
    time.sleep(3)
    assert _frames(second) > before and second.demo.is_streaming(), "the session on hostB stopped"

    deadline = time.monotonic() + 20
    while f"{HOST_A} is DOWN" not in stack["edge"].read("haproxy.log"):
        assert time.monotonic() < deadline, "HAProxy did not mark the cut host down"
        time.sleep(0.3)
    first.demo.page.reload(wait_until="domcontentloaded", timeout=180_000)
    # hostB admits one stream (POSENET_MAX_STREAMS=1) and streams the second student's: the app's own
    # "full" notice, from hostB, is the answer (not an HAProxy error page).
    first.demo.page.get_by_text("live demo is full").wait_for(timeout=180_000)
    assert first.replica() == HOST_B
    print(f"\nhostA cut: its user told after {told:.1f} s; the reload landed on {HOST_B}")
    assert told < 15
