"""Tells HAProxy how much room this replica has, so new sessions go where a stream can start.

HAProxy's agent check connects to a small TCP port of each server every second and reads
one line. This process answers with a weight: 100% with every place free, less as its
streams (``ADMISSION``) fill it, and 1% when it is full. With ``balance leastconn`` HAProxy
sends a new browser to the server with the fewest connections per unit of weight, so a full
replica gets new users only when every replica is full. Then they still reach the app and
read its own "demo is full" message; ``drain`` (weight 0) on every server would have HAProxy
answer 503 instead. The answer is the weight alone: no state word (``up``, ``ready``) that
could undo an operator's drain or a failed health check.

Started once per process (``start_from_env``) when ``POSENET_AGENT_PORT`` is set, by
``deploy/up``. Without it, nothing listens and HAProxy keeps the configured weight.
"""

from __future__ import annotations

import logging
import os
import socketserver
import threading

from studio.hosting.admission import ADMISSION

PORT_ENV = "POSENET_AGENT_PORT"
DEFAULT_HOST = "127.0.0.1"
FULL_WEIGHT_PERCENT = 1  # not 0 ("drain"): with every replica full, users must still reach one

LOGGER = logging.getLogger(__name__)
_lock = threading.Lock()
_server: socketserver.TCPServer | None = None
_attempted = False  # once per process: a bad setting is logged once, not on every script run


def agent_reply(live: int, limit: int) -> str:
    """The line HAProxy reads: the weight in percent, proportional to the free places, at least 1%."""
    free = max(0, limit - live)
    percent = max(FULL_WEIGHT_PERCENT, round(100 * free / limit)) if limit > 0 else FULL_WEIGHT_PERCENT
    return f"{percent}%\n"


def address_from_env(environ=os.environ) -> tuple[str, int] | None:
    """``POSENET_AGENT_PORT`` as ``PORT`` or ``HOST:PORT``; None if unset. ValueError saying why if bad."""
    raw = environ.get(PORT_ENV, "").strip()
    if not raw:
        return None
    host, _, port_text = raw.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ValueError(f"{PORT_ENV}={raw!r} is not a port (1-65535) or HOST:PORT")
    return host or DEFAULT_HOST, port


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        # HAProxy may send nothing (no agent-send): answer at once, then close.
        self.request.sendall(agent_reply(ADMISSION.live(), ADMISSION.limit).encode("ascii"))


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def start(address: tuple[str, int]) -> socketserver.TCPServer:
    """Serve the agent on ``address`` in a daemon thread (OSError if the port cannot be bound)."""
    server = _Server(address, _Handler)
    threading.Thread(target=server.serve_forever, name="replica-agent", daemon=True).start()
    return server


def start_from_env(environ=os.environ) -> socketserver.TCPServer | None:
    """Start the agent once per process if ``POSENET_AGENT_PORT`` asks for it; a bad value is logged, not raised.

    Safe to call on every script run: later calls return what the first one started (or None).
    """
    global _server, _attempted
    with _lock:
        if _attempted:
            return _server
        _attempted = True
        try:
            address = address_from_env(environ)
        except ValueError as error:
            LOGGER.error("replica agent not started: %s", error)
            return None
        if address is None:
            return None
        try:
            _server = start(address)
        except OSError as error:
            LOGGER.error("replica agent not started: cannot listen on %s:%d (%s)", *address, error.strerror)
            return None
        LOGGER.info("replica agent answering HAProxy on %s:%d", *_server.server_address[:2])
        return _server
