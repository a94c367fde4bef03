"""The private parts of Streamlit and streamlit-webrtc are reached through studio/live/streamlit_compat.py and
studio/live/webrtc_compat.py only, for the pinned versions."""

import importlib
import importlib.metadata
import pathlib
import re

import pytest

from studio.live import streamlit_compat, webrtc_compat
from tests.conftest import REPO_ROOT

COMPAT = {"streamlit-webrtc": webrtc_compat, "streamlit": streamlit_compat}  # package -> its door


@pytest.mark.parametrize("package", COMPAT)
def test_the_pinned_version_is_the_one_in_requirements(package):
    pin = re.search(rf"^{package}==(\S+)", (REPO_ROOT / "requirements.txt").read_text(), re.M).group(1)
    assert COMPAT[package].PINNED_VERSION == pin == COMPAT[package].INSTALLED_VERSION


@pytest.mark.parametrize("package", COMPAT)
def test_another_version_is_named_in_a_warning(monkeypatch, package):
    module, real_version = COMPAT[package], importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9.9" if name == package else real_version(name))
    try:
        with pytest.warns(
            RuntimeWarning, match=rf"tested with .* {re.escape(module.PINNED_VERSION)} .* installed: 9\.9\.9"
        ):
            importlib.reload(module)
    finally:
        monkeypatch.undo()
        importlib.reload(module)


# Private parts of Streamlit's runtime and of streamlit-webrtc, and facts about streamlit-webrtc's
# insides (its iframe's title, its logger's name): only the compat modules may name them.
PRIVATE = re.compile(
    r"_reset_context|_last_rendered_run_count|_get_worker|streamlit_webrtc\.eventloop|global-relay"
    r"|get_this_session_info|streamlit_webrtc\.component|streamlit_webrtc\.process"
    r"|streamlit\.runtime|get_script_run_ctx|\bRuntime\b|_clean_problem_modules"
)
COMPAT_FILES = ("webrtc_compat.py", "streamlit_compat.py")


def offenders(root) -> list:
    files = [root / "streamlit_app.py"] + [
        path for folder in ("studio", "pages", "tests", "benchmarks") for path in (root / folder).rglob("*.py")
    ]
    return [
        str(path.relative_to(root))
        for path in files
        if path.name not in COMPAT_FILES
        and path.name != pathlib.Path(__file__).name
        and PRIVATE.search(path.read_text())
    ]


def test_no_other_module_reaches_into_streamlit_or_streamlit_webrtc_internals():
    assert offenders(REPO_ROOT) == []


def test_the_guard_sees_an_offender(tmp_path):
    (tmp_path / "studio" / "ui").mkdir(parents=True)
    (tmp_path / "streamlit_app.py").write_text("import streamlit as st\n")
    (tmp_path / "studio" / "ui" / "gate.py").write_text(
        "from streamlit.runtime.scriptrunner import get_script_run_ctx\n"
    )
    (tmp_path / "studio" / "ui" / "webrtc_compat.py").write_text("import streamlit_webrtc.component\n")
    assert offenders(tmp_path) == ["studio/ui/gate.py"]


def test_outside_a_server_there_is_no_runtime_and_no_session():
    assert streamlit_compat.runtime() is None
    assert streamlit_compat.current_session_id() is None


def test_reset_context_stops_the_worker_as_stop_does(streaming_context):
    context, worker = streaming_context()
    assert webrtc_compat.is_running(context)
    webrtc_compat.reset_context(context)
    assert worker.stopped and not webrtc_compat.is_running(context) and not context.state.playing


# --- the return video: H.264 where offered, cheap settings, a bitrate cap --------------------------


def answer_to(offer_codecs: list[str]) -> str:
    """The SDP aiortc answers to an offer whose video codecs come in this order (as Chromium sends VP8 first)."""
    import asyncio

    from aiortc import RTCPeerConnection, RTCRtpSender

    async def negotiate() -> str:
        browser, server = RTCPeerConnection(), RTCPeerConnection()
        try:
            transceiver = browser.addTransceiver("video", direction="sendrecv")
            available = RTCRtpSender.getCapabilities("video").codecs
            transceiver.setCodecPreferences(
                [c for name in offer_codecs for c in available if c.mimeType == name]
                + [c for c in available if c.mimeType == "video/rtx"]
            )
            await browser.setLocalDescription(await browser.createOffer())
            await server.setRemoteDescription(browser.localDescription)
            server.addTrack(server.getTransceivers()[0].receiver.track)  # send back, as the app does
            return (await server.createAnswer()).sdp
        finally:
            await browser.close()
            await server.close()

    return asyncio.run(negotiate())


