"""A word on the page while a cold server imports a page's libraries, instead of a blank page.

The first visit after the server starts imports the video and network libraries (streamlit-webrtc,
aiortc, PyAV, OpenCV, LiteRT): 2-3 s on a quiet server, more on a busy one, before the page could
draw anything. Pages import their heavy module inside ``while_importing``; once imported (every later
visit) it shows nothing at all.
"""

from __future__ import annotations

import contextlib
import sys

import streamlit as st

STARTING_TEXT = "Starting PoseNet Studio: the first visit after the server starts loads its libraries…"


@contextlib.contextmanager
def while_importing(module: str):
    """``with while_importing("studio.ui.demo_page"): from studio.ui.demo_page import ...``"""
    if module in sys.modules:
        yield
        return
    notice = st.empty()
    notice.caption(STARTING_TEXT)
    try:
        yield
    finally:
        notice.empty()
