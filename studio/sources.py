"""Bundled sample media as WebRTC sources, for users without a camera (or who say no to it)."""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

import av
import cv2
from aiortc import VideoStreamTrack
from aiortc.contrib.media import MediaPlayer

SAMPLES_DIR = pathlib.Path(__file__).parent / "samples"


@dataclass(frozen=True)
class Sample:
    label: str
    path: pathlib.Path
    is_video: bool


SAMPLES = {
    "squats": Sample("Sample video: one person doing squats", SAMPLES_DIR / "pose_squats.mp4", True),
    "three_people": Sample("Sample photo: three people", SAMPLES_DIR / "three_people.jpg", False),
    "yoga": Sample("Sample photo: yoga pose", SAMPLES_DIR / "pose.jpg", False),
}


def read_rgb(path: pathlib.Path):
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"cannot read {path}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


class StillImageTrack(VideoStreamTrack):
    """A photo sent as a 30 fps video, so it goes through the live pipeline like a camera."""

    def __init__(self, rgb):
        super().__init__()
        self._rgb = rgb

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame.from_ndarray(self._rgb, format="rgb24")  # fresh: receivers may keep frames
        frame.pts, frame.time_base = pts, time_base
        return frame


class _StillPlayer:
    """What streamlit-webrtc's ``player_factory`` must return: ``.video`` and ``.audio``."""

    def __init__(self, track):
        self.video, self.audio = track, None


def make_player(sample_key: str):
    sample = SAMPLES[sample_key]
    if sample.is_video:
        # Looping keeps the demo alive; the file plays at its own frame rate.
        return MediaPlayer(str(sample.path), loop=True)
    return _StillPlayer(StillImageTrack(read_rgb(sample.path)))
