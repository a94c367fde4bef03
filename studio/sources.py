"""The catalogue of sources a demo page can play: the browser's camera, the bundled samples, an upload."""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

import cv2

SAMPLES_DIR = pathlib.Path(__file__).parent / "samples"
CAMERA = "camera"  # the source that is the browser's webcam, beside the samples
UPLOAD = "upload"  # the visitor's own clip (studio/clips/), played like the video sample
# An uploaded clip's limits on what is decoded (its header may say anything): played, analysed, checked.
CLIP_MAX_S = 60.0
CLIP_MAX_FRAMES = 3600  # 60 s at 60 fps
LIVE_SNAPSHOT = "live"  # the teaching page's source when a live page sent it a snapshot


@dataclass(frozen=True)
class Sample:
    label: str
    path: pathlib.Path
    is_video: bool


SQUATS, THREE_PEOPLE, YOGA = "squats", "three_people", "yoga"  # also the share links' source names
SAMPLES = {
    SQUATS: Sample("Sample video: one person doing squats", SAMPLES_DIR / "pose_squats.mp4", True),
    THREE_PEOPLE: Sample("Sample photo: three people", SAMPLES_DIR / "three_people.jpg", False),
    YOGA: Sample("Sample photo: yoga pose", SAMPLES_DIR / "pose.jpg", False),
}
SAMPLE_PHOTOS = tuple(key for key, sample in SAMPLES.items() if not sample.is_video)


def read_rgb(path: pathlib.Path):
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"cannot read {path}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
