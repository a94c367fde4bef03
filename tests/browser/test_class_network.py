"""A class on a real network: HTTPS at the front door and TURN over TLS on port 443 through a school
firewall (real HAProxy, coturn, Chromium; hosts are network namespaces made by the test).

The edge namespace runs ``deploy/up --domain demo.class.test --tls-cert ... --tls-key ...`` with two
replicas; the student's namespace lets only TCP 443 to the edge out (no UDP at all). Screenshots
go to tests/artifacts/class-*.png.
"""

from __future__ import annotations

import subprocess
import time

import class_network
import hosted
import pytest
from chromium import warm_up
from demo_page import processed_rate
from netns import ADDRESSES, Network, in_namespace
from paths import ARTIFACTS

pytestmark = pytest.mark.browser

MIN_FPS = 2.0  # frames keep coming; speed is for the benchmark (this machine is shared)


@pytest.fixture(scope="module")
def network():
    with Network(("edge", "student")) as net:
        net.student_firewall()
        yield net


@pytest.fixture(scope="module")
def edge(network, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    files = class_network.make_test_ca(folder / "ca")
    flags = ["--bind", ADDRESSES["edge"], "--domain", class_network.DOMAIN]
    flags += ["--tls-cert", str(files["cert"]), "--tls-key", str(files["key"])]
    stack = hosted.Stack(folder / "stack", replicas=2, port=80, extra=flags, prefix=in_namespace("edge", []))
    stack.start()
    stack.files = files
    yield stack
    assert stack.stop() == 0, stack.read("deploy-up.out")


@pytest.fixture(scope="module")
def student(edge, camera_y4m, playwright_driver, tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    home = class_network.browser_home_trusting(edge.files["ca"], folder / "home")
    browser = class_network.student_chromium(playwright_driver, camera_y4m.resolve(), home, folder)
    pages = warm_up(browser, edge.info["url"])
    yield browser, pages
    browser.close()


def _curl(*args: str) -> str:
    resolve = f"{class_network.DOMAIN}:80:{ADDRESSES['edge']}"
    result = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "--resolve", resolve, *args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result.stdout


def test_deploy_up_prints_the_https_link_and_plain_http_redirects(edge):
    assert edge.info["url"] == f"https://{class_network.DOMAIN}"
    assert f"People open: https://{class_network.DOMAIN}" in edge.read("deploy-up.out")
    assert (
        _curl(f"http://{class_network.DOMAIN}/multi_pose?x=1") == f"301 https://{class_network.DOMAIN}/multi_pose?x=1"
    )
    udp, tls = edge.info["turn"]["browser_urls"]
    assert udp.startswith(f"turn:{class_network.TURN_NAME}:") and udp.endswith("?transport=udp")
    assert tls == f"turns:{class_network.TURN_NAME}:443?transport=tcp"
    assert edge.info["turn"]["server_urls"][0].startswith(f"turn:{ADDRESSES['edge']}:")  # inside, UDP, first


def test_two_students_behind_a_firewall_stream_over_https_relayed_over_tls(edge, student):
    browser, pages = student
    sessions = [hosted.Session(browser, edge, pages["Multi pose"]) for _ in range(2)]
    try:
        start_times = []
        for session in sessions:
            session.demo.open(timeout=90)
            start_times.append(session.demo.start(timeout=60))
            session.demo.wait_for_frames(1, timeout=40)
        readings = {n: [] for n in range(2)}
        for _ in range(6):
            for n, session in enumerate(sessions):
                readings[n].append(session.demo.read())
            time.sleep(1.0)
        for n, session in enumerate(sessions):
            session.demo.screenshot(ARTIFACTS / f"class-student{n}.png")
        rates = [processed_rate(readings[n]) for n in readings]
        replicas = sorted(s.replica() for s in sessions)
        pairs = [s.connection() for s in sessions]
        print(f"\nSTART to video {[f'{t:.1f}' for t in start_times]} s, fps {[f'{r:.1f}' for r in rates]}, {replicas}")
        for pc in pairs:
            local = pc["local"]
            assert pc["state"] == "connected"
            assert local["candidateType"] == "relay" and local["relayProtocol"] == "tls", local
            assert local["url"].startswith(f"turns:{class_network.TURN_NAME}:443"), local
        assert replicas == ["replica1", "replica2"]
        assert all(rate >= MIN_FPS for rate in rates), rates
    finally:
        for session in sessions:
            session.context.close()
