"""Short-lived TURN credentials (coturn's TURN REST API scheme) and the RTCConfiguration built from them."""

from __future__ import annotations

import base64
import json

import pytest

from studio.hosting import ice
from studio.live import webrtc_compat
from studio.session_keys import TURN_CREDENTIALS

SECRET = "north-wind"
ENV = {"POSENET_TURN_URLS": "turn:127.0.0.1:3478?transport=udp", "POSENET_TURN_SECRET": SECRET}


def test_password_matches_a_worked_example():
    """The scheme by hand, for username ``1700000000:alice`` and secret ``north-wind``:

    HMAC-SHA1(key=b"north-wind", msg=b"1700000000:alice")
      = 3a4a3876df2efc46d3463454256403166ff34c27 (20 bytes, hex)
    base64 of those 20 bytes = "Oko4dt8u/EbTRjRUJWQDFm/zTCc="

    (checked independently with
    ``printf '%s' 1700000000:alice | openssl dgst -sha1 -hmac north-wind -binary | base64``.)
    """
    assert ice.turn_password("north-wind", "1700000000:alice") == "Oko4dt8u/EbTRjRUJWQDFm/zTCc="
    assert base64.b64decode("Oko4dt8u/EbTRjRUJWQDFm/zTCc=").hex() == "3a4a3876df2efc46d3463454256403166ff34c27"


def test_credentials_expire_ttl_seconds_from_now_with_a_random_id():
    first = ice.turn_credentials(SECRET, 600, now=1_700_000_000.7)
    second = ice.turn_credentials(SECRET, 600, now=1_700_000_000.7)
    expiry, user_id = first["username"].split(":")
    assert int(expiry) == first["expires"] == 1_700_000_600
    assert len(user_id) >= 16 and first["username"] != second["username"]
    assert first["credential"] == ice.turn_password(SECRET, first["username"])
    assert ice.turn_credentials(SECRET, 0, now=1_700_000_000, user_id="alice")["credential"] == (
        "Oko4dt8u/EbTRjRUJWQDFm/zTCc="
    )


def test_each_session_gets_its_own_username_kept_until_half_its_life_is_gone():
    setup = ice.ice_setup(None, dict(ENV, POSENET_TURN_TTL="600"))
    alice, bob = {}, {}
    a1 = ice.rtc_configuration(setup, alice, now=1000)
    b1 = ice.rtc_configuration(setup, bob, now=1000)
    (turn_a,), (turn_b,) = a1["iceServers"], b1["iceServers"]
    assert turn_a["urls"] == ["turn:127.0.0.1:3478?transport=udp"]
    assert turn_a["username"] != turn_b["username"]
    assert turn_a["username"].startswith("1600:")
    assert ice.rtc_configuration(setup, alice, now=1299) == a1  # 301 s left of 600: kept
    renewed = ice.rtc_configuration(setup, alice, now=1301)["iceServers"][0]  # 299 s left: renewed
    assert renewed["username"].startswith("1901:") and renewed["credential"] != turn_a["credential"]


def test_the_server_gets_the_inside_turn_url_first_and_the_browser_the_public_ones():
    public = "turn:turn.class.test:3478?transport=udp,turns:turn.class.test:443?transport=tcp"
    env = dict(ENV, POSENET_TURN_URLS=public, POSENET_TURN_SERVER_URLS="turn:10.231.0.1:3478?transport=udp")
    setup, session = ice.ice_setup(None, env), {}
    browser = ice.rtc_configuration(setup, session, now=1000)["iceServers"][0]
    server = ice.rtc_configuration(setup, session, now=1000, for_server=True)["iceServers"][0]
    assert browser["urls"] == public.split(",")  # names the browser resolves; TLS on 443 through a firewall
    assert server["urls"] == ["turn:10.231.0.1:3478?transport=udp"]  # aiortc uses the first TURN URL only
    assert server["username"] == browser["username"]  # one session, one credential (coturn's log names it)
    alone = ice.ice_setup(None, ENV)  # no server URLs: both sides the same, as before
    assert ice.rtc_configuration(alone, {}, now=1000, for_server=True)["iceServers"][0]["urls"] == [
        "turn:127.0.0.1:3478?transport=udp"
    ]


def test_the_secret_never_reaches_the_browser():
    setup = ice.ice_setup(None, dict(ENV, POSENET_ICE_TRANSPORT_POLICY="relay"))
    config = ice.rtc_configuration(setup, {})
    assert SECRET not in json.dumps(config)
    assert set(config) == {"iceServers", "iceTransportPolicy"}
    assert set(config["iceServers"][0]) == {"urls", "username", "credential"}
    assert SECRET not in repr(setup)


def test_relay_policy_reaches_the_browser_configuration():
    relay = ice.ice_setup(None, dict(ENV, POSENET_ICE_TRANSPORT_POLICY="Relay"))
    assert ice.rtc_configuration(relay, {})["iceTransportPolicy"] == "relay"
    assert "iceTransportPolicy" not in ice.rtc_configuration(ice.ice_setup(None, ENV), {})


