"""The connection doctor's rules: what the browser found out, and how the stream went, turned into
one plain message for the student with what to do, and the technical detail for the host's log.
Plain Python.

The browser's facts come from a small script on the page (``ui.connection_doctor``): whether the
page is a secure origin (``window.isSecureContext``) and may ask for a camera
(``navigator.mediaDevices``), and which ICE candidates an ``RTCPeerConnection`` with the page's own
ICE servers gathered: host (this device's own addresses), srflx (its public address, as a STUN or
TURN server saw it) and relay (an address on the TURN server, reached over UDP, TCP or TLS), plus
the errors the TURN servers answered (``icecandidateerror``: 401 for refused credentials, 701 for
a server that could not be reached). The page adds what only the server knows: the ICE servers it
gave the browser, the camera error the browser printed, and whether the stream plays, is still
connecting or stalled.

``diagnose`` applies the rules in order; the first that fits gives the message.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from studio.plain_text import cut
from studio.ui.camera_words import CAMERA_ERROR_WORDS, INSECURE_PAGE, USE_A_SAMPLE

# How it goes: the student sees ``FINE`` in green, ``NOTE`` in blue, ``PROBLEM`` in red.
FINE, NOTE, PROBLEM = "fine", "note", "problem"
# The stream when the check was asked for.
IDLE, CONNECTING, STALLED, PLAYING = "idle", "connecting", "stalled", "playing"
STREAM_STATES = (IDLE, CONNECTING, STALLED, PLAYING)

MAX_ITEMS = 40  # candidates or errors read from one report (a browser's report is outside input)
_TELL_THE_TEACHER = "tell your teacher (or whoever runs this app)"
# The samples stream over the same connection: without one, only the teaching page works.
_MEANWHILE = "Meanwhile, the page **How decoding works** shows PoseNet step by step without a live video."
_DEFAULT_PORTS = {"turn": 3478, "turns": 5349}
_URL = re.compile(r"^(?P<scheme>turns?):(?P<host>\[[^\]]+\]|[^:?]+)(?::(?P<port>\d+))?(?:\?transport=(?P<t>\w+))?")


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One ICE candidate the browser gathered."""

    type: str  # "host", "srflx", "prflx" or "relay"
    protocol: str  # "udp" or "tcp": how the candidate itself carries media
    relay_protocol: str | None = None  # a relay's way to the TURN server: "udp", "tcp" or "tls"
    url: str | None = None  # the STUN/TURN server's URL it came from


@dataclasses.dataclass(frozen=True)
class IceError:
    """A STUN or TURN server's error (``icecandidateerror``)."""

    url: str
    code: int  # 401: credentials refused; 701: no answer (Chromium's code for an unreachable server)
    text: str = ""


@dataclasses.dataclass(frozen=True)
class BrowserFacts:
    """What the browser reported about itself and its ICE gathering."""

    secure: bool = True
    media_devices: bool = True
    webrtc: bool = True
    candidates: tuple[Candidate, ...] = ()
    errors: tuple[IceError, ...] = ()
    timed_out: bool = False  # gathering was still going when the check stopped waiting
    failure: str | None = None  # the check itself threw (its message)

    @classmethod
    def from_report(cls, report: Mapping) -> BrowserFacts:
        """The browser's report (JSON sent by the page's script: outside input), checked and kept short."""

        def text(value, limit: int = 200) -> str | None:
            return None if value is None else cut(str(value), limit)

        def items(name: str) -> list[Mapping]:
            value = report.get(name)
            return [item for item in value if isinstance(item, Mapping)][:MAX_ITEMS] if isinstance(value, list) else []

        candidates = tuple(
            Candidate(
                text(c.get("type"), 10) or "?",
                (text(c.get("protocol"), 10) or "?").lower(),
                (text(c.get("relay_protocol"), 10) or "").lower() or None,
                text(c.get("url")),
            )
            for c in items("candidates")
        )
        errors = []
        for e in items("errors"):
            try:
                code = int(e.get("code") or 0)
            except (TypeError, ValueError):
                code = 0
            errors.append(IceError(text(e.get("url")) or "?", code, text(e.get("text")) or ""))
        return cls(
            secure=report.get("secure") is True,
            media_devices=report.get("media_devices") is True,
            webrtc=report.get("webrtc") is True,
            candidates=candidates,
            errors=tuple(errors),
            timed_out=report.get("timed_out") is True,
            failure=text(report.get("error")),
        )


