"""One PoseNet per server process, shared by every session (it is thread safe)."""

import gc

import streamlit as st

import posenet_core

LOADING_TEXT = (
    "Loading PoseNet: building the network for output strides 8, 16 and 32. This happens once, on the first "
    "visit after the server starts, and takes about 15 s."
)


@st.cache_resource(show_spinner=False)  # the pages show their own progress: load_model
def get_model() -> posenet_core.PoseNet:
    net = posenet_core.load()
    net.network.warm_up()  # every stride now: converting later would stall a live stream
    # After every script run (so every second while the live numbers refresh) Streamlit
    # calls gc.collect(), and Keras' clear_session() collects again. With TensorFlow's
    # ~400,000 objects loaded each collection held the GIL for ~400 ms and froze the video
    # worker. Freezing moves everything loaded so far out of the collector's sight.
    gc.freeze()
    return net


def load_model() -> posenet_core.PoseNet:
    """``get_model()``, with a spinner and the seconds elapsed where the page waits for it (a cold start)."""
    with st.spinner(LOADING_TEXT, show_time=True):
        return get_model()
