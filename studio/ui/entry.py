"""Every page through the entry script (streamlit_app.py), also on a fresh server."""

from __future__ import annotations

import contextlib

import streamlit as st

from studio.live import streamlit_compat

# Whether the entry script has run a page in this process. Streamlit decides its pages-folder mode
# once per process and the entry's st.navigation ends it for good, so after the first entry run no
# page needs sending back. (AppTest alone sets the mode afresh on every run; rerunning there would
# drop the run's button clicks.)
_entry_has_run = False


@contextlib.contextmanager
def entered():
    """The entry script runs the page inside this."""
    global _entry_has_run
    _entry_has_run = True
    yield


def through_the_entry() -> None:
    """Called first by every file in ``pages/``: reruns through ``streamlit_app.py`` if that was skipped.

    Without it, a share link opened before anyone opened ``/`` on a new server (the normal path
    after ``deploy/up``: students arrive by the teacher's link) shows Streamlit's raw page list and
    none of the app's set-up. The rerun keeps the page and its query string.
    """
    if not _entry_has_run and streamlit_compat.pages_folder_in_charge():
        streamlit_compat.hand_pages_to_navigation()
        st.rerun()
