"""Tell the user, in the video area, when the server their stream ran on is gone.

When a replica dies (or restarts), Streamlit's websocket reconnects within a second or two,
through the load balancer to a live replica, which knows nothing of the stream; the
browser keeps showing the last picture with a STOP button for ~10 s until its peer
connection gives up, and then a bare START. No server can say what happened, because the
one that knew is gone, so the browser watches for itself: a small script (mounted once
next to the streamer) polls the output video, and when a stream that was showing frames
gets none for ``FROZEN_AFTER_MS`` it lays a message over the video saying the connection
to the server was lost and to reload. The message goes when frames come again. A stopped
stream (no live track) is never flagged; a slow server is not either, because the server
repeats its last frame at the camera's rate while it is busy.
"""

from __future__ import annotations

import streamlit as st

from studio import timing
from studio.live.webrtc_compat import STREAMER_IFRAME
from studio.session_keys import DemoKeys

FROZEN_AFTER_MS = round(timing.FROZEN_VIDEO_S * 1000)
MESSAGE = (
    "The connection to the server was lost: no video has arrived for a few seconds. Reload the page to connect again."
)

# A st.components.v2 component: its script runs in the page itself (no iframe, no room taken;
# components.html is deprecated and logged a warning on every run, st.iframe takes ~160 px).
# Its state lives on the window, so a re-mounted watcher picks up where the last one was.
_WATCH_JS = """
export default function (component) {
  const { frozen_after_ms: FROZEN_AFTER_MS, message: MESSAGE, iframe: IFRAME } = component.data;
  const state = window.__posenetConnectionWatch = window.__posenetConnectionWatch || {videos: new WeakMap()};
  const check = () => {
    if (document.hidden) {  // a background tab may not render frames: start afresh when it is back
      state.videos = new WeakMap();
      return;
    }
    const frame = document.querySelector(IFRAME);
    const doc = frame && frame.contentDocument;
    if (!doc || !doc.body) return;
    const video = doc.querySelector('video');
    const live = !!(video && video.srcObject && video.srcObject.getVideoTracks().some(t => t.readyState === 'live'));
    let note = doc.getElementById('posenet-connection-lost');
    const now = Date.now();
    if (live) {
      const frames = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
      const seen = state.videos.get(video);
      if (!seen || frames !== seen.frames) state.videos.set(video, {frames, at: now, showing: frames > 0});
      else if (seen.showing && now - seen.at > FROZEN_AFTER_MS) state.lost = true;
      if (frames > 0 && (!seen || frames !== seen.frames)) state.lost = false;
    }
    if (state.lost && !note) {
      note = doc.createElement('div');
      note.id = 'posenet-connection-lost';
      note.setAttribute('role', 'alert');
      note.textContent = MESSAGE;
      note.style.cssText = 'position:absolute;top:0;left:0;right:0;z-index:10;padding:12px 16px;' +
        'background:rgba(150,20,20,0.92);color:#fff;font:15px/1.4 sans-serif;border-radius:4px;';
      doc.body.style.position = 'relative';
      doc.body.appendChild(note);
    } else if (!state.lost && note) {
      note.remove();
    }
  };
  const timer = window.setInterval(check, 500);
  return () => window.clearInterval(timer);  // unmounted with the component
}
"""

_watch = None


def watch_connection(keys: DemoKeys) -> None:
    """Mount the watcher (nothing to see until the server is lost). Call once per page run, after the streamer."""
    global _watch
    if _watch is None:
        _watch = st.components.v2.component("studio_connection_watch", js=_WATCH_JS)
    _watch(
        key=keys.connection_watch,
        data={"frozen_after_ms": FROZEN_AFTER_MS, "message": MESSAGE, "iframe": STREAMER_IFRAME},
    )
