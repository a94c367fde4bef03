"""Step 4: multi-pose decoding, one decision at a time, read off posenet_core's trace."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import posenet_core
from posenet_core import PART_NAMES, NetworkOutputs, pose_colour

from ..parameters import PARAMETERS
from ..session_keys import TeachKeys
from ..widgets import parameter_slider
from . import canvas as cv
from .cache import input_settings, multi_pose_settings, outputs_for
from .frames import Frame
from .lesson import MultiPoseLesson, MultiPoseSettings, WalkEvent, distance, edge_name, multi_pose_lesson, yx_of
from .steps import SCORE_FORMAT, metric_row, settings_caption
from .text import yx

NOT_REACHED = "not reached"
MAX_ZOOM_CELLS = 8.0


def outcome(root) -> str:
    c = root.considered
    if c is None:
        return NOT_REACHED
    if c.blocked_by is not None:
        return f"skipped (near pose {c.blocked_by + 1})"
    return f"root of pose {c.pose_index + 1}"


def _widgets() -> MultiPoseSettings:
    keys = {
        "max_detections": TeachKeys.MAX_DETECTIONS,
        "score_threshold": TeachKeys.SCORE_THRESHOLD,
        "nms_radius": TeachKeys.NMS_RADIUS,
    }
    for column, (field, key) in zip(st.columns(len(keys), gap="large"), keys.items()):
        parameter_slider(field, key, column, value=PARAMETERS[field].default, persist_state="session")
    return multi_pose_settings()


# Pictures -------------------------------------------------------------------------------


def _overview(frame: Frame, outputs: NetworkOutputs, lesson: MultiPoseLesson):
    """Final poses, the NMS disks around their keypoints, every candidate root by outcome."""
    canvas = cv.Canvas(frame.image, outputs).dim(0.7)
    for index, pose in enumerate(lesson.poses):
        for keypoint in pose.keypoints:
            canvas.disk(yx_of(keypoint), lesson.settings.nms_radius, pose_colour(index), fill=0.1)
    canvas.image = posenet_core.draw_poses(canvas.image, list(lesson.image_poses), min_part_confidence=0.0)
    for root in reversed(lesson.roots):  # the strongest drawn last, on top
        c = root.considered
        if c is None:  # never decoded, so no position: mark its cell
            canvas.cell(root.cell, cv.GRID, fill=0)
        elif c.blocked_by is not None:
            canvas.ring(c.position_yx, cv.BLOCKED)
        else:
            canvas.ring(c.position_yx, cv.WHITE, canvas.thickness + 9).ring(c.position_yx, pose_colour(c.pose_index))
    return canvas.image


def _state(canvas: cv.Canvas, lesson: MultiPoseLesson, index: int) -> cv.Canvas:
    """The poses complete before this event, and the current pose's walk so far."""
    event = lesson.events[index]
    drawn = list(lesson.image_poses[: lesson.poses_before(event)])
    canvas.image = posenet_core.draw_poses(canvas.image, drawn, min_part_confidence=0.0)
    if event.pose_index is not None:
        colour = pose_colour(event.pose_index)
        canvas.point(event.candidate.position_yx, colour)
        pose = lesson.poses[event.pose_index]
        for step in lesson.walked_before(event):
            canvas.line(yx_of(pose.keypoints[step.source_part]), step.snaps[-1][1], colour)
            canvas.point(step.snaps[-1][1], colour)
    return canvas


def _marks(canvas: cv.Canvas, lesson: MultiPoseLesson, event: WalkEvent) -> cv.Canvas:
    """What this event decided: a candidate and its NMS disks, or one edge's walk."""
    radius = lesson.settings.nms_radius
    if event.step is None:
        c = event.candidate
        for index in range(lesson.poses_before(event)):
            same_part = yx_of(lesson.poses[index].keypoints[c.part])
            canvas.disk(same_part, radius, cv.BLOCKED if index == c.blocked_by else pose_colour(index))
        canvas.cell(c.cell, cv.CELL).ring(c.position_yx, cv.BLOCKED if c.blocked_by is not None else cv.WHITE)
        return canvas.point(c.position_yx, cv.KEYPOINT)
    step = event.step
    source = lesson.source_position(event)
    (cell_1, snap_1), (cell_2, snap_2) = step.snaps[0], step.snaps[-1]
    canvas.cell(step.source_cell, cv.WHITE, fill=0.1).cell(cell_1, cv.SNAP_1, fill=0.15).cell(
        cell_2, cv.SNAP_2, fill=0.15
    )
    canvas.arrow(source, step.displaced_yx, cv.DISPLACEMENT, tip=0.12)
    canvas.arrow(step.displaced_yx, snap_1, cv.SNAP_1).arrow(snap_1, snap_2, cv.SNAP_2)
    return canvas.point(source, cv.WHITE).point(snap_2, cv.KEYPOINT)


