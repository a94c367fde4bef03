"""Recording a live stream: the annotated video as shown (MP4) and every processed frame's poses
(the ``posenet`` command's JSON, and CSV). Plain Python (no Streamlit).

The video worker hands each frame to ``Recording.offer``, which never blocks it: the picture goes
into a small queue that a thread of the recording's own encodes, and when that thread falls behind
the queue drops the picture rather than grow (the poses are still kept). Frames are timed by the
server's monotonic clock from the start of the recording, never by the camera's time stamps
(which jump when a camera restarts or a sample video loops). Bounded by length and size; the
files live in the session's private directory (``files.private_directory``), deleted with the
session or by the next recording.
"""

from __future__ import annotations

import fractions
import json
import pathlib
import queue
import threading
import time

import av
import cv2
import numpy as np

from posenet_core import Pose, export
from posenet_core.angles import joint_angle
from posenet_core.clip import video_codec
from posenet_core.reps import RepCounter, RepRule
from studio.clips.files import private_directory
from studio.live.timeline import first_pose

MAX_SECONDS = 60.0
MAX_MB = 50  # the MP4; a webcam at 640x480 makes ~10 MB a minute
QUEUE_FRAMES = 8  # pictures waiting for the encoder: ~0.3 s at 30 fps, 7 MB at 640x480
TIME_BASE = fractions.Fraction(1, 1000)  # presentation times in milliseconds
# x264's fastest preset, one thread: the recording must leave the CPU to the stream.
X264_OPTIONS = {"preset": "ultrafast", "crf": "23"}


