"""A visitor's own video clip: the limits it must meet, and its private, per-session file.

Plain Python (no Streamlit). The clip is written to a directory only the server's user
can read (``tempfile.mkdtemp`` makes it mode 0700), one per session, and deleted when
another clip or source is chosen, or when the session's object is collected (its
``weakref.finalize``: Streamlit drops a session's state once the session has ended).
"""

from __future__ import annotations

import pathlib
import shutil
import tempfile
import weakref

from posenet_core.clip import ClipError, ClipInfo, probe_clip

UPLOAD_TYPES = ("mp4", "webm", "mov")
MAX_DURATION_S = 60.0
MAX_LONG_SIDE, MAX_SHORT_SIDE = 1920, 1080  # 1080p, landscape or portrait


class ClipRefused(ValueError):
    """The clip is not played: a message in plain words (the page names the file)."""


def check_limits(info: ClipInfo) -> None:
    """Refuse (``ClipRefused``) a clip larger than 1080p either way up or longer than ``MAX_DURATION_S``."""
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


def check_clip(path: pathlib.Path) -> ClipInfo:
    """The clip's facts, read from the file; ``ClipRefused`` if it cannot or may not be played."""
    try:
        info = probe_clip(path)
    except ClipError as error:
        raise ClipRefused(f"{error.message}. Please choose an MP4, WebM or MOV video.") from None
    check_limits(info)
    return info


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