@dataclasses.dataclass(frozen=True)
class CheckFacts:
    """Everything the rules look at: the browser's report and what the server knows."""

    browser: BrowserFacts
    ice_urls: tuple[str, ...] = ()  # the STUN/TURN URLs this page gave the browser
    camera: bool = True  # the source is the webcam (a sample needs no camera, nor a secure page)
    camera_error: str | None = None  # the error the browser printed when it gave no camera
    stream: str = IDLE  # one of STREAM_STATES (STALLED: the last attempt stayed connecting too long)

    @property
    def turn_urls(self) -> tuple[str, ...]:
        return tuple(u for u in self.ice_urls if u.startswith(("turn:", "turns:")))


@dataclasses.dataclass(frozen=True)
class Diagnosis:
    cause: str  # a short name for tests and the log ("RelayTls", "NoTurnNoPath", a camera error's name ...)
    level: str  # FINE, NOTE or PROBLEM
    words: str  # for the student (Markdown): what happened, then what to do
    detail: str  # for the host's log: the technical why and the facts it rests on


def relay_routes(turn_urls) -> list[str]:
    """Where a network must let the browser go to reach the relay, one phrase per TURN URL
    ("TCP port 443 to turn.example.org (TLS)"), in the order given, without repeats."""
    routes = []
    for url in turn_urls:
        match = _URL.match(url)
        if not match:
            continue
        scheme, host = match["scheme"], match["host"]
        port = int(match["port"] or _DEFAULT_PORTS.get(scheme, 3478))
        transport = (match["t"] or ("tcp" if scheme == "turns" else "udp")).upper()
        route = f"{transport} port {port} to {host}" + (" (TLS)" if scheme == "turns" else "")
        if route not in routes:
            routes.append(route)
    return routes


def facts_line(facts: CheckFacts) -> str:
    """The facts in one line for the log: what was gathered, the errors, the servers given, the stream."""
    counts: dict[str, int] = {}
    for c in facts.browser.candidates:
        name = f"{c.type}/{c.protocol}" + (f" via {c.relay_protocol}" if c.relay_protocol else "")
        counts[name] = counts.get(name, 0) + 1
    gathered = ", ".join(f"{name} x{n}" for name, n in sorted(counts.items())) or "no candidates"
    errors = "; ".join(f"{e.code} at {e.url} ({e.text})" for e in facts.browser.errors) or "no errors"
    servers = ", ".join(facts.ice_urls) or "none"
    timed_out = " (gathering still running when the check stopped)" if facts.browser.timed_out else ""
    return f"gathered {gathered}{timed_out}; errors: {errors}; ICE servers given: {servers}; stream: {facts.stream}"


def _relays(facts: CheckFacts) -> set[str]:
    """How the browser reached a relay: {"udp", "tcp", "tls"} (from the candidate, else from its URL)."""
    found = set()
    for c in facts.browser.candidates:
        if c.type != "relay":
            continue
        way = c.relay_protocol
        if way is None and c.url:
            way = "tls" if c.url.startswith("turns:") else "tcp" if "transport=tcp" in c.url else "udp"
        found.add(way or "udp")
    return found


def _camera(facts: CheckFacts) -> Diagnosis | None:
    """The page cannot have the camera: not a secure origin, no camera API, or the browser said no."""
    if not facts.camera:
        return None
    browser = facts.browser
    if not browser.secure or facts.camera_error == INSECURE_PAGE:
        words = CAMERA_ERROR_WORDS[INSECURE_PAGE]
        return Diagnosis(INSECURE_PAGE, PROBLEM, words, "not a secure origin (window.isSecureContext is false)")
    if not browser.media_devices:
        words = (
            "**This browser gives this page no camera at all.** Open the link in a recent Chrome, Edge, Firefox "
            "or Safari (not in the small browser inside another app, such as a chat or mail app). " + USE_A_SAMPLE
        )
        return Diagnosis("NoCameraAccess", PROBLEM, words, "navigator.mediaDevices is missing on a secure page")
    if facts.camera_error in CAMERA_ERROR_WORDS:
        words = f"{CAMERA_ERROR_WORDS[facts.camera_error]}  \n{USE_A_SAMPLE}"
        return Diagnosis(facts.camera_error, PROBLEM, words, f"getUserMedia failed: {facts.camera_error}")
    return None


def _no_check(facts: CheckFacts) -> Diagnosis | None:
    browser = facts.browser
    if browser.webrtc and browser.failure is None:
        return None
    words = (
        "**This browser could not test a video connection** (it has no WebRTC, the technique live video "
        "calls use, or it is switched off). Open the link in a recent Chrome, Edge, Firefox or Safari."
    )
    detail = f"the check failed in the browser: {browser.failure}" if browser.webrtc else "RTCPeerConnection missing"
    return Diagnosis("NoWebRTC", PROBLEM, words, detail)


