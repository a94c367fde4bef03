"""Every pose model behind one interface: ``load_estimator(name).estimate_poses(rgb_image)``.

PoseNet (the article's model, the default) and its successors in TF.js's pose-detection library,
MoveNet Lightning, Thunder and MultiPose, and BlazePose Lite and Full, all return the same
``Pose``: the 17 COCO parts by the article's names, in frame pixels. So the CLI, the clip
analysis, tracking, smoothing and the live pages take any of them.

    estimator = posenet_core.load_estimator("movenet-thunder")
    poses = estimator.estimate_poses(image)                     # list[Pose]
    outputs = estimator.predict(image); poses = estimator.poses_from(outputs)   # timed apart
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from . import params
from .pose import Pose

DEFAULT_MODEL = "posenet"


@dataclass(frozen=True)
class ModelInfo:
    """What a model is and what it can do, for pickers, help texts and the CLI.

    Attributes:
        name: The name on the command line and in share links.
        label: The name people know it by.
        single_pose: It can find one person (the single-pose page offers it).
        multi_pose: It can find several people (the multi-pose page offers it).
        input_note: Its input, in words.
        views: The raw-output views it has, as the pages name them (``overlay`` always).
        tunable: It takes PoseNet's image scale factor and output stride.
        tracks_crop: It places each frame's crop from the previous frame's pose (BlazePose):
            pass the previous outputs to ``predict`` / ``track``.
    """

    name: str
    label: str
    single_pose: bool
    multi_pose: bool
    input_note: str
    views: tuple[str, ...]
    tunable: bool = False
    tracks_crop: bool = False


MODELS: dict[str, ModelInfo] = {
    m.name: m
    for m in (
        ModelInfo(
            "posenet",
            "PoseNet MobileNetV1 0.75",
            True,
            True,
            "any size: the frame times the image scale factor",
            ("overlay", "heatmap", "offsets", "displacements"),
            tunable=True,
        ),
        ModelInfo(
            "movenet-lightning", "MoveNet Lightning", True, False, "192 x 192", ("overlay", "heatmap", "centres")
        ),
        ModelInfo("movenet-thunder", "MoveNet Thunder", True, False, "256 x 256", ("overlay", "heatmap", "centres")),
        ModelInfo(
            "movenet-multipose", "MoveNet MultiPose", False, True, "256 x 256", ("overlay", "heatmap", "centres")
        ),
        ModelInfo(
            "blazepose-lite",
            "BlazePose Lite",
            True,
            False,
            "224 x 224 (person detector) then 256 x 256 (crop around the person)",
            ("overlay", "heatmap"),
            tracks_crop=True,
        ),
        ModelInfo(
            "blazepose-full",
            "BlazePose Full",
            True,
            False,
            "224 x 224 (person detector) then 256 x 256 (crop around the person)",
            ("overlay", "heatmap"),
            tracks_crop=True,
        ),
    )
}
MODEL_NAMES = tuple(MODELS)
_FILES = {
    "movenet-lightning": ("movenet_lightning.tflite", False),
    "movenet-thunder": ("movenet_thunder.tflite", False),
    "movenet-multipose": ("movenet_multipose.tflite", True),
    "blazepose-lite": ("blazepose_lite.tflite", False),
    "blazepose-full": ("blazepose_full.tflite", False),
}


def check_model(name: str, *, multi_pose: bool | None = None) -> ModelInfo:
    """The model called ``name``; with ``multi_pose`` given, one that can find one (False) or several (True) people.

    Args:
        name: The model's name, one of ``MODEL_NAMES``.
        multi_pose: None for any model; True or False for one that finds several people or one.

    Returns:
        The model's ``ModelInfo``.

    Raises:
        ValueError: No such model, or it cannot do what ``multi_pose`` asks (the message says which can).
    """
    if name not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODEL_NAMES)}; got {name!r}")
    info = MODELS[name]
    if multi_pose is not None and not (info.multi_pose if multi_pose else info.single_pose):
        fits = [m.name for m in MODELS.values() if (m.multi_pose if multi_pose else m.single_pose)]
        what = "several people" if multi_pose else "exactly one person"
        raise ValueError(f"{name} cannot find {what}; models that can: {', '.join(fits)}")
    return info


class PoseNetEstimator:
    """PoseNet behind the common interface; its article parameters pass through as keywords."""

    def __init__(self, net=None, *, num_threads: int | None = None):
        from .estimator import load

        self.net = net or load(num_threads=num_threads)
        self.info = MODELS["posenet"]

    def predict(self, image, *, scale_factor=params.DEFAULT_SCALE_FACTOR, output_stride=params.DEFAULT_OUTPUT_STRIDE):
        return self.net.predict(image, scale_factor, output_stride)

    def poses_from(self, outputs, *, multi_pose: bool = False, **decoding) -> list[Pose]:
        if multi_pose:
            return self.net.multiple_poses_from(outputs, **decoding)
        return [self.net.single_pose_from(outputs)]

    def estimate_poses(
        self,
        image,
        *,
        multi_pose: bool = False,
        flip_horizontal: bool = False,
        scale_factor=params.DEFAULT_SCALE_FACTOR,
        output_stride=params.DEFAULT_OUTPUT_STRIDE,
        **decoding,
    ) -> list[Pose]:
        """PoseNet's ``estimate_single_pose`` (as a list of one) or ``estimate_multiple_poses``."""
        if multi_pose:
            tuning = {"scale_factor": scale_factor, "output_stride": output_stride}
            return self.net.estimate_multiple_poses(image, flip_horizontal=flip_horizontal, **tuning, **decoding)
        pose = self.net.estimate_single_pose(
            image, scale_factor=scale_factor, flip_horizontal=flip_horizontal, output_stride=output_stride
        )
        return [pose]


