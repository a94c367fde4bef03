"""BlazePose (MediaPipe; lite and full): a person detector, then a landmark model on a crop.

Two networks, where PoseNet and MoveNet have one:

1. the **detector** (224 x 224, the frame letterboxed) finds the person: a box and four
   keypoints per anchor, decoded by ``pose_detector``;
2. the **crop** (``crop.Crop``) is a square around them, centred on the hips and turned so the
   body stands upright, cut from the frame at 256 x 256;
3. the **landmark model** gives 39 points on the crop: 33 body landmarks (x, y, depth z,
   visibility, presence) and 6 helper points, a pose flag (is a person in the crop?) and
   64 x 64 heatmaps; each point moves to its heatmap's weighted middle nearby (``refine``), then
   goes back to the frame through the crop.

**Tracking** between frames of a stream, as MediaPipe does: when the previous frame's pose flag
was confident, its own landmarks (the hips' middle and the body-scale helper point) place this
frame's crop and the detector is skipped; if the crop lost the person, the detector runs again.

The ``Pose`` keeps the 17 COCO parts by the article's names (``COCO_FROM_BLAZEPOSE``); all 33
landmarks stay in ``BlazePoseOutputs.landmarks`` (names: ``LANDMARK_NAMES``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .. import params
from ..parts import PART_NAMES
from ..pose import Pose
from .anchors import ssd_anchor_centres
from .crop import Crop
from .letterbox import Letterbox
from .pose_detector import BODY_SCALE, HIPS, Detection, decode_detections, sigmoid
from .refine import refine_from_heatmaps
from .runner import Runner

# BlazePose's index of each of the 17 COCO parts, in the article's order (posenet_core.PART_NAMES).
COCO_FROM_BLAZEPOSE = (0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)
# Its other 16 landmarks, by index (MediaPipe's names, written as the article writes part names).
_EXTRA_LANDMARKS = {
    1: "leftEyeInner",
    3: "leftEyeOuter",
    4: "rightEyeInner",
    6: "rightEyeOuter",
    9: "mouthLeft",
    10: "mouthRight",
    17: "leftPinky",
    18: "rightPinky",
    19: "leftIndex",
    20: "rightIndex",
    21: "leftThumb",
    22: "rightThumb",
    29: "leftHeel",
    30: "rightHeel",
    31: "leftFootIndex",
    32: "rightFootIndex",
}
_NAMES_BY_INDEX = {**dict(zip(COCO_FROM_BLAZEPOSE, PART_NAMES)), **_EXTRA_LANDMARKS}
LANDMARK_NAMES = tuple(_NAMES_BY_INDEX[i] for i in range(len(_NAMES_BY_INDEX)))
NUM_LANDMARKS = len(LANDMARK_NAMES)  # 33; the model's rows 33..38 are helper points
NUM_POINTS = 39
HIPS_MIDDLE, BODY_SCALE_POINT = 33, 34  # the helper points tracking places the next crop with
DETECTOR_FILE = "blazepose_detector.tflite"
# MediaPipe's default min_tracking_confidence: under it, the next frame runs the detector.
MIN_TRACKING_SCORE = 0.5


@dataclass(frozen=True)
class BlazePoseOutputs:
    """What BlazePose said about one frame.

    Attributes:
        points: 39 x 5: x, y in frame pixels, z (depth, crop pixels, hips at 0), visibility and
            presence (0..1, after the sigmoid); rows 0..32 the landmarks, 33..38 helper points.
        pose_score: The landmark model's pose flag, 0..1: is there a person in the crop.
        crop: Where the landmark model looked.
        detection: The detector's person (0..1 of its letterboxed input), None when tracked.
        letterbox: How the frame sat in the detector's input.
        heatmaps: 64 x 64 x 39, over the crop.
        tracked: The crop came from the previous frame's landmarks.
    """

    points: np.ndarray
    pose_score: float
    crop: Crop | None
    detection: Detection | None
    letterbox: Letterbox
    heatmaps: np.ndarray
    tracked: bool = False
    timings_ms: dict = field(default_factory=dict)

    @property
    def landmarks(self) -> np.ndarray:
        """33 x 5, ``LANDMARK_NAMES`` order."""
        return self.points[:NUM_LANDMARKS]

    @property
    def input_size(self) -> tuple[int, int]:
        return 256, 256

    @property
    def output_resolution(self) -> tuple[int, int]:
        return self.heatmaps.shape[0], self.heatmaps.shape[1]

    def pose(self) -> Pose | None:
        """The 17 COCO parts as a ``Pose`` (part score: the landmark's visibility; pose score: the
        pose flag); None when no person was found."""
        if self.crop is None:
            return None
        coco = self.points[list(COCO_FROM_BLAZEPOSE)]
        return Pose.from_arrays(self.pose_score, coco[:, 1::-1], coco[:, 3])


class BlazePose:
    """BlazePose lite or full; thread safe, share one instance (the tracking state is the caller's:
    pass the previous frame's outputs).

    Args:
        landmark_file: ``blazepose_lite.tflite`` or ``blazepose_full.tflite`` in ``models/``.
        num_threads: CPU threads for LiteRT.
    """

    def __init__(self, landmark_file: str, *, num_threads: int | None = None):
        self.detector = Runner(DETECTOR_FILE, num_threads)
        self.landmarker = Runner(landmark_file, num_threads)
        self.detector_side = self.detector.input_shape[1]
        self.side = self.landmarker.input_shape[1]
        self.anchors = ssd_anchor_centres(self.detector_side)

    def detect(self, image: np.ndarray, spent: dict | None = None) -> tuple[Detection | None, Letterbox]:
        """The best person the detector finds in an RGB frame (None: nobody), and the letterbox.
        ``spent``: milliseconds are added to its "resize" and "network"."""
        started = time.perf_counter()
        letterbox = Letterbox.fit(image.shape[0], image.shape[1], self.detector_side)
        square = letterbox.apply(image).astype(np.float32) * (2.0 / 255.0) - 1.0  # -1..1, as MediaPipe feeds it
        resized = time.perf_counter()
        (raw,) = self.detector.run(square[None])
        _add_times(spent, started, resized)
        detections = decode_detections(raw[0], self.anchors, self.detector_side)
        return (detections[0] if detections else None), letterbox

    def crop_from_detection(self, detection: Detection, letterbox: Letterbox) -> Crop:
        """The crop around the detector's hips and body-scale keypoints, in frame pixels."""
        yx = letterbox.to_image_yx(detection.keypoints[:, ::-1] * letterbox.side)
        return Crop.from_points(yx[HIPS, ::-1], yx[BODY_SCALE, ::-1])

    def landmarks(
        self, image: np.ndarray, crop: Crop, spent: dict | None = None
    ) -> tuple[np.ndarray, float, np.ndarray]:
        """(39 x 5 points in frame pixels, pose flag, heatmaps) of the landmark model on ``crop``."""
        started = time.perf_counter()
        cut = crop.cut(image, self.side).astype(np.float32) * (1.0 / 255.0)  # 0..1
        resized = time.perf_counter()
        raw, flag, heatmaps = self.landmarker.run(cut[None])
        _add_times(spent, started, resized)
        return decode_landmarks(raw, crop, self.side, heatmaps[0]), float(flag.ravel()[0]), heatmaps[0]

    def predict(self, image, previous: BlazePoseOutputs | None = None) -> BlazePoseOutputs:
        """Detector (unless tracking from ``previous``), crop and landmarks on one RGB frame.

        Raises:
            ValueError: ``image`` is not an image.
        """
        image = params.as_rgb_image(image)
        spent = {"resize": 0.0, "network": 0.0}  # cutting and resizing; the two networks
        if trackable(previous, image.shape):
            crop = Crop.from_points(previous.points[HIPS_MIDDLE, :2], previous.points[BODY_SCALE_POINT, :2])
            points, flag, heatmaps = self.landmarks(image, crop, spent)
            if flag >= MIN_TRACKING_SCORE:
                return BlazePoseOutputs(points, flag, crop, None, previous.letterbox, heatmaps, True, spent)
        detection, letterbox = self.detect(image, spent)
        if detection is None:
            empty = np.zeros((NUM_POINTS, 5))
            return BlazePoseOutputs(empty, 0.0, None, None, letterbox, np.zeros((64, 64, NUM_POINTS)), False, spent)
        crop = self.crop_from_detection(detection, letterbox)
        points, flag, heatmaps = self.landmarks(image, crop, spent)
        return BlazePoseOutputs(points, flag, crop, detection, letterbox, heatmaps, False, spent)

    def poses_from(self, outputs: BlazePoseOutputs) -> list[Pose]:
        """The pose in frame pixels (one, or none when nobody was found)."""
        pose = outputs.pose()
        return [] if pose is None else [pose]


def _add_times(spent: dict | None, started: float, resized: float) -> None:
    if spent is not None:
        finished = time.perf_counter()
        spent["resize"] += 1e3 * (resized - started)
        spent["network"] += 1e3 * (finished - resized)


def trackable(previous: BlazePoseOutputs | None, image_shape) -> bool:
    """The previous frame's landmarks can place this frame's crop: confident, and the same frame size."""
    return (
        previous is not None
        and previous.crop is not None
        and previous.pose_score >= MIN_TRACKING_SCORE
        and previous.letterbox.image_size == tuple(image_shape[:2])
    )


def decode_landmarks(raw: np.ndarray, crop: Crop, side: int, heatmaps: np.ndarray | None = None) -> np.ndarray:
    """The landmark model's 39 x 5 (x, y, z in crop pixels, visibility and presence before the
    sigmoid) as 39 x 5 with x, y in frame pixels and the last two 0..1; with its ``heatmaps``
    (64 x 64 x 39), x and y are first refined from them (``refine.refine_from_heatmaps``).

    Raises:
        ValueError: ``raw`` does not hold 39 x 5 numbers.
    """
    raw = np.asarray(raw, np.float64)
    if raw.size != NUM_POINTS * 5:
        raise ValueError(f"landmarks must be {NUM_POINTS} x 5 (x, y, z, visibility, presence); got shape {raw.shape}")
    points = raw.reshape(NUM_POINTS, 5).copy()
    if heatmaps is not None:
        points[:, :2] = refine_from_heatmaps(points[:, :2], heatmaps, side)
    points[:, :2] = crop.points_to_image(points[:, :2], side)
    points[:, 3:] = sigmoid(points[:, 3:])
    return points
