"""Step 4: multi-pose decoding, one decision at a time, read off posenet_core's trace."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

import posenet_core
from posenet_core import PART_NAMES, PART_WORDS, NetworkOutputs, pose_colour
from studio.session_keys import TeachKeys
from studio.settings.slider import parameter_slider
from studio.settings.table import PARAMETERS
from studio.teaching.cache import input_settings, multi_pose_settings, outputs_for
from studio.teaching.canvas import BLOCKED, CELL, DISPLACEMENT, GRID, KEYPOINT, SNAP_1, SNAP_2, WHITE, Canvas
from studio.teaching.lesson import (
    MultiPoseLesson,
    MultiPoseSettings,
    WalkEvent,
    distance,
    edge_name,
    multi_pose_lesson,
    yx_of,
)
from studio.teaching.picture import Frame
from studio.teaching.steps import MIN_POSE_SCORE_DRAWN, metric_row, settings_caption
from studio.teaching.text import yx

NOT_REACHED = "not reached"
MAX_ZOOM_CELLS = 8.0


def drawn_in_colour(pose) -> bool:
    """Whether a decoded pose passes the display threshold (the live demo's minimum pose confidence)."""
    return pose.score >= MIN_POSE_SCORE_DRAWN


def draw_final_poses(image: np.ndarray, poses, **draw) -> np.ndarray:
    """Poses passing the display threshold in their colours; the others in grey, drawn under them."""
    faint = [p for p in poses if not drawn_in_colour(p)]
    out = image
    if faint:
        drawn = posenet_core.draw_poses(image, faint, min_part_confidence=0.0, **draw)
        changed = np.any(drawn != image, axis=-1)
        grey = drawn[changed].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        out = image.copy()
        out[changed] = (grey * 0.5 + 70).astype(np.uint8)[:, None]
    return posenet_core.draw_poses(
        out, [p if drawn_in_colour(p) else _hidden(p) for p in poses], min_part_confidence=0.0, **draw
    )


def _hidden(pose):
    """The same pose with every part scored below 0, so drawing skips it but keeps the others' colours (by index)."""
    return dataclasses.replace(pose, keypoints=tuple(dataclasses.replace(k, score=-1.0) for k in pose.keypoints))


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
    canvas = Canvas(frame.image, outputs).dim(0.7)
    for index, pose in enumerate(lesson.poses):
        for keypoint in pose.keypoints:
            canvas.disk(yx_of(keypoint), lesson.settings.nms_radius, pose_colour(index), fill=0.1)
    canvas.image = draw_final_poses(canvas.image, list(lesson.image_poses))
    for root in reversed(lesson.roots):  # the strongest drawn last, on top
        c = root.considered
        if c is None:  # never decoded, so no position: mark its cell
            canvas.cell(root.cell, GRID, fill=0)
        elif c.blocked_by is not None:
            canvas.ring(c.position_yx, BLOCKED)
        else:
            canvas.ring(c.position_yx, WHITE, canvas.thickness + 9).ring(c.position_yx, pose_colour(c.pose_index))
    return canvas.image


def _state(canvas: Canvas, lesson: MultiPoseLesson, index: int) -> Canvas:
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


def _marks(canvas: Canvas, lesson: MultiPoseLesson, event: WalkEvent) -> Canvas:
    """What this event decided: a candidate and its NMS disks, or one edge's walk."""
    radius = lesson.settings.nms_radius
    if event.step is None:
        c = event.candidate
        for index in range(lesson.poses_before(event)):
            same_part = yx_of(lesson.poses[index].keypoints[c.part])
            canvas.disk(same_part, radius, BLOCKED if index == c.blocked_by else pose_colour(index))
        canvas.cell(c.cell, CELL).ring(c.position_yx, BLOCKED if c.blocked_by is not None else WHITE)
        return canvas.point(c.position_yx, KEYPOINT)
    step = event.step
    source = lesson.source_position(event)
    (cell_1, snap_1), (cell_2, snap_2) = step.snaps[0], step.snaps[-1]
    canvas.cell(step.source_cell, WHITE, fill=0.1).cell(cell_1, SNAP_1, fill=0.15).cell(cell_2, SNAP_2, fill=0.15)
    canvas.arrow(source, step.displaced_yx, DISPLACEMENT, tip=0.12)
    canvas.arrow(step.displaced_yx, snap_1, SNAP_1).arrow(snap_1, snap_2, SNAP_2)
    return canvas.point(source, WHITE).point(snap_2, KEYPOINT)


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
    name, words = PART_NAMES[c.part], PART_WORDS[c.part]  # in the code lines, in the sentences
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
            f"**Candidate {event.candidate_number}: skipped.** Pose {c.blocked_by + 1} already has a {words} "
            f"within {radius:g} px (red disk): this peak is the same person's {words}, not a new person."
        )
    else:
        found = lesson.poses_before(event)
        others = f"none of the {found} poses found so far has a {name} within {radius:g} px"
        if found == 0:
            others = "no pose found yet"
        lines.append(f"NMS check  {others}  ->  root of pose {c.pose_index + 1}")
        title = (
            f"**Candidate {event.candidate_number}: root of pose {c.pose_index + 1}.** The strongest "
            f"candidate left is a {words}; no pose found so far has a {words} within {radius:g} px of it, "
            f"so a new person starts here and the decoder walks the pose chain from it."
        )
    return title, "\n".join(lines)