class SuccessorEstimator:
    """A MoveNet or BlazePose model behind the common interface. PoseNet's tuning keywords are
    accepted and ignored (these models take a fixed square input and decode inside their graph).

    BlazePose tracks its crop between the frames of a stream: ``track(image, previous)`` takes the
    previous frame's outputs and returns this frame's poses and outputs (``estimate_poses`` looks
    at each picture afresh)."""

    def __init__(self, name: str, *, num_threads: int | None = None):
        self.info = MODELS[name]
        file_name, multi = _FILES[name]
        if self.info.tracks_crop:
            from .successors.blazepose import BlazePose

            self.model = BlazePose(file_name, num_threads=num_threads)
        else:
            from .successors.movenet import MoveNet

            self.model = MoveNet(file_name, multi_pose=multi, num_threads=num_threads)

    def predict(self, image, previous=None, **_tuning):
        """The model's raw outputs; ``previous`` (BlazePose only): the last frame's, to track from."""
        return self.model.predict(image, previous) if self.info.tracks_crop else self.model.predict(image)

    def poses_from(self, outputs, **_decoding) -> list[Pose]:
        return self.model.poses_from(outputs)

    def track(self, image, previous=None, *, flip_horizontal: bool = False) -> tuple[list[Pose], object]:
        """(poses, outputs) for one frame of a stream; pass the outputs back with the next frame."""
        outputs = self.predict(image, previous)
        poses = self.poses_from(outputs)
        if flip_horizontal:
            width = outputs.letterbox.image_size[1]
            poses = [p.scaled(1.0, 1.0, flip_width=width) for p in poses]
        return poses, outputs

    def estimate_poses(self, image, *, flip_horizontal: bool = False, **_tuning) -> list[Pose]:
        """Every pose the model finds (one, or six best first for MultiPose; BlazePose: none when its
        detector finds nobody), in ``image``'s pixels."""
        return self.track(image, flip_horizontal=flip_horizontal)[0]


_loaded: dict[str, object] = {}
_lock = threading.Lock()


def load_estimator(name: str = DEFAULT_MODEL, *, num_threads: int | None = None):
    """The estimator for ``name`` (one of ``MODEL_NAMES``), loaded once per process and shared
    (every estimator is thread safe).

    Args:
        name: The model, e.g. ``"posenet"`` or ``"movenet-thunder"``.
        num_threads: LiteRT threads for its network (the first load of a model decides).

    Returns:
        An estimator with ``estimate_poses(rgb)``, ``predict`` and ``poses_from``.

    Raises:
        ValueError: ``name`` is not a model.
    """
    check_model(name)
    with _lock:
        if name not in _loaded:
            _loaded[name] = (
                PoseNetEstimator(num_threads=num_threads)
                if name == "posenet"
                else SuccessorEstimator(name, num_threads=num_threads)
            )
        return _loaded[name]
