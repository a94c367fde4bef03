"""deploy/up obtains its certificate by ACME HTTP-01 from pebble (Let's Encrypt's test server) and
serves it, offline: pebble and its DNS (pebble-challtestsrv, answering every name with the edge's
address) run in the edge's namespace; certbot answers the challenge behind HAProxy's port 80."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
from cryptography import x509

from deploy.stack import certificates
from tests.support import class_network, hosted
from tests.support.netns import ADDRESSES, Network, in_namespace

pytestmark = pytest.mark.browser  # starts a replica: runs with the slow tests


def _wait_for_port(host: str, port: int, timeout: float = 30) -> None:
    command = ["python3", "-c", f"import socket; socket.create_connection(('{host}', {port}), timeout=1)"]
    deadline = time.monotonic() + timeout
    while subprocess.run(in_namespace("edge", command), capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, f"nothing listens on {host}:{port}"
        time.sleep(0.3)


@pytest.fixture(scope="module")
def pebble(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pebble")
    with Network(("edge",)):
        ca_cert, ca_key = certificates.make_certificate(["pebble API test CA"], days=2, is_ca=True)
        cert, key = certificates.make_certificate(["localhost", "127.0.0.1"], days=2, issuer=(ca_cert, ca_key))
        (folder / "api-ca.pem").write_bytes(ca_cert)
        (folder / "api.pem").write_bytes(cert)
        certificates.write_private(folder / "api.key", key)
        config = {
            "pebble": {
                "listenAddress": "127.0.0.1:14000",
                "managementListenAddress": "127.0.0.1:15000",
                "certificate": str(folder / "api.pem"),
                "privateKey": str(folder / "api.key"),
                "httpPort": 80,  # validation comes in through HAProxy's port 80, as Let's Encrypt's does
                "tlsPort": 5001,
                "ocspResponderURL": "",
                "externalAccountBindingRequired": False,
            }
        }
        (folder / "pebble.json").write_text(json.dumps(config))
        dns = ["pebble-challtestsrv", "-defaultIPv4", ADDRESSES["edge"], "-defaultIPv6", ""]
        dns += ["-dns01", "127.0.0.1:8053", "-http01", "", "-https01", "", "-tlsalpn01", ""]
        dns += ["-management", "127.0.0.1:8055"]
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1", PEBBLE_WFE_NONCEREJECT="0")
        serve = ["pebble", "-config", str(folder / "pebble.json"), "-dnsserver", "127.0.0.1:8053"]
        with open(folder / "pebble.log", "wb") as log:
            processes = [
                subprocess.Popen(in_namespace("edge", dns), stdout=log, stderr=subprocess.STDOUT),
                subprocess.Popen(in_namespace("edge", serve), stdout=log, stderr=subprocess.STDOUT, env=env),
            ]
        try:
            _wait_for_port("127.0.0.1", 14000)
            yield folder
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=10)


def _serves_pebbles_certificate_for_both_names() -> int:
    """The serial number HAProxy (the page's name) and coturn (TURN's) both show."""
    serials = set()
    for name in (class_network.DOMAIN, class_network.TURN_NAME):
        served = class_network.served_certificate(name)
        issuer = served.issuer.rfc4514_string()
        names = served.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert "Pebble" in issuer, f"{name}: served a certificate from {issuer}"
        assert set(names.get_values_for_type(x509.DNSName)) == {class_network.DOMAIN, class_network.TURN_NAME}
        serials.add(served.serial_number)
    assert len(serials) == 1, "HAProxy and coturn show different certificates"
    return serials.pop()


def test_deploy_up_gets_its_certificate_from_pebble_serves_it_and_takes_up_a_renewal(pebble):
    flags = ["--bind", ADDRESSES["edge"], "--domain", class_network.DOMAIN, "--acme-email", "teacher@class.test"]
    flags += ["--acme-directory", "https://127.0.0.1:14000/dir", "--acme-state", str(pebble / "acme")]
    env = {"REQUESTS_CA_BUNDLE": str(pebble / "api-ca.pem")}  # certbot trusts pebble's API
    stack = hosted.Stack(pebble / "stack", replicas=1, port=80, env=env, extra=flags, prefix=in_namespace("edge", []))
    try:
        stack.start(timeout=300)
        assert stack.info["tls"] == "acme" and stack.info["url"] == f"https://{class_network.DOMAIN}"
        first = _serves_pebbles_certificate_for_both_names()
        said = stack.read("deploy-up.out")
        assert "certificate obtained from https://127.0.0.1:14000/dir" in said
        in_use = "certificate for demo.class.test, turn.demo.class.test valid until "
        assert said.count(in_use) == 1

        # A renewal (here forced; certbot renews in a certificate's last 30 days), as certbot's
        # own timer or deploy/up's twice-daily call makes it: new files in certbot's lineage.
        acme = pebble / "acme"
        renew = ["certbot", "renew", "--force-renewal", "--non-interactive", "--no-random-sleep-on-renew"]
        for folder in ("config", "work", "logs"):
            renew += [f"--{folder}-dir", str(acme / folder)]
        coturn = stack.read("turnserver.pid")
        done = subprocess.run(
            in_namespace("edge", renew), env=dict(os.environ, **env), capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
        deadline = time.monotonic() + 20
        while stack.read("deploy-up.out").count(in_use) < 2:
            assert time.monotonic() < deadline, stack.read("deploy-up.out")
            time.sleep(0.3)
        time.sleep(1)  # HAProxy's new worker and coturn take it up
        renewed = _serves_pebbles_certificate_for_both_names()
        assert renewed != first, "the renewed certificate is not the one served"
        print(f"\nserial {first:x} renewed to {renewed:x}, served by HAProxy and coturn without a restart")
        assert stack.read("turnserver.pid") == coturn, "coturn was restarted, dropping its relays"
    finally:
        stack.stop()
