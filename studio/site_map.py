"""The app's pages, each named once (file, title, icon), and which page the user is on.

The entry script builds the navigation from ``PAGES``; the landing page, the "full" message
and the snapshot's "study this frame" link refer to a page by its entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from studio.session_keys import APP_PAGE, APP_PAGE_VISITS


@dataclass(frozen=True)
class Page:
    path: str | None  # the file under pages/; None for the landing page (a function of the entry script)
    title: str
    icon: str


HOME = Page(None, "Home", ":material/home:")
SINGLE_POSE = Page("pages/single_pose.py", "Single pose", ":material/person:")
MULTI_POSE = Page("pages/multi_pose.py", "Multi pose", ":material/groups:")
TEACHING = Page("pages/how_decoding_works.py", "How decoding works", ":material/school:")
PAGES = (HOME, SINGLE_POSE, MULTI_POSE, TEACHING)  # the navigation's order


def note_page(page_name: str) -> None:
    """Called by the entry script on every run: counts how often the user changed pages."""
    if st.session_state.get(APP_PAGE) != page_name:
        st.session_state[APP_PAGE] = page_name
        st.session_state[APP_PAGE_VISITS] = page_visits() + 1


def page_visits() -> int:
    """How many times this session has changed pages: a stream knows from it that its page was left."""
    return st.session_state.get(APP_PAGE_VISITS, 0)
