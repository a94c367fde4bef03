"""Small video files for the clip tests: a real clip cut from the squats sample, and broken ones."""

import fractions
import pathlib

import av

from tests.support.paths import SAMPLES

SQUATS = SAMPLES / "pose_squats.mp4"


def short_clip(
    path: pathlib.Path, frames: int, width: int = 180, height: int = 320, rate: int = 10, codec: str = "libx264"
) -> pathlib.Path:
    """The first ``frames`` frames of the squats sample, downscaled and re-encoded (the container
    from ``path``'s suffix: .mp4, .mov, .webm with ``codec="libvpx-vp9"``)."""
    with av.open(str(SQUATS)) as source, av.open(str(path), "w") as sink:
        stream = sink.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index, frame in enumerate(source.decode(video=0)):
            if index == frames:
                break
            frame = frame.reformat(width=width, height=height)
            frame.pts, frame.time_base = index, fractions.Fraction(1, rate)  # the new rate, not the sample's
            sink.mux(stream.encode(frame))
        sink.mux(stream.encode())
    return path


def frame_count(path: pathlib.Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def video_without_frames(path: pathlib.Path) -> pathlib.Path:
    """A valid MP4 whose video stream got no frames at all."""
    with av.open(str(path), "w") as sink:
        stream = sink.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        sink.start_encoding()
    return path


def corrupt_clip(path: pathlib.Path) -> pathlib.Path:
    """The squats sample's header, then zeros: it looks like an MP4 and cannot be read."""
    data = SQUATS.read_bytes()
    path.write_bytes(data[:64] + bytes(len(data) - 64))
    return path
