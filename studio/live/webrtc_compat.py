"""Every private part of streamlit-webrtc this app relies on, in one place.

streamlit-webrtc is pinned (``requirements.txt``: ``PINNED_VERSION``). Its public API has no
way to stop a stream from the server, to tell "started" from "starting", or to choose the
relay its workers share, so the app reaches into these internals, and only through here:

- ``reset_context(context)``: ``streamlit_webrtc.component._reset_context``. Stops a
  streamer's worker and marks it stopped, exactly as the STOP button does. Used to release
  the stream of a closed tab (``session_watch``), of a source no longer chosen and of a page
  the user came back to (``streamer``).
- ``forget_last_render(context)``: ``WebRtcStreamerContext._last_rendered_run_count``. The
  library tears a stream down when one script run did not render it (its guess at "the user
  left the page"); fragment and connection-set-up reruns fooled that guess, so ``streamer``
  detects page changes itself and clears the library's record.
- ``worker_of(context)``: ``WebRtcStreamerContext._get_worker()``. The running worker, or
  None; the public ``state`` says what the browser last reported, not whether the server
  still runs a worker, which is what releasing a stream needs to know.
- ``shared_relay`` / ``set_shared_relay``: the runtime attribute
  ``"streamlit-webrtc-global-relay"``, where the library keeps the ``MediaRelay`` all its
  workers share; ``relay`` puts one there that never queues frames.
- ``event_loop()`` / ``loop_context``: ``streamlit_webrtc.eventloop``, the loop the streams
  run on; the relay must be made on it.
- ``honour_server_transport_policy()``: wraps ``streamlit_webrtc.component.compile_rtc_configuration``,
  which keeps only ``iceServers`` of the server's configuration, so that a relay-only
  ``iceTransportPolicy`` reaches aiortc too (``ice``'s ``POSENET_ICE_TRANSPORT_POLICY=relay``).
- ``STREAMER_IFRAME``: the CSS selector of the iframe the component draws the video in (its
  title is the component's module path); the page's CSS and scripts and the browser tests find
  the video by it.
- ``quiet_dropped_frames()``: the ``streamlit_webrtc.process`` logger, which warns once per
  frame a worker drops; dropping is what the live path wants, so it logs errors only.
- ``without_session_info()``: ``streamlit_webrtc.component.get_this_session_info``. Under
  AppTest (no server) it returns a mock; tests replace it with "no session" so the
  library skips its run-count bookkeeping.

If the installed version differs from the pinned one, importing this module warns; if one
of these parts is gone, it raises ``ImportError`` naming the pinned version.
"""

from __future__ import annotations

import importlib.metadata
import logging
import warnings
from collections.abc import Mapping

from streamlit_webrtc import WebRtcStreamerContext

PINNED_VERSION = "0.79.0"
RELAY_ATTRIBUTE = "streamlit-webrtc-global-relay"
STREAMER_IFRAME = 'iframe[title="streamlit_webrtc.component.webrtc_streamer"]'
_PROCESS_LOGGER = "streamlit_webrtc.process"


def _installed_version() -> str | None:
    try:
        return importlib.metadata.version("streamlit-webrtc")
    except importlib.metadata.PackageNotFoundError:  # imported from a source tree
        return None


INSTALLED_VERSION = _installed_version()
if INSTALLED_VERSION != PINNED_VERSION:
    warnings.warn(
        f"PoseNet Studio is tested with streamlit-webrtc {PINNED_VERSION} and uses some of its private parts "
        f"(see studio/live/webrtc_compat.py); installed: {INSTALLED_VERSION or 'unknown'}. "
        f"Install streamlit-webrtc=={PINNED_VERSION} if streams misbehave.",
        RuntimeWarning,
        stacklevel=2,
    )

try:
    from streamlit_webrtc import component as _component
    from streamlit_webrtc.component import _reset_context
    from streamlit_webrtc.eventloop import get_global_event_loop, loop_context
except ImportError as error:  # pragma: no cover - only with another streamlit-webrtc
    raise ImportError(
        f"streamlit-webrtc {INSTALLED_VERSION} lacks a private part PoseNet Studio needs ({error}); "
        f"install streamlit-webrtc=={PINNED_VERSION} (see studio/live/webrtc_compat.py)"
    ) from error

for _name in ("_get_worker", "_last_rendered_run_count"):
    if not hasattr(WebRtcStreamerContext, _name) and _name not in WebRtcStreamerContext.__annotations__:
        raise ImportError(
            f"streamlit-webrtc {INSTALLED_VERSION}'s WebRtcStreamerContext has no {_name}; "
            f"install streamlit-webrtc=={PINNED_VERSION} (see studio/live/webrtc_compat.py)"
        )

__all__ = [
    "PINNED_VERSION",
    "STREAMER_IFRAME",
    "event_loop",
    "forget_last_render",
    "honour_server_transport_policy",
    "is_running",
    "loop_context",
    "quiet_dropped_frames",
    "reset_context",
    "set_shared_relay",
    "shared_relay",
    "without_session_info",
    "worker_of",
]


def reset_context(context: WebRtcStreamerContext) -> None:
    """Stop ``context``'s stream as STOP does (its worker stops, its state says not playing)."""
    _reset_context(context)


def forget_last_render(context: WebRtcStreamerContext) -> None:
    """Switch off the library's "not rendered last run, so the user left" teardown for this run."""
    context._last_rendered_run_count = None


def worker_of(context: WebRtcStreamerContext):
    """The worker running ``context``'s stream on the server, or None."""
    return context._get_worker()


def is_running(context: WebRtcStreamerContext | None) -> bool:
    return context is not None and worker_of(context) is not None


def event_loop():
    """The event loop streamlit-webrtc runs every stream on."""
    return get_global_event_loop()


def shared_relay(runtime):
    """The relay the library's workers share, or None before the first stream."""
    return getattr(runtime, RELAY_ATTRIBUTE, None)


def set_shared_relay(runtime, relay) -> None:
    setattr(runtime, RELAY_ATTRIBUTE, relay)


def quiet_dropped_frames() -> None:
    """Log only errors of the workers: they warn for every frame dropped, which is intended here."""
    logging.getLogger(_PROCESS_LOGGER).setLevel(logging.ERROR)


def without_session_info(monkeypatch) -> None:
    """For AppTest (no server): make the library see no session, so it skips its run-count bookkeeping."""
    monkeypatch.setattr(_component, "get_this_session_info", lambda: None)


def honour_server_transport_policy() -> None:
    """Make streamlit-webrtc 0.79.0 pass ``iceTransportPolicy`` on to aiortc.

    aiortc 1.16 supports relay-only (``RTCConfiguration.iceTransportPolicy``), but
    streamlit-webrtc's ``compile_rtc_configuration`` keeps only ``iceServers`` of the dict it
    is given, so the server side would offer host candidates too. This wraps it (idempotent).
    """
    from aiortc import RTCIceTransportPolicy

    original = _component.compile_rtc_configuration
    if getattr(original, "honours_transport_policy", False):
        return

    def compile_with_policy(config):
        compiled = original(config)
        if isinstance(config, Mapping) and config.get("iceTransportPolicy") == "relay":
            compiled.iceTransportPolicy = RTCIceTransportPolicy.RELAY
        return compiled

    compile_with_policy.honours_transport_policy = True
    _component.compile_rtc_configuration = compile_with_policy