def _step_text(lesson: MultiPoseLesson, event: WalkEvent) -> tuple[str, str]:
    step = event.step
    source, target = PART_NAMES[step.source_part], PART_NAMES[step.target_part]  # the code's names
    source_words, target_words = PART_WORDS[step.source_part], PART_WORDS[step.target_part]
    tensor = "displacement_fwd" if step.direction == "forward" else "displacement_bwd"
    (cy, cx) = step.source_cell
    steps = len(lesson.trace.walks[event.pose_index])
    title = (
        f"**Pose {event.pose_index + 1}, step {event.step_number} of {steps}: {step.direction} along edge "
        f"{step.edge} ({edge_name(step.edge)}), from the {source_words} to the {target_words}.** Follow the "
        f"{step.direction} displacement read at the {source_words}'s cell (white arrow), then snap twice to the "
        f"nearest cell and its {target_words} offset (orange, then green)."
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
    # A horizontal container, not columns: buttons as wide as their labels ("Previous" is never cut)
    # and one row on a phone too (columns stack there); the slider goes under them.
    buttons = st.container(horizontal=True, key=TeachKeys.STEPPER, gap="small", vertical_alignment="center")
    moves = [
        ("First", ":material/first_page:", 1),
        ("Previous", ":material/chevron_left:", current - 1),
        ("Next", ":material/chevron_right:", current + 1),
        ("Last", ":material/last_page:", count),
    ]
    for label, icon, target in moves:
        buttons.button(
            label,
            icon=icon,
            key=TeachKeys.walk_button(label),
            on_click=_go,
            args=(target, count),
            disabled=target == current or not 1 <= target <= count,
            width="content",
        )
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
        canvas = _marks(_state(Canvas(frame.image, outputs).dim(0.6), lesson, index), lesson, event)
        st.image(canvas.image, width="stretch", alt=f"The picture, dimmed, with decoding step {index + 1} marked.")
    with detail:
        centre, cells = _focus(lesson, event, outputs.output_stride)
        zoom = Canvas.around(frame.image, outputs, centre, cells).dim(0.75).grid()
        zoom = _marks(_state(zoom, lesson, index), lesson, event)
        st.image(
            zoom.image,
            width="stretch",
            caption="Magnified, with the output cells.",
            alt=f"A magnified crop around decoding step {index + 1}, with the output cells' borders.",
        )
    st.code(numbers, language="text", wrap_lines=True)


def _candidates_table(lesson: MultiPoseLesson) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": [r.rank for r in lesson.roots],
            "part": [PART_WORDS[r.part] for r in lesson.roots],
            "cell y": [r.cell[0] for r in lesson.roots],
            "cell x": [r.cell[1] for r in lesson.roots],
            "score": [r.score for r in lesson.roots],
            "outcome": [outcome(r) for r in lesson.roots],
        }
    )


