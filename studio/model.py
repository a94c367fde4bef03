"""One PoseNet per server process, shared by every session (it is thread safe)."""

import gc

import cv2
import streamlit as st

import posenet_core

# Shown (after Streamlit's half-second delay) while a cold server loads the model: with LiteRT
# and the vendored .tflite files that takes well under a second, so it is seldom seen at all.
LOADING_TEXT = "Loading PoseNet…"
# One TFLite thread per frame: several interpreters with several threads each oversubscribe
# the cores (their pools spin while waiting), and the turns (live.turns) keep every core busy.
NETWORK_THREADS = 1


@st.cache_resource(show_spinner=LOADING_TEXT)
def get_model() -> posenet_core.PoseNet:
    """The process's PoseNet (LiteRT, ``NETWORK_THREADS`` per frame), every stride warmed up, the collector frozen."""
    # The live path's resizes, conversions and drawing are small: OpenCV's second thread spun more
    # than it helped (0.4-0.6 ms more CPU per frame when a core was free). Streams run side by side
    # on their own threads instead.
    cv2.setNumThreads(1)
    net = posenet_core.load(num_threads=NETWORK_THREADS)  # LiteRT and the vendored .tflite models: no TensorFlow
    # Read every stride's model in both precisions now, not in the middle of a live stream.
    net.network.warm_up(precisions=posenet_core.params.PRECISIONS)
    # After every script run (so every second while the live numbers refresh) Streamlit
    # calls gc.collect(). Streamlit, aiortc and the rest leave ~150,000 objects for it to
    # walk (TensorFlow added ~400,000 more before serving moved to LiteRT); each full
    # collection holds the GIL for 0.1-0.2 s and stalls the video worker. Freezing moves
    # everything loaded so far out of the collector's sight.
    gc.freeze()
    return net
