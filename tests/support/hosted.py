"""``deploy/up`` as a subprocess, for the hosted-stack browser test and benchmarks/hosted_load.py."""

from __future__ import annotations

import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time

from tests.support.app_server import free_port
from tests.support.chromium import new_context
from tests.support.demo_page import DemoPage, component_frame
from tests.support.paths import REPO_ROOT

DEPLOY_UP = REPO_ROOT / "deploy" / "up"

SELECTED_PAIR_JS = """
async () => {
  const out = [];
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === 'closed') continue;
    const stats = await pc.getStats();
    let pair = null;
    stats.forEach(s => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    const config = pc.getConfiguration();
    out.push({
      state: pc.connectionState,
      local: pair && stats.get(pair.localCandidateId),
      remote: pair && stats.get(pair.remoteCandidateId),
      policy: config.iceTransportPolicy,
      iceServers: config.iceServers,
    });
  }
  return out;
}
"""


def _free_udp_and_tcp_port() -> int:
    for _ in range(50):
        port = free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            try:
                udp.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no port free for both TCP and UDP")


class Stack:
    """``deploy/up`` as a subprocess; ``info`` is its stack.json."""

    def __init__(
        self,
        run_dir: pathlib.Path,
        replicas: int = 2,
        env: dict | None = None,
        port: int | None = None,
        own_run_dir: bool = False,
        extra: list[str] = (),
        prefix: list[str] = (),
        role: str | None = None,
    ):
        """``own_run_dir``: deploy/up makes its run directory under ``run_dir`` (as ``$TMPDIR``);
        ``extra``: more flags; ``prefix``: what runs it (e.g. ``ip netns exec NAME``); ``role``: edge or replica."""
        run_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir = self.home = run_dir
        self.own_run_dir = own_run_dir
        self.port = port or free_port()
        if role:  # several machines: everything but the run directory comes from --config
            self.command = [*prefix, sys.executable, str(DEPLOY_UP), role, *extra]
        else:
            self.command = [*prefix, sys.executable, str(DEPLOY_UP), "--replicas", str(replicas)]
            self.command += ["--port", str(self.port), "--turn-port", str(_free_udp_and_tcp_port()), *extra]
        if not own_run_dir:
            self.command += ["--run-dir", str(run_dir)]
        self.env = dict(os.environ, **(env or {}))
        self.env.pop("POSENET_ICE_SERVERS", None)
        self.process = None
        self.info = None

    def _stack_json(self) -> pathlib.Path | None:
        found = (
            list(self.home.glob("posenet-stack-*/stack.json")) if self.own_run_dir else [self.run_dir / "stack.json"]
        )
        return next((path for path in found if path.exists()), None)

    def start(self, timeout: float = 240) -> Stack:
        self.output = open(self.home / "deploy-up.out", "wb")
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=self.output, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while self._stack_json() is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"deploy/up did not start:\n{self.read('deploy-up.out')}")
            time.sleep(0.5)
        self.run_dir = self._stack_json().parent
        self.info = json.loads((self.run_dir / "stack.json").read_text())
        return self

    def read(self, name: str) -> str:
        try:
            return (self.home if name == "deploy-up.out" else self.run_dir).joinpath(name).read_text(errors="replace")
        except OSError:
            return ""

    def replica(self, name: str) -> dict:
        return next(r for r in self.info["replicas"] if r["name"] == name)

    def server_status(self, name: str) -> tuple[str, str]:
        """HAProxy's view of server ``name`` now (its runtime API, ``show stat``): (status, last check),
        e.g. ("UP", "L7OK"). A server added by a reload starts as UP before any check: the last check says
        whether it has really answered."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as api:
            api.settimeout(5)
            api.connect(str(self.run_dir / "haproxy.sock"))
            api.sendall(b"show stat\n")
            answer = b""
            while chunk := api.recv(65536):
                answer += chunk
        header, *rows = answer.decode().splitlines()
        columns = header.lstrip("# ").split(",")
        for row in rows:
            fields = dict(zip(columns, row.split(","), strict=False))
            if fields.get("svname") == name:
                return fields["status"], fields["check_status"]
        return "missing", ""

    def turn_secret(self) -> str:
        return re.search(r"^static-auth-secret=(.+)$", self.read("turnserver.conf"), re.M).group(1)

    def stop(self) -> int | None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.output.close()
        return self.process.returncode if self.process else None


class Session:
    """One browser context through HAProxy, remembering which replica answered each request."""

    def __init__(self, browser, stack: Stack, path: str):
        self.context = new_context(browser)
        self.answered_by: list[str] = []
        self.context.on("response", self._note)
        self.demo = DemoPage(self.context, stack.info["url"], path)

    def _note(self, response) -> None:
        replica = response.headers.get("x-posenet-replica")
        if replica:
            self.answered_by.append(replica)

    def replica(self) -> str:
        return next(c["value"] for c in self.context.cookies() if c["name"] == "POSENET_REPLICA")

    def connection(self) -> dict:
        (pc,) = component_frame(self.demo).evaluate(SELECTED_PAIR_JS)
        return pc