def _through_the_relay(facts: CheckFacts, relays: set[str]) -> Diagnosis:
    if facts.stream == STALLED:
        words = (
            "**Your network lets the video out, yet it did not connect: the problem is on the server's side.** "
            f"Press STOP, then START to try once more; if it fails again, {_TELL_THE_TEACHER}."
        )
        detail = (
            f"this browser reached the TURN relay ({', '.join(sorted(relays))}) but the stream did not connect: "
            "the replica may not reach the TURN server (POSENET_TURN_SERVER_URLS; UDP 3478 and the relay ports "
            "from the replica hosts), or the relay refused the server's credentials"
        )
        return Diagnosis("ServerCannotReachRelay", PROBLEM, words, detail)
    now = "**Connected" if facts.stream == PLAYING else "**Your connection works:"
    then = "" if facts.stream == PLAYING else " Press START."
    if "udp" in relays:
        words = f"{now} through this app's video relay (TURN server).** Nothing to do.{then}"
        return Diagnosis("RelayUdp", FINE, words, "relay over UDP works")
    if "tls" in relays:
        words = (
            f"{now} through the relay over TLS (port 443).** This network lets only secure web traffic out, "
            f"so the video travels the same way, through this app's relay (TURN over TLS). Nothing to do.{then}"
        )
        return Diagnosis("RelayTls", FINE, words, "UDP blocked or slow; relay over TLS on port 443 works")
    words = (
        f"{now} through the relay over TCP.** This network blocks the usual way for video (UDP), so it goes "
        f"through this app's relay (TURN over TCP). Nothing to do.{then}"
    )
    return Diagnosis("RelayTcp", FINE, words, "UDP blocked or slow; relay over TCP works")


def _relay_not_reached(facts: CheckFacts) -> Diagnosis:
    refused = sorted({e.code for e in facts.browser.errors if 400 <= e.code < 500})
    if refused:
        words = (
            "**The video relay refused this page's pass.** Reload the page to get a fresh one, then press START. "
            f"If that does not help, {_TELL_THE_TEACHER}."
        )
        detail = (
            f"the TURN server refused the credentials ({', '.join(map(str, refused))}): expired (clocks apart?) "
            "or signed with another secret than coturn's static-auth-secret (turn_secret, POSENET_TURN_SECRET)"
        )
        return Diagnosis("TurnRefused", PROBLEM, words, detail)
    if facts.stream == PLAYING:
        words = "**Connected directly to the server.** This app's video relay is out of reach here, but not needed."
        return Diagnosis("DirectOnly", FINE, words, "connected directly; no relay candidate from this network")
    routes = relay_routes(facts.turn_urls)
    words = (
        "**Nothing gets through from this network to the video relay**: this network blocks video calls. "
        f"Please {_TELL_THE_TEACHER}: the network must let this browser reach "
        f"{' or '.join(routes)}. {_MEANWHILE}"
    )
    detail = (
        f"no relay candidate from any TURN URL (701: no answer): this network blocks {', '.join(routes)}, "
        "or the TURN server (or HAProxy's route to it) is down"
    )
    return Diagnosis("NothingGetsThrough", PROBLEM, words, detail)


def _without_a_relay(facts: CheckFacts) -> Diagnosis:
    if facts.stream == PLAYING:
        words = "**Connected directly to the server.** Nothing to do."
        return Diagnosis("Direct", FINE, words, "connected directly; no TURN server configured")
    if facts.stream == STALLED:
        words = (
            "**The video cannot find a way from this network to the server.** This network blocks direct "
            "connections, and this app has no video relay (TURN server) to go around that. "
            f"Please {_TELL_THE_TEACHER}: the app needs a TURN server. {_MEANWHILE}"
        )
        detail = (
            "no TURN server configured and no direct path (UDP blocked between this browser and the replica?): "
            "configure turn_urls and turn_secret (README, 'Host it for a class')"
        )
        return Diagnosis("NoTurnNoPath", PROBLEM, words, detail)
    words = (
        "**This app has no video relay (TURN server), so the video must go directly** from this browser to the "
        "server. That works on the server's own network, but many school and home networks block it. Press "
        f"START: if it keeps spinning, {_TELL_THE_TEACHER}."
    )
    return Diagnosis("NoTurn", NOTE, words, "no TURN server configured; only a direct path can work")


def diagnose(facts: CheckFacts) -> Diagnosis:
    """One message for what the check found (rules in order: camera, WebRTC, relay, no relay)."""
    found = _camera(facts) or _no_check(facts)
    if found is None:
        relays = _relays(facts)
        if relays:
            found = _through_the_relay(facts, relays)
        elif facts.turn_urls:
            found = _relay_not_reached(facts)
        else:
            found = _without_a_relay(facts)
    return dataclasses.replace(found, detail=f"{found.detail} [{facts_line(facts)}]")
