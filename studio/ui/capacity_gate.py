"""The demo pages' side of admission: a streamer while there is room, a plain "full" message when not."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit_webrtc import WebRtcStreamerContext

from studio.hosting.admission import ADMISSION, FULL
from studio.live.streamlit_compat import current_session_id
from studio.site_map import TEACHING

RETRY_EVERY_S = 2.0


def server_load_line() -> str:
    """For the live numbers: how busy this server is."""
    return f"Server: {ADMISSION.live()} of {ADMISSION.limit} live streams"


def _retry_when_room(stream) -> None:
    # Runs every RETRY_EVERY_S on its own; the whole page comes back (with START) once a place is free.
    if ADMISSION.has_room_for(stream):
        st.rerun(scope="app")


def full_notice(stream) -> None:
    """In place of the streamer: the demo is full, how many stream now, and a check every few seconds."""
    live = ADMISSION.live()
    people = "person is" if live == 1 else "people are"
    st.warning(
        f"**{FULL.capitalize()}.** {live} {people} streaming on this server right now. "
        "Please try again shortly: this page checks every few seconds and shows START "
        "as soon as there is room. Meanwhile, the teaching page shows how PoseNet decodes a picture, "
        "step by step, without a stream.",
        icon=":material/group:",
    )
    st.page_link(TEACHING.path, label=TEACHING.title, icon=TEACHING.icon)
    st.fragment(_retry_when_room, run_every=RETRY_EVERY_S)(stream)


def admitted_streamer(stream, start: Callable[[], WebRtcStreamerContext]) -> WebRtcStreamerContext | None:
    """``start()`` (render the streamer) if this stream has or can get a place; else the "full" message.

    ``stream``: this stream's ``LiveStream``, its identity for admission. A stream takes its
    place in the run START causes and gives it back in the run STOP causes; a closed tab or
    a left page frees it when its frames stop (``admission``).
    """
    owner = current_session_id()
    if not ADMISSION.has_room_for(stream, owner):
        full_notice(stream)  # no streamer rendered: no START to press, and a stream that lost a race stops
        return None
    context = start()
    if context.state.playing or context.state.signalling:
        if not ADMISSION.admit(stream, owner):  # another session took the last place while this run ran
            st.rerun()
    else:
        ADMISSION.release(stream)
    return context
