"""Streamlit's private runtime, reached from here only (tested with the Streamlit in requirements.txt)."""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager


def pages_folder_in_charge() -> bool:
    """True while Streamlit runs ``pages/*.py`` on its own, as its old multipage mode does.

    A server decides that mode at its first script run: ``pages/`` exists, and ``st.navigation``
    (which switches the mode off for good) has not run yet. So a share link (``/single_pose``)
    that is a fresh server's very first request runs the page file without the entry script:
    Streamlit's raw page list, no layout, no replica agent. Streamlit keeps that mode until
    some run calls ``st.navigation``.
    """
    return bool(PagesManager.uses_pages_directory)


def hand_pages_to_navigation() -> None:
    """What ``st.navigation`` does first: from now on every run goes through the entry script."""
    PagesManager.uses_pages_directory = False
