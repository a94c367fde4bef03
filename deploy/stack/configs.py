"""HAProxy's and coturn's configuration files, rendered from what the stack runs (no I/O here)."""

from __future__ import annotations

import dataclasses
import pathlib

COOKIE = "POSENET_REPLICA"
REPLICA_HEADER = "X-Posenet-Replica"
ACME_PATH = "/.well-known/acme-challenge/"
NO_HOST_FILE = "no-host.http"  # in the run directory, beside haproxy.cfg
NO_HOST_RETRY_S = 5

# What HAProxy answers while no replica is up (the stack starting, every host restarting or cut off):
# a page in plain words that reloads itself, rather than HAProxy's bare "503 Service Unavailable".
NO_HOST_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{NO_HOST_RETRY_S}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PoseNet Studio is starting</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto; padding: 0 1em; line-height: 1.5">
<h1>PoseNet Studio is starting</h1>
<p>The demo's server is starting or restarting. This page tries again by itself every {NO_HOST_RETRY_S} seconds:
there is nothing to do but wait.</p>
<p>Still here after a few minutes? Tell the person who runs the demo (for them: HAProxy has no
replica up).</p>
</body></html>
"""


@dataclasses.dataclass(frozen=True)
class Replica:
    name: str
    host: str  # the address HAProxy reaches it on
    port: int
    agent_port: int


@dataclasses.dataclass(frozen=True)
class FrontDoor:
    """Where people come in. Plain: ``http://bind:port``. With ``pem``: HTTPS on ``https_port``, where
    one TCP port carries both the page and TURN over TLS (told apart by the TLS SNI name), and
    plain HTTP on ``http_port`` redirects to HTTPS (except ACME challenges, to ``acme_port``)."""

    bind: str
    port: int  # plain HTTP when pem is None; else the HTTP port that redirects (80)
    pem: pathlib.Path | None = None  # certificate + key in one file, as HAProxy wants
    https_port: int = 443
    domain: str | None = None  # the page's name (certificate, redirects)
    turn_name: str | None = None  # SNI name that goes to coturn's TLS port (needs a domain)
    acme_port: int | None = None  # certbot's standalone HTTP-01 server on 127.0.0.1
    page_port: int | None = None  # the inner TLS frontend on 127.0.0.1 (a TCP port: HAProxy hands it over on a
    # seamless reload, whereas an old process keeps accepting on a unix socket with the old config)

    @property
    def https(self) -> bool:
        return self.pem is not None

    def https_origin(self, host: str) -> str:
        return f"https://{host}" + ("" if self.https_port == 443 else f":{self.https_port}")


@dataclasses.dataclass(frozen=True)
class Turn:
    listen: str  # coturn's listening and relay address
    port: int  # UDP and TCP
    relay_ports: tuple[int, int]
    external_ip: str | None = None
    tls_port: int | None = None  # coturn's own TLS port (HAProxy passes turn.<domain> on 443 to it)
    cert: pathlib.Path | None = None
    key: pathlib.Path | None = None


def is_loopback(host: str) -> bool:
    return host == "localhost" or host.startswith("127.") or host == "::1"


def coturn_conf(turn: Turn, secret: str, run_dir: pathlib.Path) -> str:
    low, high = turn.relay_ports
    lines = [
        f"listening-ip={turn.listen}",
        f"listening-port={turn.port}",
        f"relay-ip={turn.listen}",
        *([f"external-ip={turn.external_ip}/{turn.listen}"] if turn.external_ip else []),
        f"min-port={low}",
        f"max-port={high}",
        "realm=posenet-studio",
        "use-auth-secret",  # TURN REST API: password = base64(HMAC-SHA1(secret, "<expiry>:<id>"))
        f"static-auth-secret={secret}",
        "fingerprint",
        "no-cli",  # a CLI without a password makes coturn refuse to start
        "no-dtls",
        "no-multicast-peers",
        f"userdb={run_dir / 'turndb'}",
        f"pidfile={run_dir / 'turnserver.pid'}",
        f"log-file={run_dir / 'turnserver.log'}",  # written as it goes (stdout to a file is buffered)
        "simple-log",  # that file name as is, no rollover
        "no-stdout-log",
        "verbose",  # one line per session and allocation (username included), none per relayed packet
    ]
    if turn.tls_port:
        # TLS 1.2+ only; Chromium sends turn.<domain> as SNI, which HAProxy routes here.
        lines += [f"tls-listening-port={turn.tls_port}", f"cert={turn.cert}", f"pkey={turn.key}"]
        lines += ["no-tlsv1", "no-tlsv1_1"]
    else:
        lines.append("no-tls")
    if is_loopback(turn.listen):
        lines.append("allow-loopback-peers")  # development only: browser, relay and app all on this machine
    return "\n".join(lines) + "\n"


def _server_lines(replicas: list[Replica]) -> str:
    # weight 100, so that the agent's percentages are whole weights (its 1% for a full replica is 1, not 0).
    return "\n".join(
        f"    server {r.name} {r.host}:{r.port} check cookie {r.name} weight 100"
        f" agent-check agent-addr {r.host} agent-port {r.agent_port} agent-inter 1s"
        for r in replicas
    )


def _front_plain(door: FrontDoor) -> str:
    return f"""frontend web
    bind {door.bind}:{door.port}
    default_backend replicas
