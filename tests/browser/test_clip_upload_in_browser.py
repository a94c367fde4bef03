"""A visitor's own clip in a real browser: upload, START, poses, views, snapshot, whole-clip
analysis with its downloads, and "study this frame" on the teaching page."""

from __future__ import annotations

import json
import re

import av
import numpy as np
import pytest
from PIL import Image

from tests.browser.test_live_demo import (
    PICTURE_DEADLINE_S,
    assert_still_streaming,
    is_heatmap,
    save_screenshot,
    wait_until,
)
from tests.support.clips import short_clip
from tests.support.demo_page import STREAMER_IFRAME

pytestmark = pytest.mark.browser
CLIP_FRAMES = 15  # 3 s of the squats sample at its 5 fps


def upload_clip(demo, path) -> None:
    """Choose "Upload a clip", give the uploader the file, wait for its streamer's START."""
    demo.choose("Video source", "Upload a clip")
    demo.page.locator(STREAMER_IFRAME).wait_for(state="detached", timeout=30_000)  # nothing to play yet
    demo.page.get_by_text("Choose a video file").wait_for(timeout=10_000)  # what to do, where the video goes
    demo.page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    demo.start_button.wait_for(state="visible", timeout=60_000)


def download(demo, label: str, path):
    with demo.page.expect_download(timeout=30_000) as info:
        demo.page.get_by_role("button", name=label).click()
    info.value.save_as(str(path))
    return path


@pytest.mark.timeout(400)
def test_an_uploaded_clip_streams_with_poses_views_snapshot_and_downloads(open_demo, tmp_path):
    clip = short_clip(tmp_path / "my squats.mp4", frames=CLIP_FRAMES, width=360, height=640, rate=5)
    demo = open_demo("Single pose")
    upload_clip(demo, clip)
    assert demo.page.get_by_text("my squats.mp4").count() >= 1

    demo.start()
    demo.wait_for_frames(3, timeout=30)
    samples = demo.sample(5, every=1.0)
    confident = [s for s in samples if s.poses == 1 and s.scores and max(s.scores) >= 0.3]
    assert len(confident) >= 0.8 * len(samples), [(s.poses, s.scores) for s in samples]
    save_screenshot(demo, "clip_upload.png")
    connections = demo.peer_connections()

    reference = demo.video_frame()
    demo.choose("Show", "Heatmaps")
    wait_until(lambda: is_heatmap(reference, demo.video_frame()), PICTURE_DEADLINE_S, "the heatmap view")
    assert_still_streaming(demo, connections, "after choosing Heatmaps")
    save_screenshot(demo, "clip_upload_heatmap.png")

    # Snapshot: the frame on screen, as PNG and poses.
    demo.page.get_by_role("button", name=re.compile("Snapshot")).click()
    png = np.asarray(Image.open(download(demo, "PNG", tmp_path / "snap.png")).convert("RGB"))
    assert png.shape == (640, 360, 3) and png.std() > 20
    poses = json.loads(download(demo, "Poses (JSON)", tmp_path / "snap.json").read_text())
    assert (poses["width"], poses["height"]) == (360, 640) and len(poses["poses"]) == 1

    # The whole clip, while it streams.
    demo.page.get_by_role("button", name=re.compile("Analyse the whole clip")).click()
    demo.page.get_by_role("button", name=re.compile("Annotated video")).wait_for(timeout=120_000)
    preview = demo.page.get_by_test_id("stVideo")  # the annotated result plays in the page
    preview.wait_for(timeout=30_000)
    preview.scroll_into_view_if_needed()
    wait_until(lambda: preview.evaluate("v => v.readyState >= 2 && v.videoWidth === 360"), 30, "the preview plays")
    save_screenshot(demo, "clip_upload_analysed.png")
    video = download(demo, re.compile("Annotated video"), tmp_path / "annotated.mp4")
    with av.open(str(video)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == CLIP_FRAMES and frames[0].shape == (640, 360, 3)
    record = json.loads(download(demo, re.compile("Poses per frame"), tmp_path / "poses.json").read_text())
    assert record["video"] == "my squats.mp4" and [f["frame"] for f in record["frames"]] == list(range(CLIP_FRAMES))
    assert_still_streaming(demo, connections, "after analysing the whole clip")

    # The snapshot's frame on the teaching page.
    demo.page.get_by_role("button", name="Study this frame on the teaching page").click()
    demo.page.get_by_role("heading", name="How PoseNet decodes").wait_for(timeout=60_000)
    demo.page.get_by_text("360 × 640 pixels").wait_for(timeout=60_000)
    save_screenshot(demo, "clip_upload_teaching.png")


@pytest.mark.timeout(400)
def test_a_second_users_sample_stream_keeps_playing_and_loops_while_a_clip_is_analysed(open_demo):
    """The squats sample is 65 frames at 5 fps: after 13 s it loops; while another session analyses
    it, this stream keeps processing frames and that session gets its progress and its result.
    (How fast this stream stays meanwhile is measured by benchmarks/stream_during_analysis.py.)"""
    watcher = open_demo("Single pose")
    watcher.choose_source("Sample video: one person doing squats")
    watcher.start()
    watcher.wait_for_frames(3, timeout=30)
    connections = watcher.peer_connections()

    analyst = open_demo("Multi pose")
    analyst.choose_source("Sample video: one person doing squats")
    analyst.analyse_whole_clip()
    analyst.page.get_by_text(re.compile(r"\d+ / 65 frames · [\d.]+ fps · about \d+ s left")).wait_for(timeout=30_000)
    save_screenshot(analyst, "clip_analysis_progress.png")
    during = watcher.sample(6, every=1.0)
    analyst.wait_for_analysis_result()
    gained = during[-1].frames_processed - during[0].frames_processed
    print(f"\nwhile another session analysed the clip: {gained} frames in {during[-1].t - during[0].t:.0f} s")
    assert gained > 0, f"the other stream processed no frame while the clip was analysed: {during}"
    assert_still_streaming(watcher, connections, "while the clip was analysed")

    # Again, and cancelled: the page says so at once.
    analyst.analyse_whole_clip()
    analyst.page.get_by_role("button", name=re.compile("Cancel")).click()
    analyst.page.get_by_text("Analysis cancelled.").wait_for(timeout=10_000)

    # Past the clip's end: still streaming, frames still coming (the loop).
    after = watcher.wait_for_frames(80, timeout=40)
    assert_still_streaming(watcher, connections, "after the clip looped")
    print(f"frames processed after looping: {after.frames_processed}")
