"""What a first-time visitor hits (issue 10), where the page's elements show it: refused uploads
say why on the page, the multi-pose step says which poses are real, pictures have alt text, the
tab icon is the app's own file, and a looping sample video keeps its time stamps counting up.

The layout, the camera's errors and the cold start are checked in tests/browser/test_first_visit.py.
"""

import fractions
import io

import av
import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT, SAMPLES, run_coroutine

TEACHING_PAGE = REPO_ROOT / "pages" / "how_decoding_works.py"
STEPS = ("1 · Input", "2 · Heatmaps", "3 · Single pose", "4 · Multi-pose", "5 · Compare strides", "6 · Across frames")


def open_teaching(source: str = "yoga") -> AppTest:
    app = AppTest.from_file(str(TEACHING_PAGE), default_timeout=120).run()
    app.radio(key="teach:source").set_value(source).run()
    assert not app.exception, app.exception
    return app


def go_to(app: AppTest, step: str) -> AppTest:
    app.session_state["step"] = step
    app.query_params["step"] = step
    app.run()
    assert not app.exception, app.exception
    return app


def png_bytes(image: np.ndarray, kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, kind)
    return buffer.getvalue()


# Item 5: refused uploads say why, in the page -----------------------------------------------


def test_the_uploader_takes_any_file_so_the_page_can_say_why_it_refuses_one():
    app = open_teaching("upload")
    uploader = app.get("file_uploader")[0].proto
    assert list(uploader.type) == []  # no browser-side type filter: its refusal is only a tooltip
    assert uploader.max_upload_size_mb > 10  # the 10 MB limit is checked, and explained, by the page
    assert "10 MB" in app.info[0].value


def big_png() -> bytes:
    """A real PNG of 15.9 MB (noise does not compress)."""
    rng = np.random.default_rng(0)
    data = png_bytes(rng.integers(0, 256, (2400, 2300, 3), dtype=np.uint8))
    assert 15.5e6 < len(data) < 17e6, len(data)
    return data


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.mark.parametrize(
    "name, make, mime, reason",
    [
        ("holiday.png", big_png, "image/png", "up to 10 MB"),
        ("drawing.svg", lambda: SVG, "image/svg+xml", "This SVG file is not an image this page can read"),
        ("anim.gif", lambda: png_bytes(np.zeros((40, 40, 3), np.uint8), "GIF"), "image/gif", "This is a GIF image"),
    ],
)
def test_a_refused_upload_says_why_in_the_page(name, make, mime, reason):
    app = open_teaching("upload")
    app.file_uploader(key="teach:upload").set_value((name, make(), mime)).run()
    assert not app.exception, app.exception
    errors = [e.value for e in app.error]
    assert any(reason in e for e in errors), errors
    assert any("JPEG" in e for e in errors)  # and what it takes instead
    assert not app.tabs  # no steps on a refused picture


# Item 10: the multi-pose step says which poses pass the display threshold ---------------------


def test_multi_pose_step_shows_which_poses_pass_the_display_threshold(net, pose_image):
    from studio.teaching.steps import MIN_POSE_SCORE_DRAWN

    app = go_to(open_teaching("yoga"), STEPS[3])
    poses = net.estimate_multiple_poses(pose_image)  # the page's defaults: 0.5, stride 16, 5, 0.5, 20
    strong = [p for p in poses if p.score >= MIN_POSE_SCORE_DRAWN]
    assert len(poses) > len(strong) == 1  # the one-person photo: one real pose, low-score duplicates
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Poses found"] == str(len(poses))
    assert metrics[f"Scoring ≥ {MIN_POSE_SCORE_DRAWN:g}"] == "1"
    (table,) = [d.value for d in app.dataframe if "drawn" in d.value.columns]
    assert list(table["drawn"] == "yes") == [p.score >= MIN_POSE_SCORE_DRAWN for p in poses]
    why = " ".join(i.value for i in app.info)
    assert "drawn in grey" in why and "PoseNet returns a pose for every candidate that NMS did not skip" in why