def video_codecs(sdp: str) -> list[str]:
    """The answer's video codec names in its order of preference."""
    payload_types = re.search(r"^m=video \d+ \S+ ([\d ]+)", sdp, re.M).group(1).split()
    names = dict(re.findall(r"^a=rtpmap:(\d+) ([\w-]+)/", sdp, re.M))
    return [names[pt] for pt in payload_types]


def test_answers_put_h264_first_when_the_browser_offers_it_and_vp8_otherwise():
    webrtc_compat.use_cheap_return_video()
    webrtc_compat.use_cheap_return_video()  # idempotent
    assert video_codecs(answer_to(["video/VP8", "video/H264"]))[0] == "H264"
    assert video_codecs(answer_to(["video/VP8"]))[0] == "VP8"


def encoded(encoder, frames: int = 45, size=(480, 640)) -> bytes:
    import fractions

    import av
    import numpy as np

    rng = np.random.default_rng(0)
    stream = b""
    for number in range(frames):
        picture = rng.integers(0, 256, (*size, 3), dtype=np.uint8)  # sensor noise: the hardest to compress
        frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
        frame.pts, frame.time_base = number * 3000, fractions.Fraction(1, 90000)
        stream += b"".join(encoder.encode(frame)[0])
    return stream


def test_h264_is_x264_ultrafast_zerolatency_on_one_thread_capped():
    from aiortc import rtcrtpsender
    from aiortc.rtcrtpparameters import RTCRtpCodecParameters

    webrtc_compat.use_cheap_return_video()
    encoder = rtcrtpsender.get_encoder(RTCRtpCodecParameters(mimeType="video/H264", clockRate=90000, payloadType=102))
    encoder.target_bitrate = 3_000_000  # what REMB may ask for
    assert encoder.target_bitrate == webrtc_compat.RETURN_VIDEO_MAX_BITRATE == 1_000_000
    stream = encoded(encoder)
    # x264 writes its settings into the stream: ultrafast means no CABAC, one reference, subme 0.
    settings = re.search(rb"options: ([^\x00]*)", stream).group(1).decode()
    for expected in ("cabac=0", "ref=1", "subme=0", "threads=1", "bframes=0", "vbv_maxrate=1000", "bitrate=1000"):
        assert expected in settings.split(), expected
    seconds = 45 / 30
    assert 8 * len(stream) / seconds < 2.0 * webrtc_compat.RETURN_VIDEO_MAX_BITRATE  # the first key frame costs most


def test_vp8_is_capped_too():
    from aiortc import rtcrtpsender
    from aiortc.rtcrtpparameters import RTCRtpCodecParameters

    webrtc_compat.use_cheap_return_video()
    encoder = rtcrtpsender.get_encoder(RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96))
    encoder.target_bitrate = 3_000_000
    assert encoder.target_bitrate == webrtc_compat.RETURN_VIDEO_MAX_BITRATE
    encoder.target_bitrate = 300_000
    assert encoder.target_bitrate == 300_000  # below the cap REMB still rules


def test_h264_takes_pictures_of_odd_sizes():
    """The sample photos are 1049 x 861 and 1000 x 667; x264's 4:2:0 wants even sizes."""
    from aiortc import rtcrtpsender
    from aiortc.codecs.h264 import H264Decoder, h264_depayload
    from aiortc.jitterbuffer import JitterFrame
    from aiortc.rtcrtpparameters import RTCRtpCodecParameters

    webrtc_compat.use_cheap_return_video()
    encoder = rtcrtpsender.get_encoder(RTCRtpCodecParameters(mimeType="video/H264", clockRate=90000, payloadType=102))
    import fractions

    import av
    import numpy as np

    frame = av.VideoFrame.from_ndarray(np.full((861, 1049, 3), 128, np.uint8), format="rgb24")
    frame.pts, frame.time_base = 0, fractions.Fraction(1, 90000)
    payloads, _ = encoder.encode(frame)
    decoded = H264Decoder().decode(JitterFrame(data=b"".join(map(h264_depayload, payloads)), timestamp=0))
    assert (decoded[0].width, decoded[0].height) == (1048, 860)
