"""The CSS of every page, applied by the entry script (``streamlit_app.py``) before the page runs.

Light on purpose: it imports nothing but Streamlit and the session keys, so that a cold server's
first visit reaches the page's "Starting PoseNet Studio…" notice (``studio/ui/cold_start.py``)
before anything imports the video and network libraries. The video streamer's own helper, which
needs them, is ``studio/ui/layout.py``.
"""

from __future__ import annotations

import streamlit as st

from studio.session_keys import DemoKeys, TeachKeys

APP_CSS = """
<style>
/* A metric's value keeps its unit: wrap rather than cut "207.1 ms" to "207.1…". */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
/* Tab rows wrap on narrow screens instead of scrolling sideways. */
[data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; row-gap: 0.25rem; overflow-x: visible; }
[data-testid="stTabsScrollLeft"], [data-testid="stTabsScrollRight"] { display: none; }
/* The live numbers beside the video: compact, one row when they fit. */
LIVE_NUMBERS [data-testid="stMetricValue"] { font-size: 1.35rem; }
LIVE_NUMBERS [data-testid="stMetric"] { min-width: 3rem; }
/* The streamer's helper, the connection watch and the connection check have nothing to show. */
STREAMER_HELPER, CONNECTION_WATCH, CONNECTION_CHECK { display: none; }
@media (max-width: 640px) {
  LIVE_NUMBERS [data-testid="stMetricValue"] { font-size: 1rem; }
  LIVE_NUMBERS [data-testid="stMetricLabel"] p { font-size: 0.75rem; }
  /* The video's and the controls' columns stack: the live numbers close under STOP, the source in reach.
     (The video's column is the one with the streamer's helper in it.) */
  [data-testid="stHorizontalBlock"]:has(STREAMER_HELPER) {
    row-gap: 1rem !important;
  }
  STEPPER { flex-wrap: nowrap; gap: 0.25rem; }
  STEPPER button { padding-left: 0.4rem; padding-right: 0.4rem; min-width: 0; }
  /* part names in small multiples and tables wrap instead of being cut */
  [data-testid="stImageCaption"], [data-testid="stCaptionContainer"] { overflow-wrap: anywhere; }
}
</style>
"""
_CSS_NAMES = {  # what the CSS above styles, each named where it is made
    "LIVE_NUMBERS": f'[class*="st-key-{DemoKeys.LIVE_NUMBERS}"]',
    "STREAMER_HELPER": f'[class*="st-key-{DemoKeys.STREAMER_HELPER}"]',
    "CONNECTION_WATCH": f'[class*="st-key-{DemoKeys.CONNECTION_WATCH}"]',
    "CONNECTION_CHECK": f'[class*="st-key-{DemoKeys.CONNECTION_CHECK}"]',
    "STEPPER": f".st-key-{TeachKeys.STEPPER}",
}
for _name, _selector in _CSS_NAMES.items():
    APP_CSS = APP_CSS.replace(_name, _selector)


def apply_app_css() -> None:
    st.html(APP_CSS)
