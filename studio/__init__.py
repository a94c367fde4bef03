"""The Streamlit side of PoseNet Studio: what the pages share.

Arrows point one way: pages -> studio -> posenet_core. Modules here that do not
import Streamlit (settings, pipeline, live_stats, ice, sources) are plain Python and
are tested without a browser.
"""
