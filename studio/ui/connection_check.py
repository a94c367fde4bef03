"""The connection doctor's part in the student's browser: a small script that finds out what this
browser can do and reach, and reports it to Python.

Only the browser can tell whether its network lets video out, so the check runs there: it reads
``window.isSecureContext`` and ``navigator.mediaDevices``, then opens an ``RTCPeerConnection`` with
the page's own ICE servers (those the streamer gets) and gathers ICE candidates for at most
``GATHER_S``: each candidate's type (host, srflx, relay), protocol and, for a
relay, how it reached the TURN server (``relayProtocol``: udp, tcp or tls), plus every error a
STUN/TURN server answered (``icecandidateerror``). Nothing is sent to anyone but the page's own
STUN/TURN servers, and no media flows.

It is a ``st.components.v2`` component, like the streamer's helper (``ui.layout``) and the
connection watch: its script runs in the page itself, and its state (``report``) comes back to
Python. A check runs once per request token, whichever mount of the component asks first (a
rerun re-mounts it while the check runs), and its report carries that token.
"""

from __future__ import annotations

import streamlit as st

from studio import timing
from studio.session_keys import DemoKeys

# The check the page starts by itself (at STALLED_CONNECTING_S) has its answer by CONNECTION_CHECKED_S.
GATHER_S = timing.CONNECTION_CHECKED_S - timing.STALLED_CONNECTING_S

_CHECK_JS = """
const candidateOf = (c) => {
  // RTCIceCandidate's fields, or read from its SDP line where a browser lacks them.
  const words = (c.candidate || '').split(' ');
  const typ = words.indexOf('typ');
  return {
    type: c.type || (typ >= 0 ? words[typ + 1] : null),
    protocol: c.protocol || (words[2] || '').toLowerCase() || null,
    relay_protocol: c.relayProtocol || null,
    url: c.url || null,
  };
};

const check = async ({ request, ice_servers, timeout_ms }) => {
  const report = {
    request,
    secure: window.isSecureContext === true,
    media_devices: !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia),
    webrtc: typeof window.RTCPeerConnection === 'function',
    candidates: [], errors: [], timed_out: false, error: null,
  };
  if (!report.webrtc) return report;
  let pc = null;
  try {
    pc = new RTCPeerConnection({ iceServers: ice_servers || [] });
    const gathered = new Promise((resolve) => {
      const timer = setTimeout(() => { report.timed_out = true; resolve(); }, timeout_ms);
      const done = () => { clearTimeout(timer); resolve(); };
      pc.onicecandidate = (event) => {
        if (!event.candidate) return done();  // gathering complete
        if (event.candidate.candidate) report.candidates.push(candidateOf(event.candidate));
      };
      pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') done(); };
    });
    pc.onicecandidateerror = (event) => {
      report.errors.push({ url: event.url || null, code: event.errorCode || 0, text: event.errorText || '' });
    };
    pc.createDataChannel('connection-check');  // something to gather candidates for
    await pc.setLocalDescription(await pc.createOffer());
    await gathered;
  } catch (error) {
    report.error = String((error && error.message) || error);
  } finally {
    if (pc) pc.close();
  }
  return report;
};

export default function (component) {
  const { setStateValue, data } = component;
  if (!data.request) return;
  const checks = window.__posenetConnectionChecks = window.__posenetConnectionChecks || {};
  if (!checks[data.request]) checks[data.request] = { running: check(data), reported: false };
  const mine = checks[data.request];
  let mounted = true;
  mine.running.then((report) => {
    if (!mounted || mine.reported) return;
    mine.reported = true;  // a state change reruns the page: report once
    setStateValue('report', report);
  });
  return () => { mounted = false; };
}
"""

_check = None


def browser_report(keys: DemoKeys, request: str | None, config: dict) -> dict | None:
    """Mount the check (once per page run). With a ``request`` token the browser checks once for it,
    with ``config``'s ICE servers (the page's RTCConfiguration). Returns the browser's last report
    (its ``request`` says which check it answers), or None before the first."""
    global _check
    if _check is None:
        _check = st.components.v2.component("studio_connection_check", js=_CHECK_JS)
    data = {
        "request": request,
        "ice_servers": config.get("iceServers", []),
        "timeout_ms": round(GATHER_S * 1000),
    }
    result = _check(key=keys.connection_check, data=data, on_report_change=lambda: None)
    report = getattr(result, "report", None) if result is not None else None
    return report if isinstance(report, dict) else None
