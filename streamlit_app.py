"""PoseNet Studio: `streamlit run streamlit_app.py`."""

import streamlit as st

from studio.streamer import note_page

st.set_page_config(page_title="PoseNet Studio", page_icon="🕺", layout="wide")


def home() -> None:
    from studio.landing import render_landing

    render_landing()


pages = [
    st.Page(home, title="Home", icon="🏠", default=True),
    st.Page("pages/single_pose.py", title="Single pose", icon="🧍", url_path="single-pose"),
    st.Page("pages/multi_pose.py", title="Multi pose", icon="👯", url_path="multi-pose"),
]
page = st.navigation(pages)
note_page(page.url_path)
page.run()
