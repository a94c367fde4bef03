"""PoseNet Studio: `streamlit run streamlit_app.py`."""

import pathlib

import streamlit as st

from studio.hosting.replica_agent import start_from_env as start_replica_agent
from studio.site_map import HOME, PAGES, note_page
from studio.ui.app_css import apply_app_css
from studio.ui.cold_start import while_importing
from studio.ui.entry import entered

# A file of our own: a Material icon as the tab icon is fetched from Google's font host, which fails offline.
ICON = pathlib.Path(__file__).parent / "studio" / "static" / "favicon.png"
st.set_page_config(page_title="PoseNet Studio", page_icon=str(ICON), layout="wide")
apply_app_css()
start_replica_agent()  # once per process, if deploy/up set POSENET_AGENT_PORT: HAProxy learns this replica's room


def home() -> None:
    with while_importing("studio.ui.landing"):
        from studio.ui.landing import render_landing

    render_landing()


page = st.navigation(
    [st.Page(p.path or home, title=p.title, icon=p.icon, default=p is HOME) for p in PAGES],
)
note_page(page.url_path)
with entered():  # the page knows it came through here (studio/ui/entry.py)
    page.run()
