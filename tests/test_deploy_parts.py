"""deploy/up's rules that need no running stack: back-off, words for an exit, configs HAProxy accepts."""

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from deploy.stack import certificates, configs
from deploy.stack.supervisor import MAX_BACKOFF_S, STEADY_AFTER_S, exit_words, next_backoff


def test_backoff_doubles_while_a_part_keeps_failing_and_resets_after_a_steady_run():
    waits, previous = [], None
    for _ in range(7):
        previous = next_backoff(previous, ran_for_s=2.0)
        waits.append(previous)
    assert waits == [1, 2, 4, 8, 16, MAX_BACKOFF_S, MAX_BACKOFF_S]
    assert next_backoff(MAX_BACKOFF_S, ran_for_s=STEADY_AFTER_S) == 1


def test_an_exit_in_words():
    assert exit_words(-9) == "was killed (SIGKILL)"
    assert exit_words(-15) == "was killed (SIGTERM)"
    assert exit_words(1) == "exited with code 1"


REPLICAS = [
    configs.Replica("replica1", "10.231.0.11", 8501, 8601),
    configs.Replica("replica2", "10.231.0.12", 8501, 8601),
]
TURN = configs.Turn("10.231.0.1", 3478, (49160, 49200), tls_port=5349, cert="/c.pem", key="/k.pem")


HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def _haproxy_accepts(cfg: str, tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(cfg)
    (tmp_path / configs.NO_HOST_FILE).write_text(configs.no_host_response())  # as deploy/up writes it
    check = subprocess.run([HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("acme", [None, 40123])
def test_https_front_door_routes_turn_by_name_and_redirects_plain_http(tmp_path, acme):
    cert, key = certificates.make_certificate(["demo.class.test", "turn.demo.class.test"])
    pem = certificates.write_private(tmp_path / "site.pem", cert + key)
    door = configs.FrontDoor("10.231.0.1", 80, pem, 443, "demo.class.test", "turn.demo.class.test", acme, 40124)
    cfg = configs.haproxy_cfg(door, TURN, REPLICAS, tmp_path)
    assert "use_backend turn_tls if { req.ssl_sni -i turn.demo.class.test }" in cfg
    assert "server coturn 10.231.0.1:5349" in cfg and "server page 127.0.0.1:40124 send-proxy-v2" in cfg
    assert "redirect prefix https://demo.class.test code 301 unless acme" in cfg
    assert ("use_backend acme if acme" in cfg) == bool(acme)
    assert "insert indirect nocache httponly secure" in cfg
    assert "agent-addr 10.231.0.12 agent-port 8601" in cfg
    _haproxy_accepts(cfg, tmp_path)


def test_plain_front_door_keeps_todays_behaviour(tmp_path):
    cfg = configs.haproxy_cfg(configs.FrontDoor("127.0.0.1", 8642), TURN, REPLICAS, tmp_path)
    assert "bind 127.0.0.1:8642" in cfg and "ssl" not in cfg and "secure" not in cfg
    _haproxy_accepts(cfg, tmp_path)


def test_with_no_replica_up_people_get_a_page_in_words_that_retries_by_itself(tmp_path):
    port, dead = _free_port(), _free_port()  # nothing listens on ``dead``: every replica is down
    replicas = [configs.Replica("replica1", "127.0.0.1", dead, dead)]
    door = configs.FrontDoor("127.0.0.1", port)
    cfg = _haproxy_accepts(configs.haproxy_cfg(door, TURN, replicas, tmp_path), tmp_path)
    haproxy = subprocess.Popen([HAPROXY, "-db", "-f", str(cfg)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/multi_pose", timeout=5)
            except urllib.error.HTTPError as answer:
                status, headers, page = answer.code, answer.headers, answer.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "HAProxy did not start"
                time.sleep(0.2)
    finally:
        haproxy.terminate()
        haproxy.wait(timeout=10)
    assert status == 503 and headers["Retry-After"] == str(configs.NO_HOST_RETRY_S)
    assert headers["Cache-Control"] == "no-store" and len(page.encode()) == int(headers["Content-Length"])
    assert f'http-equiv="refresh" content="{configs.NO_HOST_RETRY_S}"' in page
    assert "tries again by itself" in page and "Traceback" not in page


def test_coturn_gets_tls_only_with_a_certificate(tmp_path):
    with_tls = configs.coturn_conf(TURN, "s3cret", tmp_path)
    assert "tls-listening-port=5349" in with_tls and "no-tls\n" not in with_tls and "no-tlsv1_1" in with_tls
    plain = configs.coturn_conf(configs.Turn("127.0.0.1", 3478, (49160, 49200)), "s3cret", tmp_path)
    assert "no-tls\n" in plain and "allow-loopback-peers" in plain


def test_certificate_files_are_checked_in_words(tmp_path):
    cert, key = certificates.make_certificate(["demo.class.test"])
    (tmp_path / "c.pem").write_bytes(cert)
    (tmp_path / "k.pem").write_bytes(key)
    with pytest.raises(certificates.CertificateError, match="not valid for turn.demo.class.test"):
        certificates.check_files(tmp_path / "c.pem", tmp_path / "k.pem", ["demo.class.test", "turn.demo.class.test"])
    with pytest.raises(certificates.CertificateError, match="is not a PEM certificate"):
        certificates.check_files(tmp_path / "k.pem", tmp_path / "k.pem", ["demo.class.test"])
    with pytest.raises(certificates.CertificateError, match="cannot read"):
        certificates.check_files(tmp_path / "nope.pem", tmp_path / "k.pem", ["demo.class.test"])
    assert (tmp_path / "k.pem").stat().st_mode & 0o777 != 0 and certificates.names_in(cert) == ["demo.class.test"]
    private = certificates.write_private(tmp_path / "secret", b"x")
    assert private.stat().st_mode & 0o777 == 0o600
