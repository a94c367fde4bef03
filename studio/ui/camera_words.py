"""What a browser said when it gave this page no camera, in plain words. Plain Python.

The names are those ``getUserMedia`` rejects with (the Media Capture spec), as streamlit-webrtc
prints them in its iframe (``ui.layout`` reads them there), plus ``INSECURE_PAGE``: a plain-http
page, which gets no camera at all. ``ui.live_panel`` shows them above the video, and the
connection doctor (``ui.diagnosis``) names them when it is asked why the video does not start.
"""

from __future__ import annotations

_ALLOW_CAMERA = (
    "Click the camera (or lock) icon at the left of the address bar, set Camera to **Allow** for this site, "
    "then press START again. In Safari: Settings for This Website, Camera, Allow. On a phone, the browser app "
    "may also need camera access in the phone's settings."
)
INSECURE_PAGE = "InsecurePage"  # not a browser's error name: a plain-http page, which gets no camera at all
USE_A_SAMPLE = "No camera to spare? Choose a sample under **Video source**: it runs through the same pipeline."
CAMERA_ERROR_WORDS = {
    "NotAllowedError": "**The camera is blocked.** The browser did not let this page use the camera "
    "(you, or a setting, said no). " + _ALLOW_CAMERA,
    "SecurityError": "**The camera is blocked.** The browser only offers the camera to secure pages "
    "(`https://` or `localhost`). " + _ALLOW_CAMERA,
    "NotFoundError": "**No camera found.** The browser sees no camera on this device. Plug one in (or "
    "switch it on), then press START again.",
    "NotReadableError": "**The camera is busy.** Another app or browser tab is using it (a video call?). "
    "Close that, then press START again.",
    "OverconstrainedError": "**The camera cannot give the video asked for.** Press START again; if it "
    "persists, try another camera with SELECT DEVICE.",
    INSECURE_PAGE: "**This page was opened over plain `http://`, and browsers give the camera only to "
    "secure pages** (`https://`, or `localhost` on your own computer). Open the `https://` link of this app "
    "instead (ask whoever shared it).",
}
# The names getUserMedia rejects with, as the component prints them.
CAMERA_ERRORS = tuple(name for name in CAMERA_ERROR_WORDS if name != INSECURE_PAGE)
