"""Tell the user, in the video area, when the server their stream ran on is gone.

When a replica dies (or restarts), Streamlit's websocket reconnects within a second or two,
through the load balancer to a live replica, which knows nothing of the stream; the
browser keeps showing the last picture with a STOP button for ~10 s until its peer
connection gives up, and then a bare START. No server can say what happened, because the
one that knew is gone, so the browser watches for itself: a small script (rendered once
next to the streamer) polls the output video, and when a stream that was showing frames
gets none for ``FROZEN_AFTER_MS`` it lays a message over the video saying the connection
to the server was lost and to reload. The message goes when frames come again. A stopped
stream (no live track) is never flagged; a slow server is not either, because the server
repeats its last frame at the camera's rate while it is busy.
"""

from __future__ import annotations

import json

import streamlit as st

FROZEN_AFTER_MS = 3000
MESSAGE = (
    "The connection to the server was lost: no video has arrived for a few seconds. Reload the page to connect again."
)

# Runs in a same-origin srcdoc iframe; its state lives on the parent window so a re-mounted
# watcher picks up where the last one was.
_WATCH_JS = """
<script>
(() => {
  const top = window.parent;
  const FROZEN_AFTER_MS = %(frozen)d, MESSAGE = %(message)s;
  const state = top.__posenetConnectionWatch = top.__posenetConnectionWatch || {videos: new WeakMap()};
  const check = () => {
    if (top.document.hidden) {  // a background tab may not render frames: start afresh when it is back
      state.videos = new WeakMap();
      return;
    }
    const frame = top.document.querySelector('iframe[title="streamlit_webrtc.component.webrtc_streamer"]');
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
  window.setInterval(check, 500);  // this iframe's timer: it ends with the iframe
})();
</script>
"""


def watch_connection() -> None:
    """Render the watcher (zero height). Call once per page run, after the streamer."""
    # st.iframe, not components.html (deprecated in Streamlit 1.67, a warning in the log on every
    # run): HTML given as a string runs in a same-origin iframe, sized to its content (none).
    st.iframe(
        _WATCH_JS % {"frozen": FROZEN_AFTER_MS, "message": json.dumps(MESSAGE)},
        height="content",
        alt="Connection watch (shows a message over the video if the server is lost)",
    )
