"""ICE servers for WebRTC: none by default, TURN from secrets or the environment when hosted.

With no ICE servers the browser and the server offer their own addresses only (host
candidates): that connects at once on localhost and on a LAN, and waits for no STUN
server that may be unreachable. A hosted app behind NAT needs a TURN relay; its
credentials come from ``.streamlit/secrets.toml`` (``ice_servers = [...]``) or the
environment variable ``POSENET_ICE_SERVERS`` (the same list as JSON), never the repo.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping


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
        urls = entry["urls"]
        urls = [urls] if isinstance(urls, str) else list(urls)
        if not urls or not all(isinstance(u, str) and u.split(":", 1)[0] in ("stun", "turn", "turns") for u in urls):
            raise IceConfigError(f"ICE server urls must start with stun:, turn: or turns:; got {urls!r}")
        server = {"urls": urls}
        server.update({k: str(entry[k]) for k in ("username", "credential") if k in entry})
        servers.append(server)
    return servers


def ice_servers(secrets: Mapping | None = None, environ: Mapping = os.environ) -> tuple[list[dict], str]:
    """(servers, where they came from) in order: secrets, environment, none."""
    if secrets is not None and "ice_servers" in secrets:
        return parse_ice_servers(secrets["ice_servers"]), "secrets"
    if environ.get("POSENET_ICE_SERVERS"):
        return parse_ice_servers(environ["POSENET_ICE_SERVERS"]), "environment"
    return [], "none"