def test_static_servers_stay_supported_next_to_short_lived_ones():
    static = [{"urls": "stun:stun.example.org"}]
    setup = ice.ice_setup({"ice_servers": static, "turn_urls": ["turn:t.example.org:3478"], "turn_secret": "s"}, {})
    config = ice.rtc_configuration(setup, {})
    assert config["iceServers"][0] == {"urls": ["stun:stun.example.org"]}
    assert config["iceServers"][1]["urls"] == ["turn:t.example.org:3478"]
    assert setup.origin == "secrets" and setup.server_count == 2
    assert ice.ice_setup(None, {}) == ice.IceSetup([], None, "all", "none")
    assert ice.rtc_configuration(ice.ice_setup(None, {}), {}) == {"iceServers": []}


def test_secrets_win_over_the_environment():
    setup = ice.ice_setup({"turn_urls": "turn:a:3478", "turn_secret": "from-secrets", "turn_ttl": 120}, ENV)
    assert setup.turn == ice.TurnSecret(("turn:a:3478",), "from-secrets", 120)
    assert setup.origin == "secrets"


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"POSENET_TURN_URLS": "turn:a:3478"}, "POSENET_TURN_SECRET\\) is missing"),
        ({"POSENET_TURN_SECRET": "s"}, "POSENET_TURN_URLS\\) is missing"),
        ({**ENV, "POSENET_TURN_URLS": "stun:a:3478"}, "at least one turn: or turns: URL"),
        ({**ENV, "POSENET_TURN_URLS": "http://a"}, "stun:, turn: or turns:"),
        ({**ENV, "POSENET_TURN_TTL": "an hour"}, "whole number of seconds"),
        ({**ENV, "POSENET_TURN_TTL": "5"}, "at least 60 seconds"),
        ({**ENV, "POSENET_ICE_TRANSPORT_POLICY": "direct"}, "must be all or relay"),
        ({"POSENET_ICE_TRANSPORT_POLICY": "relay"}, "relay needs a TURN server"),
        ({"POSENET_ICE_TRANSPORT_POLICY": "relay", "POSENET_ICE_SERVERS": '[{"urls": "stun:x"}]'}, "needs a TURN"),
    ],
)
def test_bad_turn_configuration_is_a_clear_error(environ, message):
    with pytest.raises(ice.IceConfigError, match=message):
        ice.ice_setup(None, environ)


def test_stall_advice_names_turn_only_when_turn_is_configured():
    assert "TURN relay" in ice.stall_advice(ice.ice_setup(None, ENV))
    assert "relayed connections only" in ice.stall_advice(
        ice.ice_setup(None, {**ENV, "POSENET_ICE_TRANSPORT_POLICY": "relay"})
    )
    assert "no TURN server is configured" in ice.stall_advice(ice.ice_setup(None, {}))
    assert "no TURN server is configured" in ice.stall_advice(None)


def test_the_server_side_gets_the_relay_only_policy():
    """streamlit-webrtc 0.79.0 drops iceTransportPolicy when it builds aiortc's configuration; the
    wrapper puts it back, so aiortc gathers relayed candidates only."""
    from aiortc import RTCIceTransportPolicy
    from streamlit_webrtc import component

    webrtc_compat.honour_server_transport_policy()
    webrtc_compat.honour_server_transport_policy()  # idempotent: wraps once
    config = ice.rtc_configuration(ice.ice_setup(None, {**ENV, "POSENET_ICE_TRANSPORT_POLICY": "relay"}), {})
    compiled = component.compile_rtc_configuration(config)
    assert compiled.iceTransportPolicy == RTCIceTransportPolicy.RELAY
    assert compiled.iceServers[0].username == config["iceServers"][0]["username"]
    assert component.compile_rtc_configuration({"iceServers": []}).iceTransportPolicy == RTCIceTransportPolicy.ALL


@pytest.fixture
def webrtc_without_runtime(monkeypatch):
    # As in test_app_pages: AppTest has no Streamlit server, so streamlit-webrtc must skip
    # asking it for the session's run count.
    from studio.live import webrtc_compat

    webrtc_compat.without_session_info(monkeypatch)


def _demo_page_with(secrets: dict):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO_ROOT

    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120)
    for key, value in secrets.items():
        app.secrets[key] = value
    return app.switch_page("pages/multi_pose.py").run()


def test_the_page_hands_each_session_a_credential_and_keeps_the_secret(webrtc_without_runtime):
    app = _demo_page_with({"turn_urls": ["turn:turn.example.org:3478"], "turn_secret": SECRET})
    assert not app.exception
    assert any("1 STUN/TURN server(s) from its secrets" in c.value for c in app.caption)
    credentials = app.session_state[TURN_CREDENTIALS]
    assert credentials["credential"] == ice.turn_password(SECRET, credentials["username"])
    app.run()  # a rerun keeps the session's credential
    assert app.session_state[TURN_CREDENTIALS] == credentials


def test_a_wrong_ice_configuration_is_a_clear_message_on_the_page(webrtc_without_runtime):
    app = _demo_page_with({"ice_transport_policy": "relay"})
    assert not app.exception
    assert any("relay needs a TURN server" in e.value for e in app.error)
