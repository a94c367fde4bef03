"""The picture a person studies: a bundled sample, a webcam snapshot or an upload.

Plain Python (no Streamlit). Uploads are checked before they are decoded: at most
``MAX_UPLOAD_MB``, only JPEG, PNG and WebP, no more than ``MAX_PIXELS``; anything larger
than ``MAX_SIDE`` on its long side is downscaled (and the page says so). Each refusal
says why in words, because the page shows it (a browser widget's own refusal is only a
tooltip, which phones cannot show).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from studio.sources import SAMPLES, read_rgb

FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_SIDE = 2000  # pixels on the long side; larger pictures are downscaled to this
MAX_UPLOAD_MB = 10
MAX_PIXELS = 50_000_000  # refused outright: decoding would take too much memory


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
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
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


def fit_to_max_side(image: np.ndarray, name: str, digest: str) -> Frame:
    """``image`` as a ``Frame``, downscaled to at most ``MAX_SIDE`` pixels on its long side."""
    height, width = image.shape[:2]
    if max(height, width) <= MAX_SIDE:
        return Frame(image, digest, name, (height, width))
    ratio = MAX_SIDE / max(height, width)
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    note = (
        f"Downscaled from {width} x {height} to {size[0]} x {size[1]} pixels "
        f"(this page studies at most {MAX_SIDE} px on the long side)."
    )
    return Frame(small, digest, name, (height, width), note)


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
    # OpenCV applies the EXIF orientation, as a browser shows the photo.
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FrameError("The picture is damaged or cut short and cannot be decoded: please choose another file.")
    return fit_to_max_side(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), name, digest_of(data))


def sample_bytes(key: str) -> bytes:
    return SAMPLES[key].path.read_bytes()


def decode_sample(key: str) -> Frame:
    """A bundled photo, read exactly as the rest of the app reads it (``studio.sources.read_rgb``)."""
    sample = SAMPLES[key]
    return fit_to_max_side(read_rgb(sample.path), sample.path.name, digest_of(sample_bytes(key)))
