"""One PoseNet per server process, shared by every session (it is thread safe)."""

import streamlit as st

import posenet_core


@st.cache_resource(show_spinner="Loading PoseNet (first visit only)...")
def get_model() -> posenet_core.PoseNet:
    return posenet_core.load()
