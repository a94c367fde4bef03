"""Command line: poses of an image or a video, as JSON and as an annotated picture or video.

posenet photo.jpg --multi --json poses.json --out annotated.png
posenet clip.mp4 --json poses.json --out annotated.mp4
posenet photo.jpg --model movenet-thunder --json poses.json
posenet clip.mp4 --model blazepose-full --json poses.json   (its crop follows the person)
posenet clip.mp4 --angles --csv keypoints.csv

(``python -m posenet_core ...`` is the same command.)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import pathlib
import sys

import numpy as np
from tqdm import tqdm

from . import export, params
from .estimators import DEFAULT_MODEL, MODEL_NAMES, check_model

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"}


class CliError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posenet",
        description="Estimate human poses with PoseNet (MobileNetV1 0.75) or a successor in an image or a video.",
    )
    parser.add_argument("input", help="image (jpg, png, webp, ...) or video (mp4, mov, webm, ...)")
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        metavar="NAME",
        help=f"one of {', '.join(MODEL_NAMES)} (default {DEFAULT_MODEL}); the scale factor, output stride and "
        "multi-pose decoding settings are PoseNet's",
    )
    parser.add_argument(
        "--multi",
        action="store_true",
        help="find several people (default: one pose; movenet-multipose always finds several)",
    )
    parser.add_argument(
        "--scale-factor", type=float, default=params.DEFAULT_SCALE_FACTOR, help="0.2 to 1.0 (default 0.5)"
    )
    parser.add_argument(
        "--output-stride", type=int, default=params.DEFAULT_OUTPUT_STRIDE, help="8, 16 or 32 (default 16)"
    )
    parser.add_argument(
        "--precision",
        default=params.DEFAULT_PRECISION,
        help=f"network arithmetic: float, or int8 (quantized) (default {params.DEFAULT_PRECISION})",
    )
    parser.add_argument("--flip", action="store_true", help="mirror keypoints horizontally (x -> width - 1 - x)")
    parser.add_argument(
        "--max-detections", type=int, default=params.DEFAULT_MAX_DETECTIONS, help="multi-pose (default 5)"
    )
    parser.add_argument(
        "--score-threshold",
        type=float,
        default=params.DEFAULT_SCORE_THRESHOLD,
        help="multi-pose root part score, 0 to 1 (default 0.5)",
    )
    parser.add_argument(
        "--nms-radius", type=float, default=params.DEFAULT_NMS_RADIUS, help="multi-pose, pixels (default 20)"
    )
    parser.add_argument(
        "--min-pose-confidence",
        type=float,
        default=params.DEFAULT_MIN_POSE_CONFIDENCE,
        help="leave out poses scoring less, in the picture and the JSON, 0 to 1 (default "
        f"{params.DEFAULT_MIN_POSE_CONFIDENCE:g}, as the demo: the multi-pose decoder's low-score duplicates go)",
    )
    parser.add_argument(
        "--min-part-confidence", type=float, default=0.1, help="draw keypoints scoring at least this (default 0.1)"
    )
    parser.add_argument("--track", action="store_true", help='give each person an "id" that stays across frames')
    parser.add_argument(
        "--smooth", action="store_true", help="smooth keypoints over time (1-euro filter); implies --track"
    )
    parser.add_argument("--json", type=pathlib.Path, help="write the poses here")
    parser.add_argument(
        "--csv", type=pathlib.Path, help="write the keypoints here, one row per frame, pose and part (x, y, score)"
    )
    parser.add_argument(
        "--angles",
        action="store_true",
        help="add the angles at elbows, shoulders, hips and knees (degrees) to the JSON and CSV, and draw them",
    )
    parser.add_argument("--out", type=pathlib.Path, help="write the annotated image (.png/.jpg) or video (.mp4) here")
    return parser


def check_arguments(args) -> None:
    info = check_model(args.model)
    if not info.single_pose:
        args.multi = True  # a model that only finds several people
    check_model(args.model, multi_pose=args.multi)
    params.check_scale_factor(args.scale_factor)
    params.check_output_stride(args.output_stride)
    params.check_precision(args.precision)
    params.check_multi_pose_params(args.max_detections, args.score_threshold, args.nms_radius)
    if not 0.0 <= args.min_pose_confidence <= 1.0:
        raise CliError(f"--min-pose-confidence must be a number from 0 to 1; got {args.min_pose_confidence:g}")
    if not args.input.is_file():
        raise CliError(f"cannot read {args.input}: no such file")
    kind = media_kind(args.input)
    if args.csv is not None and args.csv.suffix.lower() != ".csv":
        raise CliError(f"--csv must end in .csv; got {args.csv.name}")
    if args.out is not None:
        allowed = IMAGE_SUFFIXES if kind == "image" else {".mp4"}
        if args.out.suffix.lower() not in allowed:
            raise CliError(f"--out for an {kind} must end in one of {', '.join(sorted(allowed))}; got {args.out.name}")


def media_kind(path: pathlib.Path) -> str:
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    raise CliError(f"cannot tell whether {path} is an image or a video from its extension {suffix or '(none)'}")


@contextlib.contextmanager
def native_stderr_silenced():
    """File descriptor 2 goes nowhere for a while: LiteRT's C++ side prints "INFO: Created TensorFlow
    Lite XNNPACK delegate for CPU." there when it makes an interpreter, noise in a command's output
    (Python's ``sys.stderr`` is flushed first; it writes to the same descriptor)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class CommandLineSettings:
    """The chosen estimate (single or multi) with the command line's settings."""

    def __init__(self, args):
        self.args = args
        self._quiet_start = True
        self._previous = None  # BlazePose: the last frame's outputs, to place this frame's crop from

    @functools.cached_property
    def net(self):
        # Loaded on the first frame, so an unreadable input fails at once.
        from .estimators import load_estimator

        if self.args.model == "posenet" and self.args.precision != params.DEFAULT_PRECISION:
            from .estimator import load
            from .estimators import PoseNetEstimator

            return PoseNetEstimator(load(precision=self.args.precision))
        return load_estimator(self.args.model)

    def poses(self, image: np.ndarray):
        """The poses scoring at least --min-pose-confidence."""
        if self._quiet_start:  # the first frame makes LiteRT's interpreter
            with native_stderr_silenced():
                found = self._estimate(image)
            self._quiet_start = False
        else:
            found = self._estimate(image)
        return [p for p in found if p.score >= self.args.min_pose_confidence]

    def _estimate(self, image: np.ndarray):
        a = self.args
        tuning = {"scale_factor": a.scale_factor, "output_stride": a.output_stride}
        if self.net.info.tracks_crop:
            poses, self._previous = self.net.track(image, self._previous, flip_horizontal=a.flip)
            return poses
        if not a.multi:
            return self.net.estimate_poses(image, flip_horizontal=a.flip, **tuning)
        decoding = {
            "max_detections": a.max_detections,
            "score_threshold": a.score_threshold,
            "nms_radius": a.nms_radius,
        }
        poses = self.net.estimate_poses(image, multi_pose=True, flip_horizontal=a.flip, **tuning, **decoding)
        return poses[: a.max_detections]  # MultiPose finds up to six whatever PoseNet's settings say

    @functools.cached_property
    def tracker(self):
        from .tracking import PoseTracker

        return PoseTracker(
            smoothing=self.args.smooth, single_pose=not self.args.multi, min_pose_score=self.args.min_pose_confidence
        )

    def tracked(self, poses, timestamp: float):
        """With --track or --smooth, the poses the tracker returns (with IDs); otherwise as decoded."""
        return self.tracker.update(poses, timestamp) if self.args.track or self.args.smooth else poses

    def annotate(self, image: np.ndarray, poses) -> np.ndarray:
        from .angles import draw_joint_angles
        from .draw import draw_poses

        picture = draw_poses(
            image,
            poses,
            min_part_confidence=self.args.min_part_confidence,
            boxes=self.args.multi,
            scores=self.args.multi,
        )
        if not self.args.angles:
            return picture
        return draw_joint_angles(picture, poses, min_part_confidence=self.args.min_part_confidence)


def run_image(args, estimator: CommandLineSettings) -> dict:
    import cv2

    bgr = cv2.imread(str(args.input), cv2.IMREAD_COLOR)
    if bgr is None:
        raise CliError(f"cannot read {args.input}: not an image OpenCV can decode")
    image = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    poses = estimator.tracked(estimator.poses(image), 0.0)
    if args.out is not None:
        if not cv2.imwrite(str(args.out), cv2.cvtColor(estimator.annotate(image, poses), cv2.COLOR_RGB2BGR)):
            raise CliError(f"cannot write {args.out}")
    return {
        "image": str(args.input),
        "width": image.shape[1],
        "height": image.shape[0],
        "poses": [p.to_dict() for p in poses],
    }


class _LinePerRefresh:
    """A stream for tqdm that gets each refresh as a line of its own: logs get no carriage returns."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> None:
        line = text.replace("\r", "").rstrip()
        if line:
            self.stream.write(line + "\n")

    def flush(self) -> None:
        self.stream.flush()


def progress_bar(total: int | None) -> tqdm:
    """tqdm's bar on a terminal; elsewhere (a pipe, a log file) a plain line every 10 s and at the end."""
    if sys.stderr.isatty():
        # A terminal that reports no size (some pseudo-terminals) would get an empty bar.
        width = os.get_terminal_size(sys.stderr.fileno()).columns or 80
        return tqdm(total=total, unit="frame", file=sys.stderr, ncols=width)
    return tqdm(
        total=total,
        file=_LinePerRefresh(sys.stderr),
        mininterval=10,
        bar_format="{n_fmt}/{total_fmt} frames, {elapsed} elapsed, {rate_fmt}"
        if total
        else "{n_fmt} frames, {elapsed} elapsed",
        unit="frame",
    )


def run_video(args, estimator: CommandLineSettings) -> dict:
    from .clip import ClipError, probe_clip, process_clip

    def analyse(image: np.ndarray, timestamp: float, wants_picture: bool):
        poses = estimator.tracked(estimator.poses(image), timestamp)
        return poses, estimator.annotate(image, poses) if wants_picture else None

    try:
        progress = progress_bar(probe_clip(args.input).expected_frames)
        try:
            return process_clip(
                args.input, analyse, out=args.out, on_progress=lambda p: progress.update(p.done - progress.n)
            )
        finally:
            progress.close()
    except ClipError as error:
        raise CliError(f"cannot read {args.input}: {error}") from None


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.input = pathlib.Path(args.input)
    try:
        check_arguments(args)
        estimator = CommandLineSettings(args)
        result = (run_image if media_kind(args.input) == "image" else run_video)(args, estimator)
        # An image is one frame at time 0 for the angles and the CSV.
        frames = result["frames"] if "frames" in result else [{"frame": 0, "time": 0.0, "poses": result["poses"]}]
        if args.angles:
            export.add_angles(frames, args.min_part_confidence)
        if args.json is not None:
            args.json.write_text(json.dumps(result, indent=1))
        if args.csv is not None:
            args.csv.write_text(export.csv_text(frames))
    except (CliError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    counts = [len(f["poses"]) for f in result["frames"]] if "frames" in result else [len(result["poses"])]
    print(
        f"{args.input}: {len(counts)} {'frame' if len(counts) == 1 else 'frames'}, {sum(counts)} poses"
        + (f"; poses in {args.json}" if args.json else "")
        + (f"; keypoints in {args.csv}" if args.csv else "")
        + (f"; picture in {args.out}" if args.out else "")
    )
    return 0
