"""A whole video clip through PoseNet: every frame's poses, and optionally the annotated video.

The one implementation of clip processing: the ``posenet`` command and the app's
"Analyse the whole clip" both call ``process_clip``. Frames are read and the annotated
video written with PyAV; what a frame's poses are (and how it is drawn) is the caller's
``analyse`` function, so each caller keeps its own settings.
"""

from __future__ import annotations

import dataclasses
import pathlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import av
import numpy as np

from .pose import Pose

# The first that the installed PyAV's FFmpeg can encode, in order of preference: H.264
# plays everywhere; VP9 and MPEG-4 part 2 are the fallbacks of FFmpeg builds without x264.
VIDEO_CODECS = ("libx264", "libvpx-vp9", "mpeg4")


class ClipError(ValueError):
    """The clip cannot be read. ``message`` is in plain words for anyone (the caller names
    the file); ``str()`` adds FFmpeg's own words, for a terminal or a log."""

    def __init__(self, message: str, detail: object = None):
        super().__init__(message if detail is None else f"{message} ({detail})")
        self.message = message


class ClipCancelled(Exception):
    """``process_clip`` stopped because its cancel event was set."""


@dataclass(frozen=True)
class ClipInfo:
    width: int
    height: int
    fps: float
    frames: int | None  # from the container's header; None when it does not say
    duration_s: float | None
    container: str = ""  # FFmpeg's name of the file's format ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "gif")
    codec: str = ""  # and of the video's codec ("h264", "vp8", "png")

    @property
    def expected_frames(self) -> int | None:
        """The frame count to show progress against: the header's, else duration x rate."""
        if self.frames:
            return self.frames
        return round(self.duration_s * self.fps) if self.duration_s else None


@dataclass(frozen=True)
class ClipProgress:
    done: int
    total: int | None
    fps: float  # frames analysed per second so far
    elapsed_s: float

    @property
    def seconds_left(self) -> float | None:
        if not self.total or self.fps <= 0:
            return None
        return max(0, self.total - self.done) / self.fps


# analyse(rgb frame, its time in seconds, wants_picture) -> (poses, annotated picture or None);
# the time lets a tracker (PoseTracker) follow people across frames.
Analyse = Callable[[np.ndarray, float, bool], tuple[list[Pose], np.ndarray | None]]


def video_codec() -> str:
    for name in VIDEO_CODECS:
        if name in av.codecs_available:
            return name
    raise ClipError(f"this PyAV can encode none of {', '.join(VIDEO_CODECS)}")


def _open(path: pathlib.Path):
    if not path.is_file():
        raise ClipError("no such file")
    if path.stat().st_size == 0:
        raise ClipError("the file is empty (0 bytes)")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as error:
        raise ClipError("not a video file that can be read (damaged, or not a video)", error) from None
    if not container.streams.video:
        container.close()
        raise ClipError("it holds no video (no video track)")
    return container, container.streams.video[0]


def _rate_and_length(container, stream) -> tuple[float, float | None]:
    """Frames per second and duration in seconds (None if unknown), from the headers."""
    fps = float(stream.average_rate or stream.guessed_rate or 30)
    if stream.duration is not None and stream.time_base is not None:
        return fps, float(stream.duration * stream.time_base)
    if container.duration is not None:  # WebM (Matroska) gives the container's length only
        return fps, container.duration / av.time_base
    return fps, None


def _header(container, stream) -> ClipInfo:
    fps, duration = _rate_and_length(container, stream)
    context = stream.codec_context
    return ClipInfo(
        context.width, context.height, fps, stream.frames or None, duration, container.format.name, context.name
    )


def read_header(path: pathlib.Path) -> ClipInfo:
    """What the file says about itself (size 0 x 0 if it does not say), without decoding a frame."""
    container, stream = _open(pathlib.Path(path))
    with container:
        return _header(container, stream)


def measure_video(path: pathlib.Path, max_frames: int, max_seconds: float) -> tuple[int, float]:
    """(frames, seconds) of the video as stored, counted from its packets (no frame is decoded),
    whatever the header says; ``ClipError`` as soon as it has more than ``max_frames`` frames or
    spans more than ``max_seconds``."""
    container, stream = _open(pathlib.Path(path))
    frames, first, last = 0, None, None
    with container:
        try:
            for packet in container.demux(stream):
                if packet.size == 0 or packet.pts is None or packet.time_base is None:
                    continue  # the demuxer's end-of-stream marker, or a packet without a time
                frames += 1
                start = float(packet.pts * packet.time_base)
                end = start + float((packet.duration or 0) * packet.time_base)
                first = start if first is None else min(first, start)
                last = end if last is None else max(last, end)
                if frames > max_frames:
                    raise ClipError(f"it has more than {max_frames} frames")
                if last - first > max_seconds:
                    raise ClipError(f"it lasts more than {max_seconds:.0f} s")
        except av.error.FFmpegError as error:
            raise ClipError(f"it is damaged after {frames} frames", error) from None
    return frames, (last - first) if frames else 0.0


