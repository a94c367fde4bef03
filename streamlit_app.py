"""PoseNet Studio: `streamlit run streamlit_app.py`."""

import pathlib

import streamlit as st

from studio.hosting.replica_agent import start_from_env as start_replica_agent
from studio.ui.cold_start import while_importing
from studio.ui.layout import apply_app_css
from studio.ui.page_visits import note_page

# A file of our own: a Material icon as the tab icon is fetched from Google's font host, which fails offline.
ICON = pathlib.Path(__file__).parent / "studio" / "static" / "favicon.png"
st.set_page_config(page_title="PoseNet Studio", page_icon=str(ICON), layout="wide")
apply_app_css()
start_replica_agent()  # once per process, if deploy/up set POSENET_AGENT_PORT: HAProxy learns this replica's room


def home() -> None:
    with while_importing("studio.ui.landing"):
        from studio.ui.landing import render_landing

    render_landing()


pages = [
    st.Page(home, title="Home", icon=":material/home:", default=True),
    st.Page("pages/single_pose.py", title="Single pose", icon=":material/person:"),
    st.Page("pages/multi_pose.py", title="Multi pose", icon=":material/groups:"),
    st.Page("pages/how_decoding_works.py", title="How decoding works", icon=":material/school:"),
]
page = st.navigation(pages)
note_page(page.url_path)
page.run()
