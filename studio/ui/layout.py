"""The video streamer's helper: the video fitted to the screen, and the browser's camera errors named.

(The CSS of every page is in ``studio/ui/app_css.py``.) Two things here cannot be done from Python:

- streamlit-webrtc draws the video, START and its errors inside its own iframe, sized by
  its content: a portrait video 360 px wide is 640 px tall, taller than a laptop's screen.
- When the browser refuses the camera, the component shows the raw error
  ("NotAllowedError: Permission denied") in that iframe and tells Python nothing.

``streamer_helper`` is a small script on the page (a ``st.components.v2`` component, the
iframe is same-origin) that caps the video's height to what fits under it on this screen (again
whenever the window's height changes, resizing the component's frame to match),
gives the component's buttons a visible keyboard focus ring, and reports the name of a
camera error back to Python, which explains it in plain words.
"""

from __future__ import annotations

import streamlit as st

from studio.live.webrtc_compat import STREAMER_IFRAME
from studio.session_keys import DemoKeys
from studio.ui.camera_words import CAMERA_ERRORS, INSECURE_PAGE

_HELPER_JS = """
export default function (component) {
  const { setStateValue, data } = component;
  const IFRAME = data.iframe;
  const ERROR = new RegExp('\\\\b(' + data.errors.join('|') + ')\\\\b');
  // Report changes only: a state change reruns the script, and a rerun while the page is
  // still loading once reset freshly seeded sliders to their minimum.
  let reported = null;
  // Where the iframe sits in the page, independent of scrolling.
  const pageTop = (element) => {
    let top = element.getBoundingClientRect().top;
    for (let e = element.parentElement; e; e = e.parentElement) top += e.scrollTop || 0;
    return top + (document.scrollingElement ? document.scrollingElement.scrollTop : 0);
  };
  const tick = () => {
    // On http:// (other than localhost) browsers give no camera at all: say so before START fails.
    let error = window.isSecureContext ? null : data.insecure;
    for (const frame of document.querySelectorAll(IFRAME)) {
      let doc = null;
      try { doc = frame.contentDocument; } catch (e) { continue; }
      if (!doc || !doc.head || !doc.body) continue;
      const narrow = window.innerWidth < 700;
      // The video and the buttons under it fit on the screen together: under its top,
      // less the buttons' row, and at most a share of the screen (less on a phone,
      // so the controls under the video stay in reach).
      const room = window.innerHeight - Math.max(0, pageTop(frame)) - data.buttons_px;
      const share = window.innerHeight * (narrow ? data.phone_share : data.screen_share);
      const cap = Math.round(Math.max(data.min_px, Math.min(room, share)));
      let style = doc.getElementById('studio-layout');
      if (!style) {
        style = doc.createElement('style');
        style.id = 'studio-layout';
        doc.head.appendChild(style);
      }
      const css = `video { max-height: ${cap}px; object-fit: contain; background: #000; }
        button:focus-visible { outline: 3px solid ${data.focus_colour} !important; outline-offset: 2px; }`;
      if (style.textContent !== css) style.textContent = css;
      // The component sizes its frame only when it re-renders, not when a new cap (the window
      // grew taller, e.g. onto a projector) changes its video's height: follow its content here,
      // measured as the component itself measures it, so START/STOP are never cut off.
      const content = doc.body.scrollHeight;
      if (content > 0 && Math.abs(frame.getBoundingClientRect().height - content) > 1) {
        frame.style.height = `${content}px`;
      }
      const match = (doc.body.innerText || '').match(ERROR);
      if (match && !error) error = match[1];
    }
    if (error !== reported) {
      reported = error;
      setStateValue('camera_error', error);
    }
  };
  tick();
  const timer = setInterval(tick, 300);
  return () => clearInterval(timer);
}
"""

HELPER_SETTINGS = {
    "errors": list(CAMERA_ERRORS),
    "insecure": INSECURE_PAGE,
    "iframe": STREAMER_IFRAME,
    "buttons_px": 72,  # START/STOP row under the video, and a margin
    "screen_share": 0.75,
    "phone_share": 0.42,  # the view switch, the live numbers and the source fit under it on a 844 px phone
    "min_px": 180,
}

_helper = None


def streamer_helper(keys: DemoKeys) -> str | None:
    """Mount the helper (once per page run); returns the camera error's name, if the browser refused the camera."""
    global _helper
    if _helper is None:
        _helper = st.components.v2.component("studio_streamer_helper", js=_HELPER_JS)
    data = {**HELPER_SETTINGS, "focus_colour": st.get_option("theme.primaryColor")}  # .streamlit/config.toml
    result = _helper(key=keys.streamer_helper, data=data, on_camera_error_change=lambda: None)
    error = getattr(result, "camera_error", None) if result is not None else None
    return error if error in (*CAMERA_ERRORS, INSECURE_PAGE) else None
