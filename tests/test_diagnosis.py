"""The connection doctor's rules (studio/ui/diagnosis.py): every rule, from the facts a browser reports
and what the server knows, to one plain message with what to do, and the detail for the host's log."""

from __future__ import annotations

import pytest

from studio.ui import diagnosis
from studio.ui.camera_words import CAMERA_ERROR_WORDS, CAMERA_ERRORS, INSECURE_PAGE
from studio.ui.diagnosis import FINE, NOTE, PROBLEM, BrowserFacts, Candidate, CheckFacts, IceError, diagnose

UDP_URL = "turn:turn.school.org:3478?transport=udp"
TLS_URL = "turns:turn.school.org:443?transport=tcp"
TURN = (UDP_URL, TLS_URL)  # what deploy/up gives browsers
HOST = Candidate("host", "udp")
RELAY_UDP = Candidate("relay", "udp", "udp", UDP_URL)
RELAY_TLS = Candidate("relay", "udp", "tls", TLS_URL)
RELAY_TCP = Candidate("relay", "udp", "tcp", "turn:turn.school.org:3478?transport=tcp")
NO_ANSWER = IceError(UDP_URL, 701, "TURN allocate request timed out.")


def check(*candidates, errors=(), ice_urls=TURN, stream=diagnosis.IDLE, camera=True, camera_error=None, **browser):
    facts = BrowserFacts(candidates=tuple(candidates), errors=tuple(errors), **browser)
    return diagnose(CheckFacts(facts, tuple(ice_urls), camera, camera_error, stream))


def is_plain(words: str) -> bool:
    """For a student: no error codes, no protocol names without their plain words."""
    return "701" not in words and "401" not in words and "ICE" not in words and "candidate" not in words


# The camera first: the page cannot have it ---------------------------------------------------------


def test_not_a_secure_origin_says_open_the_https_link():
    found = check(HOST, RELAY_UDP, secure=False)
    assert (found.cause, found.level) == (INSECURE_PAGE, PROBLEM)
    assert found.words == CAMERA_ERROR_WORDS[INSECURE_PAGE] and "`https://` link" in found.words
    assert "isSecureContext" in found.detail


def test_the_helpers_insecure_page_counts_as_not_secure():
    assert check(HOST, camera_error=INSECURE_PAGE).cause == INSECURE_PAGE


def test_a_sample_needs_no_secure_page_so_the_network_is_checked():
    found = check(HOST, RELAY_UDP, secure=False, camera=False)
    assert (found.cause, found.level) == ("RelayUdp", FINE)


def test_a_secure_page_without_camera_access_names_the_browser():
    found = check(HOST, media_devices=False)
    assert (found.cause, found.level) == ("NoCameraAccess", PROBLEM)
    assert "recent Chrome" in found.words and "sample" in found.words


@pytest.mark.parametrize("error", CAMERA_ERRORS)
def test_a_camera_error_gets_the_words_the_page_shows_for_it(error):
    found = check(HOST, RELAY_UDP, camera_error=error)
    assert (found.cause, found.level) == (error, PROBLEM)
    assert found.words.startswith(CAMERA_ERROR_WORDS[error]) and "sample" in found.words
    assert error in found.detail


def test_a_camera_error_with_a_sample_source_is_not_the_problem():
    assert check(HOST, RELAY_UDP, camera=False, camera_error="NotReadableError").cause == "RelayUdp"


# Whether the browser could check at all -------------------------------------------------------------


def test_no_webrtc_in_the_browser():
    found = check(webrtc=False)
    assert (found.cause, found.level) == ("NoWebRTC", PROBLEM)
    assert "WebRTC" in found.words and "RTCPeerConnection missing" in found.detail


def test_a_check_that_failed_in_the_browser_says_so_and_logs_why():
    found = check(failure="InvalidAccessError: bad ICE server URL")
    assert found.cause == "NoWebRTC" and "bad ICE server URL" in found.detail


# A relay was reached -----------------------------------------------------------------------------------


def test_relay_over_udp_works():
    found = check(HOST, RELAY_UDP, RELAY_TLS)
    assert (found.cause, found.level) == ("RelayUdp", FINE)
    assert found.words.startswith("**Your connection works") and "Press START" in found.words


def test_udp_blocked_but_tls_on_443_works_is_fine_and_not_alarming():
    found = check(HOST, RELAY_TLS, errors=[NO_ANSWER], stream=diagnosis.PLAYING)
    assert (found.cause, found.level) == ("RelayTls", FINE)
    assert found.words.startswith("**Connected through the relay over TLS (port 443).**")
    assert "Nothing to do" in found.words and "Press START" not in found.words
    assert not any(alarm in found.words.lower() for alarm in ("cannot", "fail", "error", "teacher"))


def test_relay_over_tls_before_start_says_press_start():
    found = check(HOST, RELAY_TLS, timed_out=True)
    assert found.words.startswith("**Your connection works: through the relay over TLS (port 443).**")
    assert "Press START" in found.words


def test_relay_over_tcp_works():
    found = check(HOST, RELAY_TCP)
    assert (found.cause, found.level) == ("RelayTcp", FINE) and "over TCP" in found.words


def test_a_relay_without_relay_protocol_is_read_from_its_url():
    older_browser = Candidate("relay", "udp", None, TLS_URL)
    assert check(older_browser).cause == "RelayTls"
    assert check(Candidate("relay", "udp", None, "turn:t:3478?transport=tcp")).cause == "RelayTcp"
    assert check(Candidate("relay", "udp")).cause == "RelayUdp"


