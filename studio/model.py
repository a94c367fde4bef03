"""One PoseNet per server process, shared by every session (it is thread safe)."""

import gc

import streamlit as st

import posenet_core

from .frame_budget import NETWORK_THREADS


@st.cache_resource(show_spinner="Loading PoseNet (first visit only)...")
def get_model() -> posenet_core.PoseNet:
    net = posenet_core.load(num_threads=NETWORK_THREADS)
    net.network.warm_up()  # every stride now: converting later would stall a live stream
    # After every script run (so every second while the live numbers refresh) Streamlit
    # calls gc.collect(), and Keras' clear_session() collects again. With TensorFlow's
    # ~400,000 objects loaded each collection held the GIL for ~400 ms and froze the video
    # worker. Freezing moves everything loaded so far out of the collector's sight.
    gc.freeze()
    return net
