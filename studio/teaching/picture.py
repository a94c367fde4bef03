"""The picture a person studies: a bundled sample, a webcam snapshot or an upload.

Plain Python (no Streamlit). Uploads are checked before they are decoded: at most
``MAX_UPLOAD_MB``, only JPEG, PNG and WebP, no more than ``MAX_PIXELS``, a JPEG in at most
``MAX_SCANS`` scans (a progressive JPEG of 700,000 empty scans kept OpenCV busy for hours);
then a child process (``studio.limited_child``: ``DECODE_S``, ``DECODE_MEMORY_MB``) decodes it
and downscales anything larger than ``MAX_SIDE`` on its long side (the page says so). Each
refusal says why in words, because the page shows it (a browser widget's own refusal is only
a tooltip, which phones cannot show).
"""

from __future__ import annotations

import hashlib
import io
import pathlib
import tempfile
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from studio.limited_child import LimitExceeded, run_limited
from studio.sources import SAMPLES, read_rgb

FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_SIDE = 2000  # pixels on the long side; larger pictures are downscaled to this
MAX_UPLOAD_MB = 10
MAX_PIXELS = 50_000_000  # refused outright: decoding would take too much memory
MAX_SCANS = 100  # a progressive JPEG has about 10; libjpeg-turbo's tools suggest a limit of 100
DECODE_S, DECODE_MEMORY_MB = 20.0, 1536  # a 50-megapixel picture decodes in ~1 s and ~600 MB
DAMAGED = "The picture is damaged or cut short and cannot be decoded: please choose another file."


class FrameError(ValueError):
    """A picture this page cannot study; the message is meant for the person who chose it."""


@dataclass(frozen=True)
class Frame:
    image: np.ndarray  # H x W x 3 uint8 RGB, at most MAX_SIDE on the long side
    digest: str  # sha256 of the file's bytes: the cache key of everything computed from it
    name: str
    file_size: tuple[int, int]  # (height, width) as stored in the file
    note: str | None = None  # e.g. that it was downscaled

    @property
    def size(self) -> tuple[int, int]:
        return self.image.shape[0], self.image.shape[1]


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_header(data: bytes, name: str) -> None:
    """Reads only the header: the format and the pixel count, before any decoding."""
    try:
        with Image.open(io.BytesIO(data)) as header:
            kind, (width, height) = header.format, header.size
    # ValueError: Pillow's own limit on text and colour-profile chunks that inflate past 1 MB
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        suffix = name.rsplit(".", 1)[-1].upper() if "." in name else ""
        # the name is the user's text, shown as Markdown: only a plain short suffix goes into the words
        what = f"This {suffix} file" if 0 < len(suffix) <= 5 and suffix.isascii() and suffix.isalnum() else "This file"
        raise FrameError(
            f"{what} is not an image this page can read: please choose a JPEG, PNG or WebP picture."
        ) from None
    if kind not in FORMATS:
        raise FrameError(f"This is a {kind} image; this page reads JPEG, PNG and WebP pictures only.")
    if width * height > MAX_PIXELS:
        raise FrameError(
            f"This picture is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"the limit is {MAX_PIXELS / 1e6:.0f} megapixels. Please choose a smaller one."
        )
    scans = data.count(b"\xff\xda") if kind == "JPEG" else 0  # start-of-scan markers (never inside coded data)
    if scans > MAX_SCANS:
        raise FrameError(
            f"This JPEG is stored in {scans} scans (a normal photo has at most a few dozen), which would take "
            "very long to decode: please save it again as a normal JPEG or PNG."
        )


def _fit(image: np.ndarray) -> np.ndarray:
    height, width = image.shape[:2]
    if max(height, width) <= MAX_SIDE:
        return image
    ratio = MAX_SIDE / max(height, width)
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _frame(image: np.ndarray, file_size: tuple[int, int], name: str, digest: str) -> Frame:
    (height, width), (h, w) = file_size, image.shape[:2]
    if (h, w) == (height, width):
        return Frame(image, digest, name, file_size)
    note = (
        f"Downscaled from {width} x {height} to {w} x {h} pixels "
        f"(this page studies at most {MAX_SIDE} px on the long side)."
    )
    return Frame(image, digest, name, file_size, note)


def fit_to_max_side(image: np.ndarray, name: str, digest: str) -> Frame:
    """``image`` as a ``Frame``, downscaled to at most ``MAX_SIDE`` pixels on its long side."""
    return _frame(_fit(image), image.shape[:2], name, digest)


def decode_and_fit(source: str, target: str) -> list[int]:
    """In the child (``decode_upload``): the picture in ``source`` decoded, at most ``MAX_SIDE``
    on its long side, saved as RGB in ``target`` (.npy); returns its stored (height, width)."""
    # OpenCV applies the EXIF orientation, as a browser shows the photo.
    bgr = cv2.imdecode(np.fromfile(source, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FrameError(DAMAGED)
    np.save(target, _fit(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
    return list(bgr.shape[:2])


def decode_upload(data: bytes, name: str) -> Frame:
    """An uploaded or snapped picture; raises ``FrameError`` with a message to show."""
    if not data:
        raise FrameError("The file is empty.")
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise FrameError(
            f"This file is {len(data) / 1024 / 1024:.1f} MB; this page takes pictures up to {MAX_UPLOAD_MB} MB. "
            "Please choose a smaller one (a JPEG of the same picture is usually much smaller)."
        )
    _check_header(data, name)
    with tempfile.TemporaryDirectory(prefix="posenet-picture-") as directory:
        source, target = pathlib.Path(directory) / "upload", pathlib.Path(directory) / "decoded.npy"
        source.write_bytes(data)
        try:
            height, width = run_limited(
                "studio.teaching.picture:decode_and_fit",
                [str(source), str(target)],
                seconds=DECODE_S,
                memory_mb=DECODE_MEMORY_MB,
            )
        except LimitExceeded as exceeded:
            raise FrameError(
                f"Decoding this picture took {exceeded.what} (this server's limit): "
                "please choose a smaller or simpler one."
            ) from None
        except ValueError as refusal:
            raise FrameError(str(refusal)) from None
        image = np.load(target, allow_pickle=False)
    return _frame(image, (height, width), name, digest_of(data))


def sample_bytes(key: str) -> bytes:
    return SAMPLES[key].path.read_bytes()


def decode_sample(key: str) -> Frame:
    """A bundled photo, read exactly as the rest of the app reads it (``studio.sources.read_rgb``)."""
    sample = SAMPLES[key]
    return fit_to_max_side(read_rgb(sample.path), sample.path.name, digest_of(sample_bytes(key)))
