"""Reading the component's WebRTC from inside its iframe: RTP stats, and glass-to-glass
latency from stamped camera frames: each output frame's stamp against the local camera's."""

from __future__ import annotations

from tests.support.demo_page import DemoPage, component_frame
from tests.support.fake_camera import CAMERA_FPS, STAMP_BAND, STAMP_BITS

_STAMP_RECORDER_JS = """
([bits, centre, loopFrames]) => {
  if (window.__stamps) return null;
  const pcs = window.__pcs || [];
  const remote = document.querySelector('video');
  let track = null;
  for (const pc of pcs) for (const s of pc.getSenders()) if (s.track && s.track.kind === 'video') track = s.track;
  if (!remote || !track) return `remote video: ${!!remote}, local track: ${!!track}`;
  const local = document.createElement('video');
  local.muted = true; local.playsInline = true;
  local.srcObject = new MediaStream([track]);
  local.play();
  const canvas = document.createElement('canvas');
  canvas.height = 1;
  const g = canvas.getContext('2d', {willReadFrequently: true});
  // Only the stamp's row is copied out of the frame: a whole 640x480 readback per frame
  // would cost the browser the CPU its camera encoder needs.
  const decode = (video) => {
    const w = video.videoWidth, h = video.videoHeight;
    if (w < 32 || h < 32) return null;
    if (canvas.width !== w) canvas.width = w;
    g.drawImage(video, 0, Math.min(h - 1, Math.round(centre * h)), w, 1, 0, 0, w, 1);
    const row = g.getImageData(0, 0, w, 1).data, blocks = 2 * bits;
    const level = (j) => {
      let sum = 0, n = 0;
      for (let x = Math.floor((j + 0.3) * w / blocks); x < Math.floor((j + 0.7) * w / blocks); x++, n++)
        sum += 0.299 * row[4 * x] + 0.587 * row[4 * x + 1] + 0.114 * row[4 * x + 2];
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
  const state = {local: null, behind: []};
  const onLocal = () => {
    const value = decode(local);
    if (value !== null) state.local = value;
    local.requestVideoFrameCallback(onLocal);
  };
  const onRemote = () => {
    const value = decode(remote);
    if (value !== null && state.local !== null) state.behind.push((state.local - value + loopFrames) % loopFrames);
    remote.requestVideoFrameCallback(onRemote);
  };
  local.requestVideoFrameCallback(onLocal);
  remote.requestVideoFrameCallback(onRemote);
  window.__stamps = state;
  return null;
}
"""


_RTP_STATS_JS = """
async () => {
  const out = {};
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === 'closed') continue;
    const report = await pc.getStats();
    const codecs = {};
    report.forEach(s => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') out.inbound = s;
      if (s.type === 'outbound-rtp' && s.kind === 'video') out.outbound = s;
      if (s.type === 'candidate-pair' && s.nominated) out.pair = s;
      if (s.type === 'codec') codecs[s.id] = s.mimeType;
    });
    out.inboundCodec = out.inbound && codecs[out.inbound.codecId];
    out.outboundCodec = out.outbound && codecs[out.outbound.codecId];
    out.connectionState = pc.connectionState;
  }
  return out;
}
"""


def rtp_stats(demo: DemoPage) -> dict:
    """WebRTC stats of the component's peer connection: inbound (the processed video
    coming back) and outbound (the camera going out) video RTP, their codecs' MIME types
    (``inboundCodec``, ``outboundCodec``) and the candidate pair."""
    return component_frame(demo).evaluate(_RTP_STATS_JS)


def record_stamps(demo: DemoPage, frame_height: int, loop_frames: int) -> None:
    """Start reading the stamp of every frame the page shows, in the page itself (idempotent).

    On every output frame the browser presents, the recorder notes how many camera frames it
    is behind the frame the local camera track shows at that moment. Reading in the page,
    one pixel row per frame, costs the browser little; reading whole frames over Playwright
    a few times a second starved three sessions' camera encoders (15 instead of 30 frames
    sent per second) and tripled the latency it was measuring.

    Raises:
        RuntimeError: the page has no output video or no camera track yet.
    """
    problem = component_frame(demo).evaluate(
        _STAMP_RECORDER_JS, [STAMP_BITS, (STAMP_BAND / 2) / frame_height, loop_frames]
    )
    if problem:
        raise RuntimeError(f"cannot record stamps: {problem}")


def recorded_latencies_ms(demo: DemoPage) -> list[float]:
    """Glass-to-glass latency of every output frame shown since the last call (``record_stamps`` first)."""
    behind = component_frame(demo).evaluate("() => window.__stamps ? window.__stamps.behind.splice(0) : []")
    return [1000.0 * frames / CAMERA_FPS for frames in behind]