def test_relay_reached_yet_the_stream_stalled_points_at_the_server():
    found = check(HOST, RELAY_TLS, stream=diagnosis.STALLED)
    assert (found.cause, found.level) == ("ServerCannotReachRelay", PROBLEM)
    assert "server's side" in found.words and "teacher" in found.words and is_plain(found.words)
    assert "POSENET_TURN_SERVER_URLS" in found.detail


# TURN configured, no relay reached ------------------------------------------------------------------------


def test_credentials_refused():
    refused = IceError(TLS_URL, 401, "Unauthorized")
    found = check(HOST, errors=[refused, NO_ANSWER])
    assert (found.cause, found.level) == ("TurnRefused", PROBLEM)
    assert "Reload the page" in found.words and is_plain(found.words)
    assert "401" in found.detail and "static-auth-secret" in found.detail


def test_nothing_gets_through_says_tell_the_teacher_and_which_ports():
    found = check(HOST, errors=[NO_ANSWER, IceError(TLS_URL, 701, "")], stream=diagnosis.STALLED)
    assert (found.cause, found.level) == ("NothingGetsThrough", PROBLEM)
    assert "tell your teacher" in found.words and is_plain(found.words)
    assert "UDP port 3478 to turn.school.org or TCP port 443 to turn.school.org (TLS)" in found.words
    assert "How decoding works" in found.words  # what works without a stream
    assert "701 at turn:turn.school.org:3478" in found.detail


def test_no_relay_but_playing_means_a_direct_path():
    found = check(HOST, errors=[NO_ANSWER], stream=diagnosis.PLAYING)
    assert (found.cause, found.level) == ("DirectOnly", FINE)


# No TURN configured -----------------------------------------------------------------------------------------


def test_no_turn_and_no_direct_path_names_the_cause():
    found = check(HOST, ice_urls=(), stream=diagnosis.STALLED)
    assert (found.cause, found.level) == ("NoTurnNoPath", PROBLEM)
    assert "cannot find a way" in found.words and "no video relay (TURN server)" in found.words
    assert "tell your teacher" in found.words and is_plain(found.words)
    assert "no TURN server configured" in found.detail and "turn_urls" in found.detail


def test_no_turn_before_start_warns_gently():
    found = check(HOST, ice_urls=())
    assert (found.cause, found.level) == ("NoTurn", NOTE) and "Press START" in found.words
    assert check(HOST, ice_urls=(), stream=diagnosis.CONNECTING).cause == "NoTurn"


def test_a_stun_server_is_no_relay():
    assert check(HOST, Candidate("srflx", "udp"), ice_urls=("stun:stun.example.org:3478",)).cause == "NoTurn"


def test_no_turn_but_playing_is_a_direct_connection():
    found = check(HOST, ice_urls=(), stream=diagnosis.PLAYING)
    assert (found.cause, found.level) == ("Direct", FINE)


# The facts: read from the browser, written to the log -----------------------------------------------------


def test_the_log_detail_lists_what_was_gathered_and_the_servers_given():
    found = check(HOST, HOST, RELAY_TLS, errors=[NO_ANSWER], timed_out=True, stream=diagnosis.PLAYING)
    assert "host/udp x2" in found.detail and "relay/udp via tls x1" in found.detail
    assert "still running" in found.detail and f"ICE servers given: {UDP_URL}, {TLS_URL}" in found.detail
    assert "stream: playing" in found.detail


def test_a_browser_report_is_read_as_outside_input():
    report = {
        "secure": True,
        "media_devices": True,
        "webrtc": True,
        "candidates": [
            {"type": "relay", "protocol": "UDP", "relay_protocol": "TLS", "url": TLS_URL},
            "not a candidate",
            {"type": "host\nFAKE LOG LINE", "protocol": None},
        ]
        + [{"type": "host", "protocol": "udp"}] * 100,
        "errors": [{"url": UDP_URL, "code": "seven hundred", "text": "x" * 5000}, {"code": 401}],
        "timed_out": "yes",  # not True: not believed
        "error": None,
    }
    facts = BrowserFacts.from_report(report)
    assert facts.candidates[0] == Candidate("relay", "udp", "tls", TLS_URL)
    assert "\n" not in facts.candidates[1].type and len(facts.candidates) == diagnosis.MAX_ITEMS
    assert facts.errors[0].code == 0 and len(facts.errors[0].text) <= 200
    assert facts.errors[1] == IceError("?", 401, "")
    assert facts.timed_out is False and facts.failure is None


def test_a_report_missing_everything_claims_nothing():
    facts = BrowserFacts.from_report({"candidates": "many"})
    assert (facts.secure, facts.media_devices, facts.webrtc, facts.candidates) == (False, False, False, ())


@pytest.mark.parametrize(
    ("urls", "routes"),
    [
        ((TLS_URL,), ["TCP port 443 to turn.school.org (TLS)"]),
        (("turn:10.0.0.1",), ["UDP port 3478 to 10.0.0.1"]),
        (("turns:t.org",), ["TCP port 5349 to t.org (TLS)"]),
        (("turn:t.org:3478?transport=tcp", "turn:t.org:3478?transport=tcp"), ["TCP port 3478 to t.org"]),
        (("turn:[2001:db8::1]:3478",), ["UDP port 3478 to [2001:db8::1]"]),
        (("stun:s.org:3478", "not a url"), []),
    ],
)
def test_relay_routes_in_words(urls, routes):
    assert diagnosis.relay_routes(urls) == routes
