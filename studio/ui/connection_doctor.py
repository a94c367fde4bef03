"""The connection doctor: "Check my connection" (in the help under the video), and by itself when a
stream stays connecting too long; what it finds, in plain words above the video; the detail in the
host's log.

The browser gathers the facts (``ui.connection_check``), the rules (``ui.diagnosis``) turn them
into one message. A check asked for by the student stays on the page until the next one; one the
page ran because the stream stalled goes once a stream plays. A camera error the page already
shows above the video (``live_panel.camera_error_notice``) is not said twice.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets

import streamlit as st

from studio.live import streamlit_compat
from studio.session_keys import DemoKeys
from studio.ui import diagnosis
from studio.ui.connection_check import browser_report

LOGGER = logging.getLogger(__name__)
ASKED, AUTO = "asked", "auto"  # who started a check: the student, or the page when the stream stalled
BUTTON = "Check my connection"
CHECKING = "**Checking your connection…** This takes a few seconds."
_SHOW = {diagnosis.FINE: st.success, diagnosis.NOTE: st.info, diagnosis.PROBLEM: st.error}
_ICON = {
    diagnosis.FINE: ":material/wifi:",
    diagnosis.NOTE: ":material/info:",
    diagnosis.PROBLEM: ":material/wifi_off:",
}


@dataclasses.dataclass(frozen=True)
class CheckRequest:
    token: str  # the browser's report names it
    origin: str  # ASKED or AUTO
    stream: str  # diagnosis.STREAM_STATES, when it was asked for


def note_stalled(keys: DemoKeys, since: float) -> bool:
    """For the live panel: the attempt that began at ``since`` (monotonic) has been connecting too long.
    True the first time for that attempt: the page then reruns, and the doctor checks."""
    if st.session_state.get(keys.doctor("stalled")) == since:
        return False
    st.session_state[keys.doctor("stalled")] = since
    return True


def _stream_state(keys: DemoKeys, state) -> str:
    if state.playing:
        return diagnosis.PLAYING
    if st.session_state.get(keys.doctor("stalled")) is not None:  # the last attempt did not connect
        return diagnosis.STALLED
    return diagnosis.CONNECTING if state.signalling else diagnosis.IDLE


def _ask(keys: DemoKeys, origin: str, stream: str) -> None:
    st.session_state[keys.doctor("request")] = CheckRequest(secrets.token_hex(6), origin, stream)


def ice_urls(config: dict) -> tuple[str, ...]:
    """Every STUN/TURN URL in an RTCConfiguration."""
    urls = []
    for server in config.get("iceServers", []):
        given = server.get("urls", [])
        urls += [given] if isinstance(given, str) else list(given)
    return tuple(urls)


def _diagnosis(keys: DemoKeys, request: CheckRequest, facts: diagnosis.CheckFacts) -> diagnosis.Diagnosis:
    """The diagnosis of ``request``: made and logged once, then kept."""
    kept = st.session_state.get(keys.doctor("diagnosis"))
    if kept is not None and kept[0] == request.token:
        return kept[1]
    found = diagnosis.diagnose(facts)
    st.session_state[keys.doctor("diagnosis")] = (request.token, found)
    LOGGER.log(
        logging.WARNING if found.level == diagnosis.PROBLEM else logging.INFO,
        "connection check (%s) in session %s on the %s page: %s: %s",
        request.origin,
        (streamlit_compat.current_session_id() or "no-session")[:8],
        keys.page,
        found.cause,
        found.detail,
    )
    return found


def doctor_button(keys: DemoKeys, state) -> None:
    """The student's way to ask (``state``: the streamer's); where the page's help is, so that the
    controls stay in reach on a phone."""
    st.button(
        BUTTON,
        key=keys.doctor("button"),
        on_click=_ask,
        args=(keys, ASKED, _stream_state(keys, state)),
        icon=":material/network_check:",
        help="Finds out, from this browser, whether the video can get through this network to the server, "
        "and if not, why and what to do.",
    )


def connection_doctor(keys: DemoKeys, config: dict, state, camera: bool, camera_error: str | None, says) -> None:
    """After the streamer: runs the check asked for (by ``doctor_button`` or by a stalled stream) and
    says in ``says``, a container above the video, what the last check found. ``config``: the page's
    RTCConfiguration; ``state``: the streamer's state (playing, signalling); ``camera``: the source is
    the webcam."""
    if state.playing:
        st.session_state.pop(keys.doctor("stalled"), None)
    stalled = st.session_state.get(keys.doctor("stalled"))
    if stalled is not None and st.session_state.get(keys.doctor("auto_for")) != stalled:
        st.session_state[keys.doctor("auto_for")] = stalled
        _ask(keys, AUTO, diagnosis.STALLED)
    request = st.session_state.get(keys.doctor("request"))
    report = browser_report(keys, request.token if request else None, config)
    if request is None:
        return
    with says:
        if report is None or report.get("request") != request.token:
            st.info(CHECKING, icon=":material/network_check:")
            return
        facts = diagnosis.CheckFacts(
            diagnosis.BrowserFacts.from_report(report), ice_urls(config), camera, camera_error, request.stream
        )
        found = _diagnosis(keys, request, facts)
        if request.origin == AUTO and state.playing:
            return  # the stream that stalled is playing now
        if found.cause == camera_error:
            return  # said above the video already
        _SHOW[found.level](found.words, icon=_ICON[found.level])
