"""A visitor's own clip on the live pages (studio/clips/: files, jobs, upload, analysis, snapshot):
limits, private per-session files, analysis with downloads, snapshots."""

import json
import stat
import threading
import time

import av
import cv2
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from posenet_core import joint_angles
from posenet_core.clip import ClipInfo
from studio.clips import snapshot
from studio.clips.files import ClipRefused, SessionClip, check_limits
from studio.clips.jobs import ClipJob
from studio.clips.upload import upload_first
from studio.live.clip_track import LoopingClipTrack
from studio.live.pipeline import process_frame
from studio.live.stats import LiveStats
from studio.session_keys import DemoKeys, TeachKeys
from studio.settings.demo import DemoSettings
from studio.sources import CAMERA, SAMPLES, UPLOAD
from tests.conftest import REPO_ROOT, run_coroutine
from tests.support.clips import corrupt_clip, frame_count, short_clip, video_without_frames

SINGLE = DemoKeys("single")


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory):
    return short_clip(tmp_path_factory.mktemp("clip") / "squats.mp4", frames=8).read_bytes()


# ---- limits ----


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (640, 480)])
def test_up_to_1080p_either_way_up_is_accepted(size):
    check_limits(ClipInfo(*size, fps=30, frames=300, duration_s=60.0))


@pytest.mark.parametrize("size", [(1921, 1080), (1920, 1081), (1200, 1200), (3840, 2160)])
def test_larger_than_1080p_is_refused(size):
    with pytest.raises(ClipRefused, match="1920x1080"):
        check_limits(ClipInfo(*size, fps=30, frames=30, duration_s=1.0))


def test_longer_than_a_minute_is_refused():
    check_limits(ClipInfo(640, 480, fps=30, frames=None, duration_s=60.4))
    with pytest.raises(ClipRefused, match="lasts 61 s; the limit is 60 s"):
        check_limits(ClipInfo(640, 480, fps=30, frames=None, duration_s=61.0))


# ---- the session's file ----


def test_the_clip_lives_in_a_private_directory_and_goes_with_the_session(clip_bytes):
    clip = SessionClip()
    directory = clip.directory
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    info = clip.replace("id-1", "my squats.mp4", clip_bytes)
    assert (info.width, info.height, info.frames) == (180, 320, 8) and clip.path.read_bytes() == clip_bytes
    first = clip.path
    clip.replace("id-2", "again.mov", clip_bytes)
    assert not first.exists() and clip.path.suffix == ".mov"
    del clip  # the session's state is dropped
    assert not directory.exists()


@pytest.mark.parametrize("name, codec", [("clip.webm", "libvpx-vp9"), ("clip.mov", "libx264")])
def test_webm_and_mov_clips_are_accepted_and_play_in_a_loop(tmp_path, name, codec):
    data = short_clip(tmp_path / name, frames=3, codec=codec).read_bytes()
    clip = SessionClip()
    info = clip.replace("id", name, data)
    assert (info.width, info.height) == (180, 320) and clip.path.name == name
    track = LoopingClipTrack(clip.path)

    async def play():
        return [await track.recv() for _ in range(5)]

    stamps = [frame.pts for frame in run_coroutine(play())]
    assert stamps == sorted(set(stamps))  # forward through the loop
    track.stop()
    clip.close()


def test_a_refused_file_is_not_kept(tmp_path):
    clip = SessionClip()
    with pytest.raises(ClipRefused, match="not a video"):
        clip.replace("id", "notes.mp4", b"some notes, not a video\n")
    assert list(clip.directory.iterdir()) == [] and clip.path is None
    assert clip.upload_id == "id" and "not a video" in clip.refusal
    clip.close()


# ---- the page ----


def open_upload(page: str = "pages/single_pose.py") -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120).run()
    app.switch_page(page).run()
    app.radio(key=SINGLE.source).set_value(UPLOAD).run()
    assert not app.exception, app.exception
    return app


def upload(app: AppTest, name: str, data: bytes, mime: str = "video/mp4") -> AppTest:
    app.file_uploader(key=SINGLE.clip_upload).set_value((name, data, mime)).run()
    assert not app.exception, app.exception
    return app


def _written(tmp_path, make):
    return make(tmp_path / "clip.mp4").read_bytes()


