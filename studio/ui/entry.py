"""Every page through the entry script (streamlit_app.py), also on a fresh server."""

from __future__ import annotations

import streamlit as st

from studio.live import streamlit_compat


def through_the_entry() -> None:
    """Called first by every file in ``pages/``: reruns through ``streamlit_app.py`` if that was skipped.

    Without it, a share link opened before anyone opened ``/`` on a new server (the normal path
    after ``deploy/up``: students arrive by the teacher's link) shows Streamlit's raw page list and
    none of the app's set-up. The rerun keeps the page and its query string.
    """
    if streamlit_compat.pages_folder_in_charge():
        streamlit_compat.hand_pages_to_navigation()
        st.rerun()
