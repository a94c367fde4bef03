"""Every setting the pages offer, described once: label, range or options, step, default,
name in the share link and help text.

The demo widgets (``widgets``), the share links (``settings.link``), the settings' defaults
(``settings.DemoSettings``) and the teaching page's sliders all read ``PARAMETERS``, so a
range changed here changes each of them. The article's defaults and the allowed output
strides are posenet_core's own, never typed again. Plain Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from posenet_core import DEFAULT_MODEL, MODELS, PART_NAMES, params

VIEWS = {
    "overlay": "Skeleton overlay",
    "heatmap": "Heatmaps",
    "offsets": "Offset vectors",
    "displacements": "Displacement vectors",
    "centres": "Person centres",
}
# What a student sees in each view, in one sentence (shown under the view switch), with the article's term.
VIEW_WORDS = {
    "overlay": "The people PoseNet found: their 17 body parts (keypoints) joined into skeletons.",
    "heatmap": "Each square is one cell of the network's grid; the brighter it is, the surer the network is "
    "that the part is there (the heatmap, a score from 0 to 1 per part and cell).",
    "offsets": "Each arrow goes from a likely cell to the exact spot the network says the part is inside "
    "it (the offset vector, which refines the coarse grid to the pixel).",
    "centres": "Each bright spot is where MoveNet thinks a person's middle is: it finds each person from "
    "there outwards (MoveNet's centre heatmap).",
    "displacements": "Each arrow leads from one body part to where the next part along the skeleton should "
    "be, e.g. elbow to wrist: multi-pose decoding follows these to build each person (displacement vectors).",
}
ALL_PARTS = "all"  # how "the max over all parts" is spelt where None cannot be (widgets, links)
_FLAGS = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False}


@dataclass(frozen=True)
class Parameter:
    """One setting. A number has ``low``, ``high`` and ``step`` (whole if its default is an
    int); a choice has ``options``; a flag has a bool default."""

    field: str  # the DemoSettings field
    label: str
    link_name: str  # its name in the share link: the article's name where it has one
    default: object
    help: str | None = None
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()
    multi_pose_only: bool = False  # the single-pose page has no such setting
    multi_pose_options: tuple = ()  # options only the multi-pose page offers
    single_pose_options: tuple = ()  # options only the single-pose page offers
    single_pose_default: float | None = None  # where the single-pose page starts, if not at ``default``
    none_option: str | None = None  # the option that stands for a None value
    number_format: str | None = None  # how a slider shows a number (printf style), if not Streamlit's way

    @property
    def is_number(self) -> bool:
        return self.low is not None

    @property
    def is_whole(self) -> bool:
        return self.is_number and isinstance(self.default, int)

    @property
    def is_flag(self) -> bool:
        return isinstance(self.default, bool)

    def default_for(self, multi_pose: bool):
        return self.default if multi_pose or self.single_pose_default is None else self.single_pose_default

    def options_for(self, multi_pose: bool) -> tuple:
        other_page = self.single_pose_options if multi_pose else self.multi_pose_options
        return tuple(o for o in self.options if o not in other_page)

    def allowed(self, multi_pose: bool = True) -> str:
        """What a value may be, in words (a share link's notice says this)."""
        if self.is_number:
            return f"a number from {self.low:g} to {self.high:g}"
        if self.is_flag:
            return "true or false"
        return "one of " + ", ".join(str(o) for o in self.options_for(multi_pose))

    def parse(self, text: str, multi_pose: bool = True):
        """The value a share link's text stands for; raises ``ValueError(self.allowed())`` if none."""
        if self.is_number:
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or not self.low <= value <= self.high:
                raise ValueError(self.allowed())
            snapped = round(round((value - self.low) / self.step) * self.step + self.low, 6)  # onto the steps
            return int(snapped) if self.is_whole else snapped
        if self.is_flag:
            if text.lower() not in _FLAGS:
                raise ValueError(self.allowed())
            return _FLAGS[text.lower()]
        for option in self.options_for(multi_pose):
            if text == str(option):
                return self.from_option(option)
        raise ValueError(self.allowed(multi_pose))

    def from_option(self, option):
        """A widget's or a link's option as the value (its none option as None)."""
        return None if option == self.none_option else option

    def as_option(self, value):
        """A value as a widget or a link shows it (None as its option)."""
        return self.none_option if value is None and self.none_option is not None else value

    def slider_range(self) -> dict:
        """``st.slider``'s keyword arguments for the range, step (all of one type, as it requires)
        and number format."""
        kind = int if self.is_whole else float
        return {
            "min_value": kind(self.low),
            "max_value": kind(self.high),
            "step": kind(self.step),
            "format": self.number_format,
        }


_TABLE = (
    Parameter(
        "model",
        "Model",
        "model",
        DEFAULT_MODEL,
        "PoseNet (2018) or a successor from TensorFlow.js's pose-detection library: MoveNet Lightning (fast) "
        "and Thunder (accurate) find one person, MoveNet MultiPose up to six. BlazePose Lite and Full "
        "(MediaPipe) find one person in two steps: a person finder (detector), then the body points "
        "(landmarks) on a square cut around the person (crop), which follows them from frame to frame "
        "(tracking). These take a fixed square input, so the image scale factor, output stride and "
        "PoseNet's multi-pose decoding do not apply to them.",
        options=tuple(MODELS),
        multi_pose_options=tuple(m.name for m in MODELS.values() if not m.single_pose),
        single_pose_options=tuple(m.name for m in MODELS.values() if not m.multi_pose),
    ),
    Parameter(
        "scale_factor",
        "Image scale factor",
        "imageScaleFactor",
        params.DEFAULT_SCALE_FACTOR,
        "How much the frame is shrunk before the network sees it: lower is faster, higher finds smaller "
        "people and places parts more exactly (the article's `imageScaleFactor`).",
        *params.SCALE_FACTOR_RANGE,
        step=0.05,
    ),
    Parameter(
        "flip_horizontal",
        "Flip horizontal",
        "flipHorizontal",
        False,
        "Mirror the picture and the poses, as a webcam preview usually looks (the article's `flipHorizontal`).",
    ),
    Parameter(
        "output_stride",
        "Output stride",
        "outputStride",
        params.DEFAULT_OUTPUT_STRIDE,
        "How many pixels of the network's input one heatmap cell covers: 8 is the finest grid, most "
        "accurate and slowest, 32 the coarsest and fastest (the article's `outputStride`).",
        options=params.OUTPUT_STRIDES,
    ),
    Parameter(
        "precision",
        "Network precision (expert)",
        "precision",
        params.DEFAULT_PRECISION,
        "float: the network's 32-bit arithmetic, the reference. int8: the same network quantized to 8-bit "
        "integers (post-training quantization); a third of the size, keypoints about 1 px further off here, "
        "and faster only on processors with fast 8-bit instructions.",
        options=params.PRECISIONS,
    ),
    Parameter(
        "max_detections",
        "Max pose detections",
        "maxPoseDetections",
        params.DEFAULT_MAX_DETECTIONS,
        "The most people the decoder looks for in one frame (the article's `maxPoseDetections`).",
        low=1,
        high=20,
        step=1,
        multi_pose_only=True,
    ),
    Parameter(
        "score_threshold",
        "Pose score threshold",
        "scoreThreshold",
        params.DEFAULT_SCORE_THRESHOLD,
        "Decoding: a new person is only started from a body part the network is at least this sure of; "
        "lower finds more people, and more ghosts (the article's `scoreThreshold`; compare *Minimum pose "
        "confidence*, which only decides what is drawn).",
        low=0.0,
        high=1.0,
        step=0.05,
        multi_pose_only=True,
    ),
    Parameter(
        "nms_radius",
        "NMS radius (non-maximum suppression)",
        "nmsRadius",
        params.DEFAULT_NMS_RADIUS,
        "Non-maximum suppression: a body part this close (in pixels of the network's input) to the same "
        "part of a person already found is that person again, not a new one, so it is skipped (the "
        "article's `nmsRadius`).",
        low=1.0,
        high=40.0,
        step=1.0,
        multi_pose_only=True,
        number_format="%.0f",  # whole pixels
    ),
    Parameter(
        "min_pose_confidence",
        "Minimum pose confidence",
        "minPoseConfidence",
        params.DEFAULT_MIN_POSE_CONFIDENCE,
        "Drawing: people whose pose score (the mean of their 17 part scores) is lower are not drawn; the "
        "decoding is the same (the demos' `minPoseConfidence`; compare *Pose score threshold*).",
        low=0.0,
        high=1.0,
        step=0.05,
        single_pose_default=0.1,
    ),
    Parameter(
        "min_part_confidence",
        "Minimum part confidence",
        "minPartConfidence",
        0.1,
        "Drawing: body parts the network is less sure of than this are not drawn (the demos' `minPartConfidence`).",
        low=0.0,
        high=1.0,
        step=0.05,
    ),
    Parameter(
        "view",
        "Show",
        "view",
        "overlay",
        "What the video shows: the skeletons found, or what the network outputs before decoding. Each model "
        "offers the outputs it has: offset and displacement vectors are PoseNet's (MoveNet decodes centre-out, "
        "with no displacement chain); person centres are MoveNet's (PoseNet has no centre heatmap); BlazePose's "
        "heatmaps cover only the square it cut around the person (its crop), turned with it.",
        options=tuple(VIEWS),
        multi_pose_options=("displacements",),  # displacement vectors only steer multi-pose decoding
    ),
    Parameter(
        "heatmap_part",
        "Heatmap of",
        "part",
        None,
        "One body part's heatmap, or the highest score of all 17 in each cell.",
        options=(ALL_PARTS, *PART_NAMES),
        none_option=ALL_PARTS,
    ),
    Parameter(
        "vector_min_score",
        "Draw offsets of cells scoring at least",
        "vectorMinScore",
        0.5,
        "Only cells at least this likely to hold a part show their offset arrow; lower shows more arrows.",
        low=0.1,
        high=0.95,
        step=0.05,
    ),
    Parameter(
        "show_boxes", "Bounding boxes", "boundingBoxes", False, "A box around each person's confident body parts."
    ),
    Parameter(
        "show_scores",
        "Pose scores",
        "poseScores",
        True,
        "A tag on each person: their pose score, after their tracking ID (#) when tracking is on.",
        multi_pose_only=True,
    ),
    Parameter(
        "show_angles",
        "Joint angles",
        "jointAngles",
        False,
        "The angle at elbows, shoulders, hips and knees in degrees (180 = straight), written at the joint; "
        "only where all three keypoints pass the minimum part confidence.",
    ),
    # Across frames (posenet_core.PoseTracker, studio/live/stream_tracker.py): one ID and colour per person,
    # steadier keypoints.
    Parameter(
        "track_people",
        "Track people",
        "track",
        True,
        "Each person keeps one number (#ID) and one colour from frame to frame, matched by how much their "
        "keypoints (OKS) and boxes (IoU) overlap with where they were.",
    ),
    Parameter(
        "smooth_keypoints",
        "Smooth keypoints",
        "smooth",
        True,
        "Steadier keypoints: each one is averaged over the last frames, strongly while it stays still (no "
        "jitter) and hardly when it moves fast (no lag), which is what a 1-euro filter does.",
    ),
    Parameter(
        "smoothing_strength",
        "Smoothing strength",
        "smoothing",
        0.5,
        "0 light to 1 strong: higher is steadier when still, with a little more lag when movement starts.",
        low=0.0,
        high=1.0,
        step=0.1,
    ),
)
PARAMETERS: dict[str, Parameter] = {p.field: p for p in _TABLE}


def page_defaults(multi_pose: bool) -> dict:
    """Each field's starting value on the single-pose or the multi-pose page."""
    return {p.field: p.default_for(multi_pose) for p in PARAMETERS.values()}


def available_views(multi_pose: bool, model: str = DEFAULT_MODEL) -> tuple[str, ...]:
    """The views the page offers with this model: the page's, less those the model does not have."""
    return tuple(v for v in PARAMETERS["view"].options_for(multi_pose) if v in MODELS[model].views)


def models_for(multi_pose: bool) -> tuple[str, ...]:
    return PARAMETERS["model"].options_for(multi_pose)