def _long_clip(path):
    with av.open(str(path), "w") as sink:
        stream = sink.add_stream("libx264", rate=1)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for _ in range(62):
            sink.mux(stream.encode(av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")))
        sink.mux(stream.encode())
    return path


def _huge_clip(path):
    with av.open(str(path), "w") as sink:
        stream = sink.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 2560, 1440, "yuv420p"
        sink.mux(stream.encode(av.VideoFrame.from_ndarray(np.zeros((1440, 2560, 3), np.uint8), format="rgb24")))
        sink.mux(stream.encode())
    return path


BAD_CLIPS = {
    "corrupt": (corrupt_clip, "not a video file that can be read (damaged, or not a video)"),
    "not a video": (lambda p: p.write_bytes(b"%PDF-1.4 a document\n") and p, "not a video this page can read"),
    "zero-length file": (lambda p: p.write_bytes(b"") or p, "the file is empty"),
    "video without frames": (video_without_frames, "no video"),
    "too long": (_long_clip, "the limit is 60 s"),
    "too large": (_huge_clip, "the limit is 1920x1080"),
}


@pytest.mark.usefixtures("webrtc_without_server")
@pytest.mark.parametrize("case", BAD_CLIPS.values(), ids=BAD_CLIPS.keys())
def test_a_bad_clip_gets_a_plain_message_and_no_player(tmp_path, case):
    make, words = case
    app = upload(open_upload(), "holiday [clip].mp4", _written(tmp_path, make))
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and words in errors[0] and "holiday [clip].mp4" in errors[0], errors
    assert str(tmp_path) not in errors[0] and "/tmp" not in errors[0]
    assert app.session_state[SINGLE.clip].path is None
    assert not [b for b in app.button if b.label == "Analyse the whole clip"]
    app.run()  # any later run says it again
    assert [e.value for e in app.error] == errors


@pytest.mark.usefixtures("webrtc_without_server")
def test_before_a_file_is_chosen_the_video_column_says_what_to_do():
    app = open_upload()
    assert [i.value for i in app.info] == [upload_first()]
    assert all(words in upload_first() for words in ("Choose a video file", "50 MB", "60 s"))
    video_column = app.main.columns[0]
    assert [i.value for i in video_column.info] == [upload_first()]


@pytest.mark.usefixtures("webrtc_without_server")
def test_a_good_clip_is_played_and_deleted_when_another_source_is_chosen(clip_bytes):
    app = upload(open_upload(), "squats.mp4", clip_bytes)
    assert not app.error
    clip = app.session_state[SINGLE.clip]
    path = clip.path
    assert path.read_bytes() == clip_bytes
    assert any("180x320" in c.value for c in app.caption)
    assert [b for b in app.button if b.label == "Analyse the whole clip"]
    app.radio(key=SINGLE.source).set_value(CAMERA).run()
    assert not path.exists() and clip.path is None


@pytest.mark.usefixtures("webrtc_without_server")
def test_analysing_the_whole_clip_offers_the_video_and_the_poses(clip_bytes):
    app = upload(open_upload(), "squats.mp4", clip_bytes)
    next(b for b in app.button if b.label == "Analyse the whole clip").click().run()
    job = app.session_state[SINGLE.clip_job]
    assert job.join(timeout=60) and job.status == "done", job.error
    app.run()
    assert not app.exception, app.exception
    downloads = app.get("download_button")
    assert len(downloads) == 3, downloads  # video, JSON, CSV
    previews = app.get("video")  # the annotated result plays in the page
    assert len(previews) == 1 and previews[0].proto.url, previews
    record = json.loads(job.json_path.read_text())
    assert record["video"] == "squats.mp4" and [f["frame"] for f in record["frames"]] == list(range(8))
    assert all("leftKnee" in pose["angles"] for f in record["frames"] for pose in f["poses"])
    rows = job.csv_path.read_text().splitlines()
    assert rows[0] == "frame,time,pose,id,part,x,y,score,angle"
    assert len(rows) - 1 == 17 * sum(len(f["poses"]) for f in record["frames"])
    assert frame_count(job.video_path) == 8
    # ... and the chart over the whole clip, with the repetition count
    assert [e for e in app.main.children.values() if e.type == "vega_lite_chart"] or app.get("vega_lite_chart")
    assert any(m.label == "Repetitions" for m in app.metric)


@pytest.mark.usefixtures("webrtc_without_server")
def test_analysing_a_webm_shows_real_progress(tmp_path, monkeypatch):
    # A WebM's header gives a length but no frame count (PyAV: stream.frames == 0).
    from studio.clips import jobs as clip_jobs
    from studio.live.turns import FairTurns

    webm = short_clip(tmp_path / "squats.webm", frames=8, codec="libvpx-vp9")
    with av.open(str(webm)) as container:
        assert container.streams.video[0].frames == 0
    turns = FairTurns(slots=1)
    monkeypatch.setattr(clip_jobs, "TURNS", turns)
    live_stream = LiveStats()  # a live stream that takes the only turn, to hold the job mid-way
    app = upload(open_upload(), "squats.webm", webm.read_bytes(), mime="video/webm")
    assert turns.acquire(live_stream)
    next(b for b in app.button if b.label == "Analyse the whole clip").click().run()
    job = app.session_state[SINGLE.clip_job]
    turns.release()
    deadline = time.monotonic() + 60
    while (job.progress is None or job.progress.done < 2) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert turns.acquire(live_stream, timeout=60)  # the job waits for its next frame
    try:
        app.run()
        bars = [element.proto for element in app.get("progress")]
        assert len(bars) == 1 and 0.2 <= bars[0].value / 100 < 1.0, bars
        assert bars[0].text.startswith(f"{job.progress.done} / 8 frames"), bars[0].text
    finally:
        turns.release()
    assert job.join(timeout=60) and job.status == "done", job.error


def test_a_job_on_the_sample_matches_the_live_pipeline_frame_by_frame(net, squat_frames):
    # Across-frames tracking off: each frame then stands alone, as process_frame sees it.
    settings = DemoSettings.for_page(False).with_changes(track_people=False, smooth_keypoints=False)
    sample = SAMPLES["squats"].path
    job = ClipJob(sample, sample.name, net, settings)
    job.start()
    assert job.join(timeout=120) and job.status == "done"
    frames = json.loads(job.json_path.read_text())["frames"]
    assert len(frames) == frame_count(sample) == 65
    _, report = process_frame(net, np.ascontiguousarray(squat_frames[10]), settings)
    expected = [dict(p.to_dict(), angles=joint_angles(p, settings.min_part_confidence)) for p in report.poses]
    assert frames[10]["poses"] == expected  # the live pipeline's poses, with their joint angles
    assert frame_count(job.video_path) == 65


def test_a_job_with_the_pages_default_tracking_writes_one_id_per_person(net):
    sample = SAMPLES["squats"].path
    job = ClipJob(sample, sample.name, net, DemoSettings.for_page(False))
    job.start()
    assert job.join(timeout=120) and job.status == "done"
    frames = json.loads(job.json_path.read_text())["frames"]
    ids = {pose["id"] for frame in frames for pose in frame["poses"]}
    assert ids == {1}, ids  # one person, one ID, all clip long


def test_cancel_stops_a_job_within_a_second(net):
    sample = SAMPLES["squats"].path
    job = ClipJob(sample, sample.name, net, DemoSettings.for_page(True), streams_running=lambda: True)
    job.start()
    while job.progress is None or job.progress.done < 2:
        time.sleep(0.01)
    asked = time.monotonic()
    job.cancel()
    assert job.join(timeout=1.0) and time.monotonic() - asked < 1.0
    assert job.status == "cancelled" and job.progress.done < 65 and not job.video_path.exists()


def test_a_job_takes_fair_turns_with_the_live_streams(net, monkeypatch):
    from studio.clips import jobs as clip_jobs
    from studio.live.turns import FairTurns

    turns = FairTurns(slots=1)
    monkeypatch.setattr(clip_jobs, "TURNS", turns)
    live_stream = LiveStats()  # what a live stream takes its turns as
    assert turns.acquire(live_stream)  # a live stream is processing a frame: the job must wait
    sample = SAMPLES["squats"].path
    job = ClipJob(sample, sample.name, net, DemoSettings.for_page(True))
    job.start()
    time.sleep(0.5)
    assert job.progress is None or job.progress.done == 0  # not one frame while the turn was taken
    turns.release()
    while job.progress is None or job.progress.done < 2:
        time.sleep(0.01)
    job.cancel()
    assert job.join(timeout=2) and job.status == "cancelled"


def test_jobs_per_process_are_bounded(net, monkeypatch):
    from studio.clips import jobs as clip_jobs

    monkeypatch.setattr(clip_jobs, "_slots", threading.BoundedSemaphore(1))
    sample = SAMPLES["squats"].path
    first = ClipJob(sample, sample.name, net, DemoSettings(), streams_running=lambda: True)
    first.start()
    with pytest.raises(clip_jobs.ServerBusy):
        ClipJob(sample, sample.name, net, DemoSettings()).start()
    first.cancel()
    assert first.join(timeout=2)
    second = ClipJob(sample, sample.name, net, DemoSettings(), streams_running=lambda: True)
    second.start()  # the slot is free again
    second.cancel()
    assert second.join(timeout=2)


# ---- snapshots ----


def published(net, image):
    """What the live worker publishes for one frame (studio.live.callback.make_frame_callback)."""
    stats = LiveStats()
    picture, report = process_frame(net, image, DemoSettings.for_page(True))
    stats.record(report, image, picture)
    return stats, picture, report


def test_a_snapshot_is_the_published_picture_and_its_poses(net, three_people_image):
    image = np.array(three_people_image)
    stats, picture, report = published(net, image)
    shot = snapshot.take_snapshot(stats)
    png = cv2.cvtColor(cv2.imdecode(np.frombuffer(shot["picture_png"], np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    assert np.array_equal(png, picture)
    raw = cv2.cvtColor(cv2.imdecode(np.frombuffer(shot["frame_png"], np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    assert np.array_equal(raw, image)
    poses = json.loads(shot["poses_json"])
    assert (poses["width"], poses["height"]) == (image.shape[1], image.shape[0])
    assert poses["poses"] == [p.to_dict() for p in report.poses] and len(poses["poses"]) >= 3


def test_no_snapshot_before_the_first_frame():
    assert snapshot.take_snapshot(LiveStats()) is None


@pytest.mark.usefixtures("webrtc_without_server")
def test_study_this_frame_opens_the_teaching_page_with_that_frame(net, three_people_image):
    image = np.array(three_people_image)
    stats, _, _ = published(net, image)
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120).run()
    app.switch_page("pages/single_pose.py").run()
    app.session_state[SINGLE.snapshot] = snapshot.take_snapshot(stats)
    app.run()
    next(b for b in app.button if b.label == "Study this frame on the teaching page").click().run()
    assert not app.exception, app.exception
    assert app.title[0].value == "How PoseNet decodes"
    assert app.radio(key=TeachKeys.SOURCE).value == "live"
    shot_name = app.session_state[TeachKeys.FROM_LIVE][1]
    assert [c.value for c in app.caption] == [f"` {shot_name} ` · 1049 × 861 pixels"]


@pytest.mark.usefixtures("webrtc_without_server")
def test_the_upload_caps_are_50_mb_for_clips_and_the_teaching_page_checks_its_own_10_mb():
    import tomllib

    from studio.teaching.page import UPLOAD_CEILING_MB
    from studio.teaching.picture import MAX_UPLOAD_MB

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 50
    assert open_upload().file_uploader(key=SINGLE.clip_upload).proto.max_upload_size_mb == 50
    teaching = AppTest.from_file(str(REPO_ROOT / "pages" / "how_decoding_works.py"), default_timeout=120).run()
    teaching.radio(key=TeachKeys.SOURCE).set_value("upload").run()
    # The teaching uploader takes more, so that its own 10 MB check can say why a file is refused.
    assert (
        teaching.file_uploader(key=TeachKeys.UPLOAD).proto.max_upload_size_mb == UPLOAD_CEILING_MB > MAX_UPLOAD_MB == 10
    )


def test_the_progress_line_counts_frames_even_without_a_total():
    from posenet_core.clip import ClipProgress
    from studio.clips.analysis import progress_line

    assert progress_line(None) == (0.0, "Starting...")
    assert progress_line(ClipProgress(3, None, 6.0, 0.5)) == (0.0, "3 frames")
    fraction, words = progress_line(ClipProgress(3, 12, 6.0, 0.5))
    assert fraction == 0.25 and words == "3 / 12 frames · 6.0 fps · about 2 s left"
