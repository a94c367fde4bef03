"""ICE servers for WebRTC: none by default; TURN from secrets or the environment when hosted.

With no ICE servers the browser and the server offer their own addresses only (host
candidates): that connects at once on localhost and on a LAN, and waits for no STUN
server that may be unreachable. A hosted app behind NAT needs a TURN relay. Two ways to
give it one, both from ``.streamlit/secrets.toml`` or the environment, never the repo:

- **Static servers**: ``ice_servers = [...]`` (or ``POSENET_ICE_SERVERS``, the same list
  as JSON), long-lived usernames and passwords included.
- **Short-lived credentials** (coturn's TURN REST API scheme, ``use-auth-secret``):
  ``turn_urls``/``turn_secret``/``turn_ttl`` (or ``POSENET_TURN_URLS``, comma-separated,
  ``POSENET_TURN_SECRET``, ``POSENET_TURN_TTL`` in seconds). Every browser session gets
  its own username ``<expiry unix time>:<random id>`` and password
  ``base64(HMAC-SHA1(secret, username))``; coturn recomputes the password from the same
  secret and refuses it once the expiry has passed. The secret stays on the server.
  ``turn_server_urls`` (``POSENET_TURN_SERVER_URLS``) gives the server's own side (aiortc)
  other URLs: the TURN server's inside address over UDP, first, since aiortc uses only the
  first TURN URL it is given, while the browser gets the public names it can reach
  (``turn:`` on 3478 and ``turns:`` on 443 for networks that let only HTTPS out).

``ice_transport_policy = "relay"`` (or ``POSENET_ICE_TRANSPORT_POLICY=relay``) makes both
the browser and the server (aiortc) use relayed candidates only.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import os
import secrets as random_source
import time
from collections.abc import Mapping, MutableMapping

from studio.session_keys import TURN_CREDENTIALS

DEFAULT_TURN_TTL_S = 3600
POLICIES = ("all", "relay")


class IceConfigError(ValueError):
    pass


def parse_ice_servers(value) -> list[dict]:
    """Validate a list of RTCIceServer dicts (``urls`` plus optional ``username``/``credential``)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise IceConfigError(f"ICE servers are not valid JSON: {error}") from None
    if not isinstance(value, (list, tuple)):
        raise IceConfigError("ICE servers must be a list of {urls, username, credential} entries")
    servers = []
    for entry in value:
        if not isinstance(entry, Mapping) or "urls" not in entry:
            raise IceConfigError(f"each ICE server needs 'urls'; got {entry!r}")
        servers.append({"urls": _parse_urls(entry["urls"])})
        servers[-1].update({k: str(entry[k]) for k in ("username", "credential") if k in entry})
    return servers


def _parse_urls(urls) -> list[str]:
    urls = [u.strip() for u in urls.split(",")] if isinstance(urls, str) else list(urls)
    if not urls or not all(isinstance(u, str) and u.split(":", 1)[0] in ("stun", "turn", "turns") for u in urls):
        raise IceConfigError(f"ICE server urls must start with stun:, turn: or turns:; got {urls!r}")
    return urls


def ice_servers(secrets: Mapping | None = None, environ: Mapping = os.environ) -> tuple[list[dict], str]:
    """Static servers and where they came from, in order: secrets, environment, none."""
    if secrets is not None and "ice_servers" in secrets:
        return parse_ice_servers(secrets["ice_servers"]), "secrets"
    if environ.get("POSENET_ICE_SERVERS"):
        return parse_ice_servers(environ["POSENET_ICE_SERVERS"]), "environment"
    return [], "none"


# ---------------------------------------------------------------------------------------
# Short-lived TURN credentials (coturn's "TURN REST API": use-auth-secret).
# ---------------------------------------------------------------------------------------


def turn_password(secret: str, username: str) -> str:
    """base64(HMAC-SHA1(secret, username)): what coturn computes from its static-auth-secret."""
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def turn_credentials(secret: str, ttl_s: int, now: float | None = None, user_id: str | None = None) -> dict:
    """A fresh ``{"username", "credential", "expires"}`` valid for ``ttl_s`` seconds from ``now``."""
    expires = int(time.time() if now is None else now) + int(ttl_s)
    username = f"{expires}:{user_id or random_source.token_hex(8)}"
    return {"username": username, "credential": turn_password(secret, username), "expires": expires}


@dataclasses.dataclass(frozen=True)
class TurnSecret:
    """TURN URLs and the secret shared with coturn; ``repr`` hides the secret."""

    urls: tuple[str, ...]
    secret: str = dataclasses.field(repr=False)
    ttl_s: int = DEFAULT_TURN_TTL_S
    server_urls: tuple[str, ...] = ()  # the server's (aiortc's) own; empty: the same as the browser's


def _setting(secrets: Mapping | None, environ: Mapping, key: str):
    """``key`` from secrets (lower case) or else the environment (``POSENET_`` + upper case)."""
    if secrets is not None and key in secrets:
        return secrets[key], "secrets"
    value = environ.get(f"POSENET_{key.upper()}")
    return (value, "environment") if value not in (None, "") else (None, None)