def _focus(lesson: MultiPoseLesson, event: WalkEvent, stride: int) -> tuple[tuple[float, float], float]:
    """Centre (y, x) and half-size in cells of the magnified view: everything the event touched."""
    if event.step is None:
        points = [event.candidate.position_yx]
        if event.candidate.blocked_by is not None:
            points.append(lesson.blocking_keypoint(event.candidate))
    else:
        points = [lesson.source_position(event), event.step.displaced_yx, *(p for _, p in event.step.snaps)]
    ys, xs = [p[0] for p in points], [p[1] for p in points]
    centre = ((min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2)
    half_cells = max(max(ys) - min(ys), max(xs) - min(xs)) / 2 / stride + 1.5
    return centre, min(max(half_cells, 2.5), MAX_ZOOM_CELLS)


# Words and numbers ----------------------------------------------------------------------


def _candidate_text(lesson: MultiPoseLesson, event: WalkEvent) -> tuple[str, str]:
    c, radius = event.candidate, lesson.settings.nms_radius
    name = PART_NAMES[c.part]
    lines = [
        f"candidate  {name} at cell {yx(c.cell)}, score {c.score:.4f}",
        f"position   cell * stride + offset = {yx(c.position_yx, 2)}",
    ]
    if c.blocked_by is not None:
        other = lesson.blocking_keypoint(c)
        lines.append(
            f"NMS check  pose {c.blocked_by + 1}'s {name} is at {yx(other, 2)}: "
            f"{distance(c.position_yx, other):.2f} px away, within the radius {radius:g}  ->  skipped"
        )
        title = (
            f"**Candidate {event.candidate_number}: skipped.** Pose {c.blocked_by + 1} already has a {name} "
            f"within {radius:g} px (red disk): this peak is the same person's {name}, not a new person."
        )
    else:
        found = lesson.poses_before(event)
        others = f"none of the {found} poses found so far has a {name} within {radius:g} px"
        if found == 0:
            others = "no pose found yet"
        lines.append(f"NMS check  {others}  ->  root of pose {c.pose_index + 1}")
        title = (
            f"**Candidate {event.candidate_number}: root of pose {c.pose_index + 1}.** The strongest "
            f"candidate left is a {name}; no pose found so far has a {name} within {radius:g} px of it, "
            f"so a new person starts here and the decoder walks the pose chain from it."
        )
    return title, "\n".join(lines)


def _step_text(lesson: MultiPoseLesson, event: WalkEvent) -> tuple[str, str]:
    step = event.step
    source, target = PART_NAMES[step.source_part], PART_NAMES[step.target_part]
    tensor = "displacement_fwd" if step.direction == "forward" else "displacement_bwd"
    (cy, cx) = step.source_cell
    steps = len(lesson.trace.walks[event.pose_index])
    title = (
        f"**Pose {event.pose_index + 1}, step {event.step_number} of {steps}: {step.direction} along edge "
        f"{step.edge} ({edge_name(step.edge)}), from the {source} to the {target}.** Follow the "
        f"{step.direction} displacement read at the {source}'s cell (white arrow), then snap twice to the nearest "
        f"cell and its {target} offset (orange, then green)."
    )
    lines = [
        f"source     {source} at {yx(lesson.source_position(event), 2)}  ->  nearest cell {yx(step.source_cell)}",
        f"vector     {tensor}[{cy}, {cx}, {step.edge}], [{cy}, {cx}, 16 + {step.edge}]"
        f" = (dy, dx) = {yx(step.displacement_yx, 2)}",
        f"displaced  source + vector = {yx(step.displaced_yx, 2)}",
    ]
    for number, (cell, position) in enumerate(step.snaps, start=1):
        lines.append(
            f"snap {number}     nearest cell {yx(cell)}  ->  cell * stride + {target} offset = {yx(position, 2)}"
        )
    lines.append(f"score      heatmap[{step.final_cell[0]}, {step.final_cell[1]}, {target}] = {step.score:.4f}")
    return title, "\n".join(lines)


# The stepper ----------------------------------------------------------------------------


def _go(target: int, count: int) -> None:
    st.session_state[TeachKeys.WALK_STEP] = min(max(target, 1), count)


def _stepper(count: int, signature) -> int:
    """The 0-based event shown; kept in session state, back to the start when the decoding changes."""
    if st.session_state.get(TeachKeys.WALK_SIGNATURE) != signature:
        st.session_state[TeachKeys.WALK_SIGNATURE] = signature
        st.session_state[TeachKeys.WALK_STEP] = 1
    current = min(max(int(st.session_state.get(TeachKeys.WALK_STEP, 1)), 1), count)
    st.session_state[TeachKeys.WALK_STEP] = current
    buttons = st.columns([1, 1, 1, 1, 4], vertical_alignment="center")
    moves = [
        ("First", ":material/first_page:", 1),
        ("Previous", ":material/chevron_left:", current - 1),
        ("Next", ":material/chevron_right:", current + 1),
        ("Last", ":material/last_page:", count),
    ]
    for column, (label, icon, target) in zip(buttons, moves):
        column.button(
            label,
            icon=icon,
            key=TeachKeys.walk_button(label),
            on_click=_go,
            args=(target, count),
            disabled=target == current or not 1 <= target <= count,
            width="stretch",
        )
    with buttons[-1]:
        if count > 1:
            st.slider("Decoding step", 1, count, key=TeachKeys.WALK_STEP, label_visibility="collapsed")
    return st.session_state[TeachKeys.WALK_STEP] - 1


@st.fragment  # stepping reruns only the stepper, not the whole step
def _walk(frame: Frame, outputs: NetworkOutputs, lesson: MultiPoseLesson) -> None:
    events = lesson.events
    signature = (frame.digest, *input_settings(), lesson.settings)
    index = _stepper(len(events), signature)
    event = events[index]
    title, numbers = (_candidate_text if event.step is None else _step_text)(lesson, event)
    st.markdown(f"Step **{index + 1}** of {len(events)}. " + title)
    whole, detail = st.columns([3, 2], gap="large")
    with whole:
        canvas = _marks(_state(cv.Canvas(frame.image, outputs).dim(0.6), lesson, index), lesson, event)
        st.image(canvas.image, width="stretch")
    with detail:
        centre, cells = _focus(lesson, event, outputs.output_stride)
        zoom = cv.Canvas.around(frame.image, outputs, centre, cells).dim(0.75).grid()
        zoom = _marks(_state(zoom, lesson, index), lesson, event)
        st.image(zoom.image, width="stretch", caption="Magnified, with the output cells.")
    st.code(numbers, language="text")


def _candidates_table(lesson: MultiPoseLesson) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": [r.rank for r in lesson.roots],
            "part": [PART_NAMES[r.part] for r in lesson.roots],
            "cell y": [r.cell[0] for r in lesson.roots],
            "cell x": [r.cell[1] for r in lesson.roots],
            "score": [r.score for r in lesson.roots],
            "outcome": [outcome(r) for r in lesson.roots],
        }
    )