def test_poses_under_the_threshold_are_drawn_grey_and_the_others_in_colour(net, pose_image):
    from posenet_core import pose_colour
    from studio.teaching.walk import draw_final_poses

    poses = net.estimate_multiple_poses(pose_image)
    picture = draw_final_poses(pose_image, poses)
    changed = np.any(picture != pose_image, axis=-1)
    pixels = picture[changed].astype(int)
    near = lambda colour: np.all(np.abs(pixels - colour) <= 12, axis=-1).sum()  # noqa: E731
    assert near(pose_colour(0)) > 200  # the real pose keeps its colour
    for index in range(1, len(poses)):  # the faint ones: no pixel in their colours
        assert near(pose_colour(index)) == 0, index
    grey = np.abs(pixels - pixels.mean(axis=-1, keepdims=True)).max(axis=-1) <= 1
    assert grey.sum() > 200  # they are there, in grey


# Item 12: pictures have alt text; the tab icon is a file of the app's --------------------------


@pytest.mark.parametrize("step", STEPS)
def test_every_teaching_picture_has_alt_text(step):
    app = go_to(open_teaching("three_people"), step)
    images = [img for element in app.get("image") for img in element.proto.imgs]
    assert images, "no picture on this step"
    missing = [img.caption or img.url for img in images if not img.alt.strip()]
    assert not missing, missing


def test_the_tab_icon_is_the_apps_own_png(monkeypatch):
    import streamlit as st

    seen = {}
    monkeypatch.setattr(st, "set_page_config", lambda **kwargs: seen.update(kwargs))
    source = (REPO_ROOT / "streamlit_app.py").read_text()
    header = source.split("def home")[0]  # the page config part of the entry script
    exec(compile(header, "streamlit_app.py", "exec"), {"__file__": str(REPO_ROOT / "streamlit_app.py")})
    icon = seen["page_icon"]
    assert not str(icon).startswith(":"), icon  # a Material icon would be fetched from Google's font host
    with Image.open(icon) as picture:
        assert picture.format == "PNG" and picture.size[0] >= 32


# Item 8: a looping sample keeps its time stamps counting up --------------------------------------


class LoopingSource:
    """Stands in for aiortc's MediaPlayer: its video starts each loop at time stamp 0 again."""

    def __init__(self, stamps):
        self.video = self
        self._stamps = iter(stamps)
        self.stopped = False

    async def recv(self):
        frame = av.VideoFrame.from_ndarray(np.zeros((64, 48, 3), np.uint8), format="rgb24")
        frame.pts, frame.time_base = next(self._stamps), fractions.Fraction(1, 90_000)
        return frame

    def stop(self):
        self.stopped = True


def encode_all(frames) -> None:
    from aiortc.codecs.vpx import Vp8Encoder

    encoder = Vp8Encoder()
    for frame in frames:
        encoder.encode(frame)


LOOP_STAMPS = [18_000, 36_000, 54_000, 0, 18_000]  # the encoder's first frame was not the clip's first


def test_the_encoder_refuses_a_loop_that_restarts_its_stamps():
    """Why the server log had `InvalidDataError ... avcodec_send_frame()` when a sample looped."""
    source = LoopingSource(LOOP_STAMPS)
    frames = [run_coroutine(source.recv()) for _ in LOOP_STAMPS]
    with pytest.raises(av.error.InvalidDataError):
        encode_all(frames)


def test_a_looping_sample_video_is_restamped_and_encodes_past_the_loop(tmp_path):
    from studio.live.clip_track import LoopingClipTrack
    from tests.support.clips import short_clip

    track = LoopingClipTrack(short_clip(tmp_path / "clip.mp4", frames=3, rate=30))

    async def read():
        return [await track.recv() for _ in range(8)]  # past the end of the clip, twice

    frames = run_coroutine(read())
    frames = frames[1:]  # the encoder's first frame is not the clip's first, as on the live path
    stamps = [f.pts for f in frames]
    assert stamps == sorted(set(stamps))  # strictly increasing across the loops
    encode_all(frames)  # no InvalidDataError
    track.stop()


def test_the_squats_sample_plays_through_the_restamping_track():
    from studio.live.clip_track import LoopingClipTrack
    from studio.live.players import make_player

    player = make_player("squats")
    assert isinstance(player.video, LoopingClipTrack)
    player.video.stop()
    assert SAMPLES.joinpath("pose_squats.mp4").exists()
