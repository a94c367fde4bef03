"""The fake camera: a .y4m file Chromium plays (and loops) as the webcam, its frames
optionally stamped with their index so latency can be read off the video."""

from __future__ import annotations

import pathlib

import numpy as np

from tests.support.paths import REPO_ROOT

SQUATS_MP4 = REPO_ROOT / "studio" / "samples" / "pose_squats.mp4"
CAMERA_FPS = 30
STAMP_BITS = 8  # frame index 0..255, plus the complement of each bit as a check
STAMP_BAND = 40  # pixels at the top of a stamped frame


def _fit(rgb: np.ndarray, width: int, height: int, top: int = 0) -> np.ndarray:
    """``rgb`` scaled to fit ``width`` x ``height - top`` (aspect kept), centred on black."""
    import cv2

    room_h = height - top
    scale = min(width / rgb.shape[1], room_h / rgb.shape[0])
    w, h = max(2, int(round(rgb.shape[1] * scale))), max(2, int(round(rgb.shape[0] * scale)))
    small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    out = np.zeros((height, width, 3), np.uint8)
    x0, y0 = (width - w) // 2, top + (room_h - h) // 2
    out[y0 : y0 + h, x0 : x0 + w] = small
    return out


def stamp_frame(rgb: np.ndarray, index: int) -> None:
    """Write ``index`` as 2 x STAMP_BITS black/white blocks across the top band (in place).

    Block 2k is bit k (white = 1), block 2k+1 its complement, so a frame whose band was
    damaged (or is not stamped at all) does not decode.
    """
    width = rgb.shape[1]
    blocks = 2 * STAMP_BITS
    rgb[:STAMP_BAND] = 0
    for k in range(STAMP_BITS):
        bit = (index >> k) & 1
        for j, value in ((2 * k, bit), (2 * k + 1, 1 - bit)):
            x0, x1 = j * width // blocks, (j + 1) * width // blocks
            rgb[4 : STAMP_BAND - 4, x0 + 3 : x1 - 3] = 255 * value


def rgb_to_i420(rgb: np.ndarray) -> bytes:
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes()


def make_y4m(
    path: pathlib.Path,
    width: int = 360,
    height: int = 640,
    seconds: float = 4.0,
    stamp: bool = False,
    source: pathlib.Path = SQUATS_MP4,
    noise: float = 0.0,
) -> pathlib.Path:
    """The squats clip as a 30 fps y4m for Chromium's fake camera.

    The clip is 5 fps, so each frame is repeated to reach 30 fps. Frames are scaled to fit
    ``width`` x ``height`` on black (the clip is 720 x 1280 portrait, so 360 x 640 is an
    exact downscale). With ``stamp``, every 30 fps frame carries its index in the top
    band (see ``stamp_frame``) and the picture fits below the band. With ``noise`` (a standard
    deviation in 8-bit levels; a webcam's sensor gives 2-4) every 30 fps frame differs from the
    last, as a webcam's do, even where the 5 fps clip repeats a picture: encoders and
    decoders then cost what they cost with a real camera.
    """
    import av

    total = int(round(seconds * CAMERA_FPS))
    if stamp and total > 2**STAMP_BITS:
        raise ValueError(f"a stamped loop holds at most {2**STAMP_BITS} frames")
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 5)
        repeat = max(1, int(round(CAMERA_FPS / rate)))
        pictures = []
        for frame in container.decode(video=0):
            pictures.append(frame.to_ndarray(format="rgb24"))
            if len(pictures) * repeat >= total:
                break
    path = pathlib.Path(path)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{CAMERA_FPS}:1 Ip A1:1 C420jpeg\n".encode())
        index = 0
        rng = np.random.default_rng(0)
        for picture in pictures:
            fitted = _fit(picture, width, height, top=STAMP_BAND if stamp else 0)
            plain = None if stamp or noise else rgb_to_i420(fitted)
            for _ in range(repeat):
                if index >= total:
                    break
                shown = fitted
                if noise:
                    shown = np.clip(fitted + rng.normal(0, noise, fitted.shape), 0, 255).astype(np.uint8)
                if stamp:
                    stamp_frame(shown, index)
                if stamp or noise:
                    plain = rgb_to_i420(shown)
                out.write(b"FRAME\n")
                out.write(plain)
                index += 1
    return path