def turn_secret(secrets: Mapping | None = None, environ: Mapping = os.environ) -> tuple[TurnSecret | None, str]:
    """The TURN URLs and shared secret from secrets or environment, and where they came from; both or neither."""
    urls, urls_origin = _setting(secrets, environ, "turn_urls")
    secret, secret_origin = _setting(secrets, environ, "turn_secret")
    if urls is None and secret is None:
        return None, "none"
    if urls is None or not secret:
        missing = "turn_urls (POSENET_TURN_URLS)" if urls is None else "turn_secret (POSENET_TURN_SECRET)"
        raise IceConfigError(f"short-lived TURN credentials need both a URL list and a secret; {missing} is missing")
    parsed = _parse_urls(urls)
    if not any(u.startswith(("turn:", "turns:")) for u in parsed):
        raise IceConfigError(f"turn_urls needs at least one turn: or turns: URL; got {parsed!r}")
    server_urls, _ = _setting(secrets, environ, "turn_server_urls")
    server_parsed = _parse_urls(server_urls) if server_urls else []
    ttl, _ = _setting(secrets, environ, "turn_ttl")
    try:
        ttl_s = DEFAULT_TURN_TTL_S if ttl is None else int(ttl)
    except (TypeError, ValueError):
        raise IceConfigError(f"turn_ttl (POSENET_TURN_TTL) must be a whole number of seconds; got {ttl!r}") from None
    if ttl_s < 60:
        raise IceConfigError(f"turn_ttl (POSENET_TURN_TTL) must be at least 60 seconds; got {ttl_s}")
    return TurnSecret(tuple(parsed), str(secret), ttl_s, tuple(server_parsed)), secret_origin or urls_origin


def transport_policy(secrets: Mapping | None = None, environ: Mapping = os.environ) -> str:
    value, _ = _setting(secrets, environ, "ice_transport_policy")
    policy = "all" if value is None else str(value).strip().lower()
    if policy not in POLICIES:
        raise IceConfigError(f"ice_transport_policy (POSENET_ICE_TRANSPORT_POLICY) must be all or relay; got {value!r}")
    return policy


# ---------------------------------------------------------------------------------------
# One configuration for the whole app, one RTCConfiguration per browser session.
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class IceSetup:
    static_servers: list[dict]
    turn: TurnSecret | None
    policy: str  # "all" or "relay"
    origin: str  # "secrets", "environment" or "none"

    @property
    def server_count(self) -> int:
        return len(self.static_servers) + (self.turn is not None)

    @property
    def uses_turn(self) -> bool:
        static_turn = any(u.startswith(("turn:", "turns:")) for s in self.static_servers for u in s["urls"])
        return self.turn is not None or static_turn


def ice_setup(secrets: Mapping | None = None, environ: Mapping = os.environ) -> IceSetup:
    """What ICE needs here: static servers, TURN secret, transport policy (``IceConfigError`` if they clash)."""
    servers, origin = ice_servers(secrets, environ)
    turn, turn_origin = turn_secret(secrets, environ)
    policy = transport_policy(secrets, environ)
    setup = IceSetup(servers, turn, policy, origin if origin != "none" else turn_origin)
    if policy == "relay" and not setup.uses_turn:
        raise IceConfigError(
            "ice_transport_policy relay needs a TURN server (turn_urls and turn_secret, or ice_servers)"
        )
    return setup


def rtc_configuration(
    setup: IceSetup, session: MutableMapping, now: float | None = None, for_server: bool = False
) -> dict:
    """This browser session's RTCConfiguration: the browser's, or with ``for_server`` the server's
    (the same credentials; the server's own TURN URLs if the setup has them).

    Short-lived credentials are made once per session (kept in ``session``, e.g.
    ``st.session_state``) and renewed when less than half their lifetime is left, so a
    session keeps one TURN username (coturn's log names it) and a long session never
    starts a connection with credentials about to expire. The secret is not in the result.
    """
    now = time.time() if now is None else now
    servers = [dict(s) for s in setup.static_servers]
    if setup.turn is not None:
        key = TURN_CREDENTIALS
        credentials = session.get(key)
        if credentials is None or credentials["expires"] - now < setup.turn.ttl_s / 2:
            credentials = session[key] = turn_credentials(setup.turn.secret, setup.turn.ttl_s, now)
        urls = setup.turn.server_urls if for_server and setup.turn.server_urls else setup.turn.urls
        servers.append(
            {
                "urls": list(urls),
                "username": credentials["username"],
                "credential": credentials["credential"],
            }
        )
    config = {"iceServers": servers}
    if setup.policy == "relay":
        config["iceTransportPolicy"] = "relay"
    return config


def stall_advice(setup: IceSetup | None) -> str:
    """Why a connection may not come up, in the words that fit this app's configuration."""
    if setup is not None and setup.uses_turn:
        relay_only = " (this app allows relayed connections only)" if setup.policy == "relay" else ""
        return (
            f"The connection goes through this app's TURN relay{relay_only}, and it did not come up: the TURN "
            "server may be unreachable from your network (UDP blocked?) or it refused the credentials "
            "(an expired or wrongly signed TURN credential: the app's TURN secret must match the TURN server's). "
            "Reload the page for fresh credentials; if it persists, tell whoever runs this app."
        )
    return (
        "The browser and the server found no network path to each other. On a hosted demo this usually means "
        "no TURN server is configured (see the README, 'Deploy your own'); on a company network, UDP may be blocked."
    )