"""


def _front_https(door: FrontDoor, turn: Turn, run_dir: pathlib.Path) -> str:
    turn_route = ""
    if door.turn_name and turn.tls_port:
        turn_route = f"""    use_backend turn_tls if {{ req.ssl_sni -i {door.turn_name} }}
"""
    redirect_to = door.https_origin(door.domain) if door.domain else None
    redirect = (
        f"    http-request redirect prefix {redirect_to} code 301 unless acme\n"
        if redirect_to
        else "    http-request redirect scheme https code 301 unless acme\n"
    )
    acme = ""
    if door.acme_port:
        acme = f"""
backend acme
    server certbot 127.0.0.1:{door.acme_port}
"""
    turn_backend = ""
    if turn_route:
        turn_backend = f"""
backend turn_tls
    mode tcp
    timeout server 1h
    server coturn {turn.listen}:{turn.tls_port}
"""
    return f"""# One port for the page and TURN over TLS: the TLS hello's server name (SNI) picks the way.
frontend tls_in
    mode tcp
    option tcplog
    bind {door.bind}:{door.https_port}
    timeout client 1h
    tcp-request inspect-delay 5s
    tcp-request content accept if {{ req.ssl_hello_type 1 }}
{turn_route}    default_backend page_tls

backend page_tls
    mode tcp
    timeout server 1h
    server page 127.0.0.1:{door.page_port} send-proxy-v2
{turn_backend}
frontend page
    bind 127.0.0.1:{door.page_port} accept-proxy ssl crt {door.pem} alpn h2,http/1.1
    http-request set-header X-Forwarded-Proto https
    default_backend replicas

# Plain HTTP: to HTTPS (browsers give the camera only to https pages), except ACME's challenges.
frontend plain_http
    bind {door.bind}:{door.port}
    acl acme path_beg {ACME_PATH}
{"    use_backend acme if acme" + chr(10) if door.acme_port else ""}{redirect}{acme}"""


def no_host_response() -> str:
    """HAProxy's ``errorfile 503``: a whole HTTP response, headers included."""
    body = NO_HOST_PAGE.encode()
    head = [
        "HTTP/1.1 503 Service Unavailable",
        "Cache-Control: no-store",
        f"Retry-After: {NO_HOST_RETRY_S}",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    return "\r\n".join(head) + "\r\n\r\n" + NO_HOST_PAGE


def haproxy_cfg(door: FrontDoor, turn: Turn, replicas: list[Replica], run_dir: pathlib.Path) -> str:
    front = _front_https(door, turn, run_dir) if door.https else _front_plain(door)
    secure = " secure" if door.https else ""
    return f"""global
    maxconn 4096
    log stdout format raw local0 info
    # Seamless reloads (a new replica host, a renewed certificate): the new process takes the
    # listening sockets over from the old one, which keeps serving its open connections.
    stats socket {run_dir / "haproxy.sock"} mode 600 level admin expose-fd listeners

defaults
    mode http
    log global
    option httplog
    option redispatch          # a browser whose replica is down goes to a live one
    retries 2
    timeout connect 5s
    timeout client 1m
    timeout server 1m
    timeout tunnel 1h          # Streamlit's websocket (/_stcore/stream) idles between messages

{front}
backend replicas
    balance leastconn
    cookie {COOKIE} insert indirect nocache httponly{secure}
    option httpchk GET /_stcore/health
    http-check expect status 200
    default-server inter 1s fastinter 500ms downinter 2s fall 2 rise 2
    http-response set-header {REPLICA_HEADER} %s
    errorfile 503 {run_dir / NO_HOST_FILE}
{_server_lines(replicas)}
"""