class Recording:
    """One recording; ``offer`` from the worker, ``finish`` from the page (once, when it stops)."""

    def __init__(
        self,
        directory: pathlib.Path,
        max_seconds: float = MAX_SECONDS,
        max_bytes: int = MAX_MB * 1_000_000,
        queue_frames: int = QUEUE_FRAMES,
        clock=time.monotonic,
    ):
        self.video_path = directory / "recording.mp4"
        self.json_path = directory / "recording.json"
        self.csv_path = directory / "recording.csv"
        self.max_seconds, self.max_bytes = max_seconds, max_bytes
        self._clock = clock
        self.started = clock()
        self.wall_started = time.time()  # for the files' names
        self._queue: queue.Queue = queue.Queue(maxsize=queue_frames)
        self._frames: list[tuple[float, list[Pose], float]] = []  # (seconds, poses, part confidence)
        self.accepting = True
        self.limit_reached: str | None = None  # why it stopped by itself, in words
        self.frames_dropped = 0  # pictures the encoder could not take (their poses are kept)
        self.frames_encoded = 0
        self.bytes_written = 0
        self.error: str | None = None
        self.finished = False
        self._last_ms = -1
        self._thread = threading.Thread(target=self._encode_all, name="studio-recording", daemon=True)
        self._thread.start()

    @property
    def frames_offered(self) -> int:
        return len(self._frames)

    @property
    def duration_s(self) -> float:
        """From the start to the last frame recorded."""
        return self._frames[-1][0] if self._frames else 0.0

    def elapsed(self) -> float:
        return self._clock() - self.started

    def offer(self, picture: np.ndarray, poses: list[Pose], min_part_confidence: float, now: float) -> None:
        """The worker's call: never blocks. ``picture`` is not copied (the worker makes a new one per frame)."""
        if not self.accepting:
            return
        seconds = now - self.started
        if seconds > self.max_seconds:
            self._stop_by_itself(f"it reached the limit of {self.max_seconds:.0f} s")
            return
        if self.bytes_written > self.max_bytes:
            self._stop_by_itself(f"the video reached the limit of {self.max_bytes / 1e6:.0f} MB")
            return
        self._frames.append((seconds, poses, min_part_confidence))
        try:
            self._queue.put_nowait((seconds, picture))
        except queue.Full:
            self.frames_dropped += 1

    def _stop_by_itself(self, reason: str) -> None:
        self.limit_reached, self.accepting = reason, False

    # ---- the encoder thread ----

    def _encode_all(self) -> None:
        sink = stream = None
        try:
            while self.accepting or not self._queue.empty():
                try:
                    seconds, picture = self._queue.get(timeout=0.1)
                except queue.Empty:
                    continue
                if sink is None:
                    sink, stream = self._open(picture)
                self._encode(sink, stream, seconds, picture)
            if stream is not None:
                self._mux(sink, stream.encode())  # flush
        except (av.error.FFmpegError, OSError, ValueError) as error:
            self.error, self.accepting = f"the video could not be written ({error})", False
        finally:
            if sink is not None:
                sink.close()

    def _open(self, picture: np.ndarray):
        sink = av.open(str(self.video_path), "w")
        codec = video_codec()
        stream = sink.add_stream(codec, rate=30)
        # yuv420p wants even sides; every later frame is fitted to this first one's size.
        stream.width, stream.height = picture.shape[1] // 2 * 2, picture.shape[0] // 2 * 2
        stream.pix_fmt = "yuv420p"
        stream.time_base = stream.codec_context.time_base = TIME_BASE
        stream.codec_context.thread_count = 1
        if codec == "libx264":
            stream.options = X264_OPTIONS
        return sink, stream

    def _encode(self, sink, stream, seconds: float, picture: np.ndarray) -> None:
        height, width = stream.height, stream.width
        if picture.shape[:2] != (height, width):  # the camera changed size (Chrome does, early on)
            picture = cv2.resize(picture, (width, height), interpolation=cv2.INTER_AREA)
        frame = av.VideoFrame.from_ndarray(cv2.cvtColor(picture, cv2.COLOR_RGB2YUV_I420), format="yuv420p")
        frame.pts = self._last_ms = max(round(seconds * 1000), self._last_ms + 1)  # strictly increasing
        frame.time_base = TIME_BASE
        self._mux(sink, stream.encode(frame))
        self.frames_encoded += 1

    def _mux(self, sink, packets) -> None:
        for packet in packets:
            self.bytes_written += packet.size
            sink.mux(packet)

    # ---- the page's side ----

    def stop(self) -> None:
        """No more frames; returns once the encoder has written the ones it has."""
        self.accepting = False
        self._thread.join(timeout=30)

    def finish(self, rule: RepRule | None = None) -> None:
        """Stop, let the encoder write what it has, and write the JSON and CSV (with the
        repetition count of ``rule`` per frame, if given). Safe to call more than once."""
        if self.finished:
            return
        self.stop()
        frames = self.frame_records()
        result = {"video": self.video_path.name, "fps": self.processed_fps(), "frames": frames}
        extra = ()
        if rule is not None:
            result["repetitions"] = self._count(frames, rule)
            extra = ("reps",)
        self.json_path.write_text(json.dumps(result, indent=1))
        self.csv_path.write_text(export.csv_text(frames, extra))
        self.finished = True

    def frame_records(self) -> list[dict]:
        frames = []
        for index, (seconds, poses, confidence) in enumerate(self._frames):
            frames.append({"frame": index, "time": round(seconds, 4), "poses": [p.to_dict() for p in poses]})
            export.add_angles(frames[-1:], confidence)
        return frames

    def _count(self, frames: list[dict], rule: RepRule) -> dict:
        """The counter run over the recording (the first person's angle, as live); each frame gets the count so far."""
        counter = RepCounter(rule)
        for record, (_, poses, confidence) in zip(frames, self._frames):
            pose = first_pose(poses)
            record["reps"] = counter.update(None if pose is None else joint_angle(pose, rule.joint, confidence))
        return counter.summary()

    def processed_fps(self) -> float:
        if len(self._frames) < 2:
            return 0.0
        span = self._frames[-1][0] - self._frames[0][0]
        return round((len(self._frames) - 1) / span, 2) if span > 0 else 0.0


class SessionRecordings:
    """A session's recordings of one stream: at most one at a time, its files in a private directory
    that goes with the session; a new recording deletes the last one's files."""

    def __init__(self):
        self.directory, self._cleanup = private_directory(self, "posenet-rec-")
        self.current: Recording | None = None

    def start(self) -> Recording:
        self.discard()
        self.current = Recording(self.directory)
        return self.current

    def discard(self) -> None:
        """Stop and delete the current recording's files."""
        if self.current is not None:
            self.current.stop()
            for path in (self.current.video_path, self.current.json_path, self.current.csv_path):
                path.unlink(missing_ok=True)
        self.current = None

    def close(self) -> None:
        self.discard()
        self._cleanup()
