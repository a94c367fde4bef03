"""Which page the user is on, and how often they changed pages (the START fix reads it:
studio/live/streamer.py). Light on purpose: the entry script runs it before any page's libraries load."""

from __future__ import annotations

import streamlit as st

from studio.session_keys import APP_PAGE, APP_PAGE_VISITS


def note_page(page_name: str) -> None:
    """Called by the entry script on every run: counts how often the user changed pages."""
    if st.session_state.get(APP_PAGE) != page_name:
        st.session_state[APP_PAGE] = page_name
        st.session_state[APP_PAGE_VISITS] = st.session_state.get(APP_PAGE_VISITS, 0) + 1
