"""Poses of many frames as files: the ``posenet`` command's JSON records, with joint angles if
asked, and the same as CSV (one row per frame, pose and part), for a spreadsheet or a notebook.

A frame record is ``{"frame", "time", "poses": [pose.to_dict(), ...]}`` (``clip.process_clip``);
``add_angles`` puts each pose's ``"angles"`` (``angles.joint_angles``) into it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .angles import JOINTS, joint_angles
from .pose import Keypoint, Pose, Position

CSV_COLUMNS = ("frame", "time", "pose", "id", "part", "x", "y", "score")
ANGLE_COLUMN = "angle"  # the angle at this part, for the parts that are joints (angles.JOINTS)


def pose_from_dict(record: dict) -> Pose:
    """The ``Pose`` of a ``Pose.to_dict()`` record."""
    keypoints = tuple(
        Keypoint(k["part"], Position(k["position"]["x"], k["position"]["y"]), k["score"]) for k in record["keypoints"]
    )
    return Pose(record["score"], keypoints, record.get("id"))


def add_angles(frames: Iterable[dict], min_part_confidence: float) -> None:
    """Give every pose of these frame records its ``"angles"`` (degrees; null where not confident)."""
    for frame in frames:
        for pose in frame["poses"]:
            pose["angles"] = joint_angles(pose_from_dict(pose), min_part_confidence)


def _number(value) -> str:
    return "" if value is None else f"{value:.6g}" if isinstance(value, float) else str(value)


def csv_rows(frames: Iterable[dict], extra: tuple[str, ...] = ()) -> Iterable[list[str]]:
    """The header, then a row per frame, pose and part. ``pose`` numbers the frame's poses from 0;
    ``id`` is the tracked person's (empty if untracked). With poses that have ``"angles"``, an
    ``angle`` column holds the angle at that part where it is a joint. ``extra``: frame-record
    keys added as columns (e.g. ``"reps"``), the frame's value on each of its rows."""
    frames = list(frames)
    with_angles = any("angles" in pose for frame in frames for pose in frame["poses"])
    yield [*CSV_COLUMNS, *((ANGLE_COLUMN,) if with_angles else ()), *extra]
    for frame in frames:
        tail = [_number(frame.get(key)) for key in extra]
        for number, pose in enumerate(frame["poses"]):
            angles = pose.get("angles", {})
            for k in pose["keypoints"]:
                row = [str(frame["frame"]), f"{frame['time']:.4f}", str(number), _number(pose.get("id")), k["part"]]
                row += [f"{k['position']['x']:.2f}", f"{k['position']['y']:.2f}", f"{k['score']:.4f}"]
                if with_angles:
                    row.append(_number(angles.get(k["part"])) if k["part"] in JOINTS else "")
                yield row + tail


def csv_text(frames: Iterable[dict], extra: tuple[str, ...] = ()) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv_rows(frames, extra))
    return out.getvalue()
