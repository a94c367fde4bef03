"""PoseNet Studio: `streamlit run streamlit_app.py`."""

import streamlit as st

from studio.streamer import note_page

st.set_page_config(page_title="PoseNet Studio", page_icon=":material/accessibility_new:", layout="wide")


def home() -> None:
    from studio.landing import render_landing

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
