"""A class on a real network, inside this machine: the edge runs ``deploy/up`` over HTTPS with a
certificate from a test CA made here; the student's Chromium trusts that CA the way a real
browser does (an NSS database in its HOME) and sits behind a firewall that lets only TCP 443 out."""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import socket
import ssl
import subprocess

from cryptography import x509

from deploy.stack import certificates
from tests.support import hosted
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.netns import ADDRESSES, Network, namespace

DOMAIN = "demo.class.test"
TURN_NAME = f"turn.{DOMAIN}"


def make_test_ca(folder: pathlib.Path) -> dict[str, pathlib.Path]:
    """A CA and, signed by it, the edge's certificate for the page's and TURN's names."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = certificates.make_certificate(["PoseNet class test CA"], days=2, is_ca=True)
    cert, key = certificates.make_certificate([DOMAIN, TURN_NAME], days=2, issuer=(ca_cert, ca_key))
    files = {"ca": folder / "ca.crt", "ca_key": folder / "ca.key", "cert": folder / "edge.crt"}
    files["key"] = folder / "edge.key"
    files["ca"].write_bytes(ca_cert)
    certificates.write_private(files["ca_key"], ca_key)
    files["cert"].write_bytes(cert + ca_cert)  # the full chain, as a CA hands it out
    certificates.write_private(files["key"], key)
    return files


def renew_edge_certificate(files: dict[str, pathlib.Path]) -> None:
    """A new certificate from the same CA written over the edge's files, as a renewal job does
    (each file replaced in one step; the key first)."""
    ca_cert, ca_key = files["ca"].read_bytes(), files["ca_key"].read_bytes()
    cert, key = certificates.make_certificate([DOMAIN, TURN_NAME], days=2, issuer=(ca_cert, ca_key))
    for path, data in ((files["key"], key), (files["cert"], cert + ca_cert)):
        fresh = certificates.write_private(path.with_suffix(".new"), data)
        fresh.replace(path)


def served_certificate(name: str) -> x509.Certificate:
    """The certificate the edge's port 443 shows for the TLS server name ``name`` (HAProxy for the
    page's name, coturn for TURN's), read from this machine's side of the bridge."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # read it, whoever signed it
    with socket.create_connection((ADDRESSES["edge"], 443), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=name) as tls:
            return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


def browser_home_trusting(ca: pathlib.Path, home: pathlib.Path) -> pathlib.Path:
    """A HOME whose NSS database trusts ``ca`` for web sites (Chromium on Linux reads it from there)."""
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True, exist_ok=True)
    subprocess.run(["certutil", "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True)
    subprocess.run(["certutil", "-d", f"sql:{nssdb}", "-A", "-n", "class-ca", "-t", "C,,", "-i", str(ca)], check=True)
    return home


def student_chromium(playwright, y4m: pathlib.Path, home: pathlib.Path, folder: pathlib.Path):
    """Chromium started inside the student's namespace (Playwright talks to it over a pipe)."""
    launcher = folder / "chromium-in-student-namespace"
    ip = shutil.which("ip") or "/usr/sbin/ip"
    launcher.write_text(f'#!/bin/sh\nexec {ip} netns exec {namespace("student")} {CHROMIUM} "$@"\n')
    launcher.chmod(0o755)
    edge = ADDRESSES["edge"]
    args = [*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={y4m}"]
    args.append(f"--host-resolver-rules=MAP {DOMAIN} {edge}, MAP {TURN_NAME} {edge}")
    return playwright.chromium.launch(
        executable_path=str(launcher), headless=True, args=args, env=dict(os.environ, HOME=str(home))
    )


def describe(path: pathlib.Path, cert: pathlib.Path, key: pathlib.Path, hosts: list[str]) -> None:
    """Write the class's description (``class.toml``): the edge, the test certificate, one replica per host."""
    lines = [
        f'domain = "{DOMAIN}"',
        f'edge = "{ADDRESSES["edge"]}"',
        'secrets = "secrets"',
        f'tls_cert = "{cert}"',
        f'tls_key = "{key}"',
    ]
    for host in hosts:
        lines += ["[[hosts]]", f'address = "{ADDRESSES[host]}"', "replicas = 1"]
    path.write_text("\n".join(lines) + "\n")


def student_session(browser, edge, path: str, replica: str):
    """A new student session (``hosted.Session``, not yet opened) on ``path`` that the edge will send to
    ``replica``: it holds HAProxy's replica cookie, as a returning student's browser does."""
    session = hosted.Session(browser, edge, path)
    cookie = {"name": edge.info["cookie"], "value": replica, "domain": DOMAIN, "path": "/", "secure": True}
    session.context.add_cookies([cookie])
    return session


def relayed_over_tls(session) -> dict:
    """The session's selected candidate pair (``hosted.Session.connection``), checked: connected, this
    browser's side relayed over TLS through ``turns:`` on port 443."""
    pc = session.connection()
    local = pc["local"]
    assert pc["state"] == "connected", pc
    assert local["candidateType"] == "relay" and local["relayProtocol"] == "tls", local
    assert local["url"].startswith(f"turns:{TURN_NAME}:443"), local
    return pc


@contextlib.contextmanager
def school_network():
    """The class's machines (edge, hostA, hostB, student) on one bridge, the student behind a firewall
    that lets only TCP 443 to the edge out (no UDP at all); removed afterwards."""
    with Network(("edge", "hostA", "hostB", "student")) as network:
        network.student_firewall()
        yield network


def new_class(folder: pathlib.Path, hosts: list[str]) -> tuple[dict[str, pathlib.Path], pathlib.Path]:
    """A test CA with the edge's certificate (``make_test_ca``) and the description listing ``hosts``:
    (the certificate files, the description's path)."""
    files = make_test_ca(folder / "ca")
    config = folder / "class.toml"
    describe(config, files["cert"], files["key"], hosts)
    return files, config
