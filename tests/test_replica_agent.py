"""The replica agent's answer to HAProxy's agent check, its setting, and a real connection to it."""

from __future__ import annotations

import logging
import socket

import pytest

from studio.hosting import replica_agent
from studio.hosting.admission import ADMISSION
from studio.hosting.replica_agent import address_from_env, agent_reply, start_from_env


@pytest.mark.parametrize(
    ("live", "limit", "reply"),
    [
        (0, 4, "100%\n"),  # all room: the configured weight
        (1, 4, "75%\n"),  # weight follows the free places
        (3, 4, "25%\n"),
        (0, 1, "100%\n"),
        (1, 1, "1%\n"),  # full: the smallest weight, never 0 ("drain" would 503 when all are full)
        (4, 4, "1%\n"),
        (6, 4, "1%\n"),  # past the limit (two STARTs at once) is still full, not negative
        (1, 3, "67%\n"),
    ],
)
def test_the_weight_follows_the_free_places_and_a_full_replica_keeps_one_percent(live, limit, reply):
    assert agent_reply(live, limit) == reply


def test_every_replica_full_still_leaves_each_a_weight_so_haproxy_picks_one():
    # HAProxy answers 503 only when no server has weight; full replicas must all keep some.
    assert all(int(agent_reply(n, n).rstrip("%\n")) > 0 for n in range(1, 9))


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("", None),
        ("   ", None),
        ("8700", ("127.0.0.1", 8700)),
        ("127.0.0.1:8701", ("127.0.0.1", 8701)),
        ("0.0.0.0:8702", ("0.0.0.0", 8702)),
    ],
)
def test_the_port_setting_reads_port_or_host_and_port(value, address):
    assert address_from_env({"POSENET_AGENT_PORT": value}) == address


@pytest.mark.parametrize("value", ["agent", "127.0.0.1:", "0", "70000", "-5", "127.0.0.1:http"])
def test_a_bad_port_setting_is_refused_with_a_message_naming_it(value):
    with pytest.raises(ValueError, match=r"POSENET_AGENT_PORT=.* is not a port"):
        address_from_env({"POSENET_AGENT_PORT": value})


@pytest.fixture
def fresh_process(monkeypatch):
    """As if this were a new process: no agent started or tried yet."""
    monkeypatch.setattr(replica_agent, "_attempted", False)
    monkeypatch.setattr(replica_agent, "_server", None)
    yield
    if replica_agent._server is not None:
        replica_agent._server.shutdown()
        replica_agent._server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ask(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        return connection.makefile("r").read()


def test_the_agent_answers_one_line_per_connection_from_the_live_admission(fresh_process, monkeypatch):
    port = _free_port()
    server = start_from_env({"POSENET_AGENT_PORT": f"127.0.0.1:{port}"})
    assert server is not None and server.server_address[1] == port
    monkeypatch.setattr(ADMISSION, "limit", 2)
    holders = [type("Holder", (), {})() for _ in range(2)]
    assert _ask(port) == "100%\n"
    assert ADMISSION.admit(holders[0])
    assert _ask(port) == "50%\n"
    assert ADMISSION.admit(holders[1])
    assert _ask(port) == "1%\n"
    for holder in holders:
        ADMISSION.release(holder)
    assert _ask(port) == "100%\n"
    # Once per process: later calls (every script run) return the same agent, whatever they are given.
    assert start_from_env({"POSENET_AGENT_PORT": "1"}) is server


def test_without_the_setting_no_agent_starts(fresh_process):
    assert start_from_env({}) is None
    assert replica_agent._server is None


def test_a_bad_setting_is_logged_once_and_the_app_goes_on(fresh_process, caplog):
    with caplog.at_level(logging.ERROR, logger=replica_agent.__name__):
        assert start_from_env({"POSENET_AGENT_PORT": "eighty"}) is None
        assert start_from_env({"POSENET_AGENT_PORT": "eighty"}) is None
    (record,) = caplog.records
    assert "replica agent not started" in record.message and "POSENET_AGENT_PORT='eighty'" in record.message


def test_a_port_in_use_is_logged_not_raised(fresh_process, caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with caplog.at_level(logging.ERROR, logger=replica_agent.__name__):
            assert start_from_env({"POSENET_AGENT_PORT": str(port)}) is None
    assert f"cannot listen on 127.0.0.1:{port}" in caplog.text
