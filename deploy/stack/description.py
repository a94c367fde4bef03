"""One description of a stack on several machines, and the secrets file its machines share.

``class.toml`` (read by ``deploy/up edge --config class.toml`` and ``deploy/up replica --config class.toml``)::

    domain = "demo.school.org"          # people open https://demo.school.org; TURN is turn.demo.school.org
    edge = "10.0.0.1"                   # the edge's inside address: replicas reach coturn there
    secrets = "/etc/posenet/secrets"    # written once by the edge (mode 600), copied to each replica host
    tls_cert = "/etc/letsencrypt/live/demo.school.org/fullchain.pem"   # or acme_email = "...", or self_signed = true
    tls_key = "/etc/letsencrypt/live/demo.school.org/privkey.pem"

    [[hosts]]                           # one table per replica host; add or remove one and the edge reloads
    address = "10.0.0.11"
    replicas = 2                        # ports 8501, 8502 (first_port), agents on 8601, 8602 (first_agent_port)

The secrets (the replicas' cookie secret, coturn's TURN secret) never go on a command line or in
the repo: the edge writes them once into ``secrets`` and every machine reads them from there.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import pathlib
import secrets as random_source
import tomllib

from deploy.stack.configs import Replica

FIRST_PORT, FIRST_AGENT_PORT = 8501, 8601
KEYS = {"domain", "edge", "secrets", "tls_cert", "tls_key", "acme_email", "acme_directory", "self_signed", "hosts"}
KEYS |= {"turn_port", "https_port", "http_port", "relay_ports", "turn_name"}


class DescriptionError(ValueError):
    """The description or the secrets file is wrong; the message says where and how."""


@dataclasses.dataclass(frozen=True)
class Host:
    address: str
    replicas: int
    first_port: int = FIRST_PORT
    first_agent_port: int = FIRST_AGENT_PORT

    def replica_list(self) -> list[Replica]:
        return [
            Replica(
                f"{self.address}-{n + 1}",
                self.address,
                self.first_port + n,
                self.first_agent_port + n,
            )
            for n in range(self.replicas)
        ]


@dataclasses.dataclass(frozen=True)
class Description:
    path: pathlib.Path
    edge: str
    secrets: pathlib.Path
    hosts: tuple[Host, ...]
    settings: dict  # the front door's and TURN's: domain, tls_cert, ... as deploy/up's flags name them

    def replicas(self) -> list[Replica]:
        return [r for host in self.hosts for r in host.replica_list()]

    def host(self, address: str) -> Host:
        for host in self.hosts:
            if host.address == address:
                return host
        known = ", ".join(h.address for h in self.hosts) or "none"
        raise DescriptionError(f"{self.path}: no [[hosts]] entry with address {address} (hosts: {known})")


def _address(value, where: str) -> str:
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        raise DescriptionError(f"{where} must be an IP address; got {value!r}") from None


def load(path) -> Description:
    path = pathlib.Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except OSError as error:
        raise DescriptionError(f"cannot read the description {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise DescriptionError(f"{path} is not valid TOML: {error}") from None
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise DescriptionError(f"{path}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})")
    for key in ("edge", "secrets"):
        if key not in data:
            raise DescriptionError(f"{path}: '{key}' is missing")
    hosts = []
    for n, entry in enumerate(data.get("hosts", []), 1):
        where = f"{path}: [[hosts]] number {n}"
        if not isinstance(entry, dict) or "address" not in entry:
            raise DescriptionError(f"{where} needs an address")
        replicas = entry.get("replicas", 1)
        if not isinstance(replicas, int) or not 1 <= replicas <= 32:
            raise DescriptionError(f"{where}: replicas must be a whole number from 1 to 32; got {replicas!r}")
        hosts.append(
            Host(
                _address(entry["address"], f"{where}: address"),
                replicas,
                int(entry.get("first_port", FIRST_PORT)),
                int(entry.get("first_agent_port", FIRST_AGENT_PORT)),
            )
        )
    addresses = [h.address for h in hosts]
    if len(set(addresses)) != len(addresses):
        raise DescriptionError(f"{path}: a host is listed twice")
    settings = {k: v for k, v in data.items() if k not in ("edge", "secrets", "hosts")}
    secrets_path = pathlib.Path(data["secrets"])
    if not secrets_path.is_absolute():
        secrets_path = path.parent / secrets_path
    return Description(path, _address(data["edge"], f"{path}: edge"), secrets_path, tuple(hosts), settings)


# ---------------------------------------------------------------------------------------
# The shared secrets file.
# ---------------------------------------------------------------------------------------

SECRET_NAMES = ("cookie_secret", "turn_secret")


def write_secrets_once(path: pathlib.Path) -> bool:
    """Create the secrets file (mode 600) if it does not exist; True if this call made it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as out:
        for name in SECRET_NAMES:
            out.write(f'{name} = "{random_source.token_urlsafe(32)}"\n')
    return True


def read_secrets(path: pathlib.Path) -> dict[str, str]:
    """The shared secrets; refused in words if others can read the file or a secret is missing."""
    try:
        mode = path.stat().st_mode & 0o777
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise DescriptionError(
            f"the secrets file {path} does not exist: start the edge first (it writes it), then copy it here "
            "with its mode (scp -p), readable by this user only"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise DescriptionError(f"the secrets file {path} is not valid TOML: {error}") from None
    if mode & 0o077:
        raise DescriptionError(f"the secrets file {path} can be read by others (mode {mode:o}); chmod 600 {path}")
    missing = [name for name in SECRET_NAMES if not data.get(name)]
    if missing:
        raise DescriptionError(f"the secrets file {path} has no {', '.join(missing)}")
    return {name: str(data[name]) for name in SECRET_NAMES}