# Wide enough for "skipped (near pose 12)" in full: the table is a canvas, its cells never wrap.
CANDIDATE_COLUMNS = {
    "rank": st.column_config.NumberColumn(width=40),
    "part": st.column_config.TextColumn(width=100),
    "cell y": st.column_config.NumberColumn(width=48),
    "cell x": st.column_config.NumberColumn(width=48),
    "score": st.column_config.NumberColumn(format="%.4f", width=60),
    "outcome": st.column_config.TextColumn(width=150),
}
POSE_COLUMNS = {
    "pose": st.column_config.NumberColumn(width=45),
    "root part": st.column_config.TextColumn(width=95),
    **{
        name: st.column_config.NumberColumn(format="%.4f", width=80)
        for name in ("root score", "pose score", "mean of 17")
    },
    "drawn": st.column_config.TextColumn(width=60),
}


def _poses_table(lesson: MultiPoseLesson) -> pd.DataFrame:
    roots = [c for c in lesson.trace.candidates if c.pose_index is not None]
    return pd.DataFrame(
        {
            "pose": [i + 1 for i in range(len(lesson.poses))],
            "root part": [PART_WORDS[c.part] for c in roots],
            "root score": [c.score for c in roots],
            "pose score": [p.score for p in lesson.poses],
            "mean of 17": [float(p.keypoint_scores().mean()) for p in lesson.poses],
            "drawn": ["yes" if drawn_in_colour(p) else "grey" for p in lesson.poses],
        }
    )


def multi_pose_step(frame: Frame) -> None:
    """Step 4: the candidate roots and NMS at a glance, the greedy walk one decision at a time, the final poses."""
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
            f"Scoring ≥ {MIN_POSE_SCORE_DRAWN:g}": str(sum(drawn_in_colour(p) for p in lesson.poses)),
        }
    )
    if not lesson.roots:
        st.info(
            "No part scores at least the threshold anywhere, so there is no candidate root and no pose. "
            "Lower the score threshold.",
            icon=":material/info:",
        )
        return
    picture, table = st.columns([2, 3], gap="large")  # the table's columns in full from 1280 px up
    with picture:
        st.image(
            _overview(frame, outputs, lesson),
            width="stretch",
            caption="Candidate roots: double rings started a pose (in its colour), red rings were skipped by "
            "NMS, grey cells were never reached (max detections found first). The tinted disks are the NMS "
            f"radius around every keypoint of each pose found; poses scoring under {MIN_POSE_SCORE_DRAWN:g} are "
            "drawn in grey.",
            alt="The picture, dimmed, with every candidate root ringed and the decoded poses drawn.",
        )
    with table:
        st.dataframe(_candidates_table(lesson), hide_index=True, height=420, column_config=CANDIDATE_COLUMNS)
    st.subheader("The greedy decoding, one step at a time")
    _walk(frame, outputs, lesson)
    st.subheader("Final poses")
    _final_poses(frame, lesson)


def _final_poses(frame: Frame, lesson: MultiPoseLesson) -> None:
    """The poses found, in colour above the live demo's minimum pose score and grey below, with their scores."""
    final, scores = st.columns([2, 3], gap="large")
    faint = sum(not drawn_in_colour(p) for p in lesson.poses)
    if faint:
        st.info(
            f"{faint} of the {len(lesson.poses)} poses score under {MIN_POSE_SCORE_DRAWN:g} and are drawn in grey. "
            "PoseNet returns a pose for every candidate that NMS did not skip, up to max detections: a second "
            "peak of a person's part further than the NMS radius from the first pose's part starts a \"pose\" "
            "that mostly repeats that person, and its NMS-adjusted score is low. Apps hide poses under a "
            f"minimum pose confidence ({MIN_POSE_SCORE_DRAWN:g} in the live multi-pose demo).",
            icon=":material/visibility_off:",
        )
    with final:
        picture = draw_final_poses(frame.image, list(lesson.image_poses), boxes=True, scores=True)
        st.image(
            picture,
            width="stretch",
            alt=f"The picture with the {len(lesson.poses) - faint} poses scoring at least {MIN_POSE_SCORE_DRAWN:g} "
            f"in colour and {faint} in grey.",
        )
    with scores:
        st.dataframe(
            _poses_table(lesson),
            hide_index=True,
            column_config=POSE_COLUMNS,
        )
        st.caption(
            "**pose score** is NMS-adjusted: the sum of the scores of the parts that no earlier pose already has "
            "within the NMS radius, divided by 17. **mean of 17** is the plain mean of the keypoint scores, for "
            "comparison: a pose that mostly repeats an earlier person keeps a high mean but scores low."
        )
