"""Tracking on the live pages, in a real browser: the webcam's person gets an ID tag, switches apply live."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.support.paths import ARTIFACTS
from tests.support.pictures import SKELETON_RGB

pytestmark = pytest.mark.browser


def id_tag_pixels(frame: np.ndarray) -> int:
    """Pixels inside a wide solid band of the first person's colour: the "#1 score" tag's margin
    under its text. A 15 x 3 erosion removes the 2 px skeleton lines and the ~9 px keypoint dots."""
    near = (np.abs(frame.astype(int) - SKELETON_RGB).max(axis=-1) <= 40).astype(np.uint8)
    return int(cv2.erode(near, np.ones((3, 15), np.uint8)).sum())


def tag_shown(demo, frames: int = 6) -> list[int]:
    counts = []
    for _ in range(frames):
        counts.append(id_tag_pixels(demo.video_frame()))
        time.sleep(0.3)
    return counts


@pytest.mark.timeout(300)
def test_single_pose_webcam_person_is_tagged_and_the_switches_apply_live(open_demo):
    demo = open_demo("Single pose")
    toggles = demo.page.get_by_test_id("stCheckbox")
    for label in ("Track people", "Smooth keypoints"):
        assert toggles.filter(has_text=label).locator("input").is_checked(), f"{label} is not on by default"
    demo.start()
    demo.wait_for_frames(5, timeout=30)
    connections = demo.peer_connections()
    tagged = tag_shown(demo)
    frame = demo.video_frame()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    Image.fromarray(frame).save(ARTIFACTS / "single_pose_tracked_video.png")
    demo.screenshot(ARTIFACTS / "single_pose_tracked.png")

    toggles.filter(has_text="Track people").click()
    demo.wait_for_run()
    time.sleep(1.5)  # the worker reads the new settings at its next frame; the browser's buffer follows
    untagged = tag_shown(demo)
    print(f"\nID tag pixels per frame: tracking on {tagged}, off {untagged}")
    assert demo.is_streaming() and demo.peer_connections() == connections, "the switch restarted the stream"
    assert np.median(tagged) > 20 and np.median(untagged) <= 2
