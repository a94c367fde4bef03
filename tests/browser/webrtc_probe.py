"""Reading the component's WebRTC from inside its iframe: RTP stats, and glass-to-glass
latency from stamped camera frames read back from the local and the output video at the
same instant."""

from __future__ import annotations

from demo_page import DemoPage, component_frame
from fake_camera import STAMP_BAND, STAMP_BITS

_READ_STAMPS_JS = """
([bits, centre]) => {
  const pcs = window.__pcs || [];
  const remote = document.querySelector('video');
  let track = null;
  for (const pc of pcs) for (const s of pc.getSenders()) if (s.track && s.track.kind === 'video') track = s.track;
  if (!remote || !track) return {error: `remote video: ${!!remote}, local track: ${!!track}`};
  if (!window.__localVideo || window.__localVideo.srcObject.getVideoTracks()[0] !== track) {
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true;
    v.srcObject = new MediaStream([track]);
    v.play();
    window.__localVideo = v;
  }
  const decode = (video) => {
    const w = video.videoWidth, h = video.videoHeight;
    if (w < 32 || h < 32) return null;
    const canvas = document.createElement('canvas');
    canvas.width = w; canvas.height = h;
    const g = canvas.getContext('2d', {willReadFrequently: true});
    g.drawImage(video, 0, 0, w, h);
    const blocks = 2 * bits, y = Math.min(h - 1, Math.round(centre * h));
    const row = g.getImageData(0, y, w, 1).data;
    const level = (j) => {
      let sum = 0, n = 0;
      const x0 = Math.floor((j + 0.3) * w / blocks), x1 = Math.floor((j + 0.7) * w / blocks);
      for (let x = x0; x < x1; x++) {
        const i = 4 * x;
        sum += 0.299 * row[i] + 0.587 * row[i + 1] + 0.114 * row[i + 2];
        n++;
      }
      return sum / Math.max(n, 1);
    };
    let value = 0;
    for (let k = 0; k < bits; k++) {
      const a = level(2 * k), b = level(2 * k + 1);
      if (Math.abs(a - b) < 60) return null;  // not a clean stamp
      if (a > b) value |= (1 << k);
    }
    return value;
  };
  return {local: decode(window.__localVideo), remote: decode(remote), now: performance.now()};
}
"""


_RTP_STATS_JS = """
async () => {
  const out = {};
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === 'closed') continue;
    const report = await pc.getStats();
    report.forEach(s => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') out.inbound = s;
      if (s.type === 'outbound-rtp' && s.kind === 'video') out.outbound = s;
      if (s.type === 'candidate-pair' && s.nominated) out.pair = s;
    });
    out.connectionState = pc.connectionState;
  }
  return out;
}
"""


def rtp_stats(demo: DemoPage) -> dict:
    """WebRTC stats of the component's peer connection: inbound (the processed video
    coming back) and outbound (the camera going out) video RTP, and the candidate pair."""
    return component_frame(demo).evaluate(_RTP_STATS_JS)


def read_stamps(demo: DemoPage, frame_height: int) -> dict:
    """``{"local": index on the camera track now, "remote": index on the output video now}``."""
    return component_frame(demo).evaluate(_READ_STAMPS_JS, [STAMP_BITS, (STAMP_BAND / 2) / frame_height])
