"""A visitor's own video clip: the limits it must meet, and its private, per-session file.

Plain Python (no Streamlit). A clip is checked before anything large is decoded: its first
bytes must be an MP4/MOV or WebM/Matroska signature (a picture named ``.mp4`` is refused
unread), then a child process (``studio.limited_child``: 20 s, 1 GB) reads its header (picture
size, refused past 1080p before a frame is decoded), counts its frames from its packets
(refused past 60 s of video or 3,600 frames, whatever the header says: MediaRecorder's WebMs
have no duration at all) and decodes its first frame. Every decoder error becomes a refusal
in plain words. The clip is written to a directory only the server's user can read
(``tempfile.mkdtemp`` makes it mode 0700), one per session, and deleted when
another clip or source is chosen, or when the session's object is collected (its
``weakref.finalize``: Streamlit drops a session's state once the session has ended).
"""

from __future__ import annotations

import dataclasses
import pathlib
import shutil
import tempfile
import weakref

from posenet_core.clip import ClipError, ClipInfo, measure_video, probe_clip, read_header
from studio.limited_child import LimitExceeded, run_limited
from studio.sources import CLIP_MAX_FRAMES, CLIP_MAX_S

UPLOAD_TYPES = ("mp4", "webm", "mov")
MAX_DURATION_S = CLIP_MAX_S
MAX_FRAMES = CLIP_MAX_FRAMES
MAX_LONG_SIDE, MAX_SHORT_SIDE = 1920, 1080  # 1080p, landscape or portrait
CHECK_S, CHECK_MEMORY_MB = 20.0, 1024  # the child that reads the clip: enough for any clip within the limits
PLEASE = "Please choose an MP4, WebM or MOV video."


def _signature(head: bytes) -> str | None:
    """The kind of file its first bytes say it is: "video", "picture" or None (neither)."""
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot") or head[:4] == b"\x1a\x45\xdf\xa3":
        return "video"  # ISO base media (MP4, MOV) or EBML (WebM, Matroska)
    pictures = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"BM", b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00")
    if head.startswith(pictures) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "picture"
    return None


class ClipRefused(ValueError):
    """The clip is not played: a message in plain words (the page names the file)."""


def check_limits(info: ClipInfo) -> None:
    """Refuse (``ClipRefused``) a clip larger than 1080p either way up or longer than ``MAX_DURATION_S``."""
    if not (info.width and info.height):
        raise ClipRefused(f"it does not say its picture size, so it cannot be checked before decoding. {PLEASE}")
    long_side, short_side = max(info.width, info.height), min(info.width, info.height)
    if long_side > MAX_LONG_SIDE or short_side > MAX_SHORT_SIDE:
        raise ClipRefused(
            f"it is {info.width}x{info.height} pixels; the limit is {MAX_LONG_SIDE}x{MAX_SHORT_SIDE} "
            "(1080p, either way up). Please export a smaller version."
        )
    if info.duration_s is not None and info.duration_s > MAX_DURATION_S + 0.5:
        raise ClipRefused(
            f"it lasts {info.duration_s:.0f} s; the limit is {MAX_DURATION_S:.0f} s. Please cut it shorter."
        )


def inspect_clip(path: str) -> dict:
    """In the child (``check_clip``): header, limits, frames counted, first frame; ``ClipRefused`` or the facts."""
    try:
        check_limits(read_header(pathlib.Path(path)))  # the size it claims, before any decoding
        try:
            frames, seconds = measure_video(pathlib.Path(path), MAX_FRAMES, MAX_DURATION_S + 0.5)
        except ClipError as error:
            if error.message.startswith(("it has more than", "it lasts more than")):
                raise ClipRefused(
                    f"{error.message}; the limit is {MAX_DURATION_S:.0f} s and {MAX_FRAMES} frames. "
                    "Please cut it shorter."
                ) from None
            raise
        info = probe_clip(pathlib.Path(path))  # decodes the first frame: a broken video fails here
    except ClipError as error:
        raise ClipRefused(f"{error.message}. {PLEASE}") from None
    check_limits(info)  # the size it really has
    if not frames:
        raise ClipRefused(f"it holds no video frames. {PLEASE}")
    return dataclasses.asdict(dataclasses.replace(info, frames=frames, duration_s=seconds))


def check_clip(path: pathlib.Path) -> ClipInfo:
    """The clip's facts, read from the file; ``ClipRefused`` if it cannot or may not be played."""
    with open(path, "rb") as file:
        head = file.read(16)
    kind = _signature(head)
    if not head:
        raise ClipRefused(f"the file is empty (0 bytes). {PLEASE}")
    if kind == "picture":
        raise ClipRefused(f"it is a picture, not a video. {PLEASE}")
    if kind is None:
        raise ClipRefused(f"it is not a video this page can read. {PLEASE}")
    try:
        facts = run_limited("studio.clips.files:inspect_clip", [str(path)], seconds=CHECK_S, memory_mb=CHECK_MEMORY_MB)
    except LimitExceeded as exceeded:
        raise ClipRefused(
            f"reading it took {exceeded.what} (this server's limit for checking a clip). {PLEASE}"
        ) from None
    except ValueError as refusal:
        raise ClipRefused(str(refusal)) from None
    return ClipInfo(**facts)


def private_directory(owner: object, prefix: str) -> tuple[pathlib.Path, weakref.finalize]:
    """A new directory only this server's user can read (mode 0700), deleted with ``owner`` (a
    session's object: collected once the session ends) or when the returned finalizer is called."""
    directory = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    return directory, weakref.finalize(owner, shutil.rmtree, directory, ignore_errors=True)


class SessionClip:
    """One session's uploaded clip: at most one file at a time, in a private directory."""

    def __init__(self):
        self.directory, self._cleanup = private_directory(self, "posenet-clip-")
        self.path: pathlib.Path | None = None
        self.name: str | None = None
        self.upload_id: str | None = None
        self.info: ClipInfo | None = None
        self.refusal: str | None = None  # why the upload ``upload_id`` is not played

    def replace(self, upload_id: str, name: str, data: bytes) -> ClipInfo:
        """Keep this upload as the session's clip (the previous file goes); raises ``ClipRefused``."""
        self.clear()
        suffix = pathlib.Path(name).suffix.lower()
        path = self.directory / f"clip{suffix if suffix[1:] in UPLOAD_TYPES else ''}"
        path.write_bytes(data)
        try:
            info = check_clip(path)
        except ClipRefused as error:
            path.unlink(missing_ok=True)
            self.upload_id, self.refusal = upload_id, str(error)  # the same upload is not checked again
            raise
        self.path, self.name, self.upload_id, self.info = path, name, upload_id, info
        return info

    def clear(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
        self.path = self.name = self.upload_id = self.info = self.refusal = None

    def close(self) -> None:
        """Delete the directory now (otherwise when this object is collected)."""
        self._cleanup()