def _poses_table(lesson: MultiPoseLesson) -> pd.DataFrame:
    roots = [c for c in lesson.trace.candidates if c.pose_index is not None]
    return pd.DataFrame(
        {
            "pose": [i + 1 for i in range(len(lesson.poses))],
            "root part": [PART_NAMES[c.part] for c in roots],
            "root score": [c.score for c in roots],
            "pose score": [p.score for p in lesson.poses],
            "mean of 17": [float(p.keypoint_scores().mean()) for p in lesson.poses],
        }
    )


def multi_pose_step(frame: Frame) -> None:
    settings_caption()
    outputs = outputs_for(frame)
    if outputs is None:
        return
    st.markdown(
        "Several people: every cell that is the **local maximum** of its 3 × 3 neighbourhood for some part and "
        "scores at least the threshold is a **candidate root**. Strongest first, each candidate either starts a "
        "new pose or is **skipped** because a pose already found has the same part within the **NMS radius**. "
        "From a root, the decoder follows the **displacement vectors** along the pose chain to find the other "
        "16 parts, snapping to the grid's offsets on the way."
    )
    lesson = multi_pose_lesson(outputs, _widgets())
    metric_row(
        {
            "Candidate roots": str(len(lesson.roots)),
            "Considered": str(len(lesson.trace.candidates)),
            "Skipped by NMS": str(lesson.skipped_count),
            "Poses found": str(len(lesson.poses)),
        }
    )
    if not lesson.roots:
        st.info(
            "No part scores at least the threshold anywhere, so there is no candidate root and no pose. "
            "Lower the score threshold.",
            icon=":material/info:",
        )
        return
    picture, table = st.columns([1, 1], gap="large")
    with picture:
        st.image(
            _overview(frame, outputs, lesson),
            width="stretch",
            caption="Candidate roots: double rings started a pose (in its colour), red rings were skipped by "
            "NMS, grey cells were never reached (max detections found first). The tinted disks are the NMS "
            "radius around every keypoint of each pose found.",
        )
    with table:
        st.dataframe(_candidates_table(lesson), hide_index=True, height=420, column_config={"score": SCORE_FORMAT})
    st.subheader("The greedy decoding, one step at a time")
    _walk(frame, outputs, lesson)
    st.subheader("Final poses")
    final, scores = st.columns([1, 1], gap="large")
    with final:
        picture = posenet_core.draw_poses(
            frame.image, list(lesson.image_poses), min_part_confidence=0.0, boxes=True, scores=True
        )
        st.image(picture, width="stretch")
    with scores:
        st.dataframe(
            _poses_table(lesson),
            hide_index=True,
            column_config={
                "root score": SCORE_FORMAT,
                "pose score": SCORE_FORMAT,
                "mean of 17": SCORE_FORMAT,
            },
        )
        st.caption(
            "**pose score** is NMS-adjusted: the sum of the scores of the parts that no earlier pose already has "
            "within the NMS radius, divided by 17. **mean of 17** is the plain mean of the keypoint scores, for "
            "comparison: a pose that mostly repeats an earlier person keeps a high mean but scores low."
        )
