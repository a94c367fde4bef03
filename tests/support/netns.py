"""Machines for the hosted-stack tests: network namespaces on a bridge, made and removed by the tests.

Names start with ``h21`` and addresses lie in 10.231.0.0/24, which exist only inside this machine:
the bridge (the test process's own way in) .254, the edge .1, replica hosts .11 and .12, a
student .100. A student's firewall (nftables) lets out only TCP 443 to the edge, as a school
network that allows only HTTPS does.

The names and addresses belong to the whole machine, so one class network exists at a time: a
second test run (another worktree's, say) waits for the first's (a lock file) instead of removing
its hosts under it.
"""

from __future__ import annotations

import contextlib
import fcntl
import pathlib
import subprocess
import tempfile

PREFIX = "h21"
NETWORK = "10.231.0"
BRIDGE = f"{PREFIX}br0"
BRIDGE_ADDRESS = f"{NETWORK}.254"
ADDRESSES = {"edge": f"{NETWORK}.1", "hostA": f"{NETWORK}.11", "hostB": f"{NETWORK}.12", "student": f"{NETWORK}.100"}
LOCK = pathlib.Path(tempfile.gettempdir()) / f"{PREFIX}-network.lock"


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def namespace(host: str) -> str:
    return f"{PREFIX}{host}"


def in_namespace(host: str, command: list[str]) -> list[str]:
    """``command`` run inside ``host``'s namespace."""
    return ["ip", "netns", "exec", namespace(host), *command]


class Network:
    """The bridge and one namespace per host; ``link(host, up)`` cuts or restores a host's cable."""

    def __init__(self, hosts=("edge", "student")):
        self.hosts = list(hosts)
        self._lock = None

    def __enter__(self) -> Network:
        self._lock = open(LOCK, "w")  # released by __exit__, or by the kernel if this process dies
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"another test run's class network is up: waiting for it ({LOCK})", flush=True)
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            self.remove()  # what a crashed earlier run left
            _ip("link", "add", BRIDGE, "type", "bridge")
            _ip("addr", "add", f"{BRIDGE_ADDRESS}/24", "dev", BRIDGE)
            _ip("link", "set", BRIDGE, "up")
            for host in self.hosts:
                self.add(host)
        except BaseException:
            self.__exit__()
            raise
        return self

    def add(self, host: str) -> None:
        ns, inside, outside = namespace(host), f"{PREFIX}{host[:6]}i", f"{PREFIX}{host[:6]}o"
        _ip("netns", "add", ns)
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        _ip("link", "set", inside, "netns", ns)
        _ip("link", "set", outside, "master", BRIDGE, "up")
        _ip("-n", ns, "addr", "add", f"{ADDRESSES[host]}/24", "dev", inside)
        _ip("-n", ns, "link", "set", inside, "up")
        _ip("-n", ns, "link", "set", "lo", "up")
        if host not in self.hosts:
            self.hosts.append(host)

    def link(self, host: str, up: bool) -> None:
        """Pull or plug ``host``'s cable (the bridge side of its veth pair)."""
        _ip("link", "set", f"{PREFIX}{host[:6]}o", "up" if up else "down")

    def student_firewall(self, edge_port: int = 443) -> None:
        """Only TCP ``edge_port`` to the edge goes out of the student's namespace; no UDP at all."""
        rules = f"""
table inet {PREFIX}school {{
    chain output {{
        type filter hook output priority 0; policy drop;
        oif "lo" accept
        ip daddr {ADDRESSES["edge"]} tcp dport {edge_port} accept
    }}
    chain input {{
        type filter hook input priority 0; policy drop;
        iif "lo" accept
        ct state established,related accept
    }}
}}
"""
        subprocess.run(in_namespace("student", ["nft", "-f", "-"]), input=rules, text=True, check=True)

    def plug_all(self) -> None:
        """Every cable back in: servers stopped while a host is cut off leave TCP connections
        retrying towards it, and those keep both namespaces (and their cables) alive for minutes."""
        for host in self.hosts:
            _ip("link", "set", f"{PREFIX}{host[:6]}o", "up", check=False)

    def remove(self) -> None:
        for host in ADDRESSES:
            with contextlib.suppress(subprocess.CalledProcessError):
                _ip("netns", "del", namespace(host))
            # A namespace still held (see plug_all) keeps its cable under our name: free the name.
            _ip("link", "del", f"{PREFIX}{host[:6]}o", check=False)
        _ip("link", "del", BRIDGE, check=False)

    def __exit__(self, *exc) -> None:
        try:
            self.remove()
        finally:
            if self._lock is not None:
                self._lock.close()  # and with it the lock
                self._lock = None