def probe_clip(path: pathlib.Path) -> ClipInfo:
    """The clip's size, rate, length, read from the file; decodes its first frame, so a
    broken or empty video fails here and not halfway through processing."""
    container, stream = _open(pathlib.Path(path))
    with container:
        header = _header(container, stream)
        try:
            first = next(container.decode(stream), None)
        except av.error.FFmpegError as error:
            raise ClipError("its first frame cannot be decoded", error) from None
        if first is None:
            raise ClipError("it holds no video frames")
        return dataclasses.replace(header, width=first.width, height=first.height)


def process_clip(
    path: pathlib.Path,
    analyse: Analyse,
    out: pathlib.Path | None = None,
    on_progress: Callable[[ClipProgress], None] | None = None,
    cancel: threading.Event | None = None,
    pause_s: Callable[[], float] | None = None,
    max_frames: int | None = None,
    max_seconds: float | None = None,
) -> dict:
    """Every frame's poses as ``{"video", "fps", "frames": [{"frame", "time", "poses"}]}``
    (the CLI's JSON), and the annotated video in ``out`` (MP4) if given.

    ``on_progress`` gets a ``ClipProgress`` before the first frame and after each one; its
    total is ``ClipInfo.expected_frames`` (WebM headers give no frame count, only a length).
    ``cancel`` is checked before every frame (``ClipCancelled``); ``pause_s()`` is a
    pause to take after each frame (to yield the CPU to others), cut short by ``cancel``.
    ``max_frames`` / ``max_seconds``: stop with ``ClipError`` past that many decoded frames or
    seconds of video, whatever the file's header said.
    """
    path = pathlib.Path(path)
    container, stream = _open(path)
    fps, duration = _rate_and_length(container, stream)
    total = ClipInfo(stream.width, stream.height, fps, stream.frames or None, duration).expected_frames
    sink = sink_stream = None
    frames: list[dict] = []
    started = time.perf_counter()

    def report() -> None:
        if on_progress is not None:
            elapsed = time.perf_counter() - started
            on_progress(ClipProgress(len(frames), total, len(frames) / elapsed if elapsed > 0 else 0.0, elapsed))

    report()
    try:
        for index, frame in enumerate(container.decode(stream)):
            if cancel is not None and cancel.is_set():
                raise ClipCancelled
            timestamp = float(frame.time or index / fps)
            if max_frames is not None and index >= max_frames:
                raise ClipError(f"it has more than {max_frames} frames")
            if max_seconds is not None and timestamp - float(frames[0]["time"] if frames else timestamp) > max_seconds:
                raise ClipError(f"it lasts more than {max_seconds:.0f} s")
            image = frame.to_ndarray(format="rgb24")
            poses, picture = analyse(image, timestamp, out is not None)
            frames.append({"frame": index, "time": timestamp, "poses": [p.to_dict() for p in poses]})
            if out is not None:
                if sink is None:
                    sink = av.open(str(out), "w")
                    sink_stream = sink.add_stream(video_codec(), rate=round(fps))
                    # yuv420p needs even sides: drop a last odd row or column.
                    sink_stream.width, sink_stream.height = image.shape[1] // 2 * 2, image.shape[0] // 2 * 2
                    sink_stream.pix_fmt = "yuv420p"
                picture = picture[: sink_stream.height, : sink_stream.width]
                sink.mux(sink_stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")))
            report()
            pause = pause_s() if pause_s is not None else 0.0
            if pause > 0:
                if cancel is not None:
                    cancel.wait(pause)
                else:
                    time.sleep(pause)
    except av.error.FFmpegError as error:
        raise ClipError(f"decoding failed at frame {len(frames)}", error) from None
    finally:
        if sink is not None:
            sink.mux(sink_stream.encode())
            sink.close()
        container.close()
    if not frames:
        raise ClipError("it holds no video frames")
    return {"video": str(path), "fps": fps, "frames": frames}
