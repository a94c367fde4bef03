"""Steps 1, 2, 3 and 5 of the page: input size, heatmaps, single-pose decoding, strides compared.

Every number comes from posenet_core (via ``lesson``); this module only lays it out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import posenet_core
from posenet_core import PART_NAMES, PART_WORDS, argmax_cells, part_words
from studio.session_keys import TeachKeys
from studio.settings.slider import parameter_slider
from studio.settings.table import PARAMETERS, page_defaults
from studio.teaching import canvas
from studio.teaching.cache import input_settings, multi_pose_settings, outputs_for, stride_run
from studio.teaching.charts import heatmap_over_image
from studio.teaching.lesson import input_arithmetic, single_pose_lesson
from studio.teaching.picture import Frame
from studio.teaching.text import ms, size, yx

STRIDES = PARAMETERS["output_stride"].options
EVERY_STEP = "Applies to every step."
THUMBNAILS_PER_ROW = 6
SCORE_FORMAT = st.column_config.NumberColumn(format="%.4f")
PIXELS_FORMAT = st.column_config.NumberColumn(format="%.2f")
MS_FORMAT = st.column_config.NumberColumn(format="%.1f")
TABLE_ROW_PX = 35  # st.dataframe's row height: tables this tall show every row without scrolling


def settings_caption() -> None:
    scale_factor, output_stride = input_settings()
    st.caption(f"Image scale factor **{scale_factor:.2f}** · output stride **{output_stride}** (set in step 1).")


def part_picker(label: str, key: str, default: str) -> int:
    name = st.pills(
        label, PART_NAMES, default=default, required=True, key=key, persist_state="session", format_func=part_words
    )
    return PART_NAMES.index(name)


def metric_row(values: dict[str, str]) -> None:
    for column, (label, value) in zip(st.columns(len(values)), values.items()):
        column.metric(label, value)


# Step 1 ----------------------------------------------------------------------------------


def _input_formula(a) -> str:
    def both(fill) -> str:
        return f"height: {fill(0):<34}width: {fill(1)}"

    s = a.output_stride
    return "\n".join(
        [
            "# 1. scale each side by the image scale factor (rounded half up)",
            both(lambda i: f"round({a.image_size[i]} × {a.scale_factor:.2f}) = {a.scaled_size[i]}"),
            "# 2. snap to a valid input size: (size - 1) must be a multiple of the output stride",
            f"#    valid(s) = s if (s - 1) % {s} == 0 else floor(s / {s}) × {s} + 1",
            both(lambda i: f"valid({a.scaled_size[i]}) = {a.input_size[i]}"),
            "# 3. the article's formula: ((InputImageSize - 1) / OutputStride) + 1",
            both(lambda i: f"(({a.input_size[i]} - 1) / {s}) + 1 = {a.output_resolution[i]}"),
        ]
    )


def input_step(frame: Frame) -> None:
    """Step 1: the picture resized to the network's input, the stride grid, and the article's size formula."""
    controls, picture = st.columns([2, 3], gap="large")
    with controls:
        st.markdown(
            "PoseNet does not look at the picture at its own size. It first **scales** it by the image scale "
            "factor, then trims it to a size the network maps onto whole output cells. The network answers "
            "once per **output stride** pixels: that grid of cells is all the decoder ever sees."
        )
        scale, stride = PARAMETERS["scale_factor"], PARAMETERS["output_stride"]
        parameter_slider(
            "scale_factor",
            TeachKeys.SCALE_FACTOR,
            value=scale.default,
            persist_state="session",
            help=f"{scale.help} {EVERY_STEP}",
        )
        st.segmented_control(
            stride.label,
            STRIDES,
            default=stride.default,
            required=True,
            key=TeachKeys.OUTPUT_STRIDE,
            persist_state="session",
            help=f"{stride.help} {EVERY_STEP}",
        )
    outputs = outputs_for(frame)
    if outputs is None:
        return
    a = input_arithmetic(outputs)
    with picture:
        st.image(
            posenet_core.draw_stride_grid(frame.image, outputs),
            caption=f"The {size(a.output_resolution)} output grid over the picture: one dot per cell, at "
            f"(cell y, cell x) × {a.output_stride} network-input pixels; the lines are the cell borders.",
            width="stretch",
            alt=f"The picture with the {size(a.output_resolution)} output grid drawn over it.",
        )
    metric_row(
        {
            "Original image": size(a.image_size),
            f"Scaled (× {a.scale_factor:.2f})": size(a.scaled_size),
            "Network input": size(a.input_size),
            "Output resolution (cells)": size(a.output_resolution),
        }
    )
    st.code(_input_formula(a), language="text", wrap_lines=True)  # on a phone the formulas wrap, never scroll sideways


# Step 2 ----------------------------------------------------------------------------------


def heatmaps_step(frame: Frame) -> None:
    """Step 2: one part's heatmap over the picture, and the 17 heatmaps as small multiples."""
    settings_caption()
    outputs = outputs_for(frame)
    if outputs is None:
        return
    st.markdown(
        "For each of the 17 parts the network scores every cell: after the sigmoid, a number from 0 to 1 "
        "for *how likely is this part in this cell*. Pick a part; hover a cell to read its score."
    )
    part = part_picker("Part", TeachKeys.HEATMAP_PART, "leftWrist")
    name = PART_WORDS[part]
    cell = argmax_cells(outputs.heatmap_scores)[part]
    metric_row(
        {
            f"Highest {name} score": f"{outputs.heatmap_scores[cell[0], cell[1], part]:.4f}",
            "At cell (y, x)": yx(cell),
            "Output resolution (cells)": size(outputs.output_resolution),
        }
    )
    st.altair_chart(heatmap_over_image(frame.image, outputs, part, name), width="content")
    st.caption(
        f"The {name} heatmap over the picture: one square per output cell, black (0) to yellow (1). The brightest "
        "cell is where single-pose decoding puts this part (step 3); multi-pose decoding starts a person at every "
        "cell that is the brightest of its 3 × 3 neighbourhood (step 4)."
    )
    st.subheader("All 17 heatmaps")
    st.caption(
        "Black is 0, yellow is 1 (inferno colour map); each block is one output cell; the number is the part's "
        "highest score."
    )
    for first in range(0, len(PART_NAMES), THUMBNAILS_PER_ROW):
        for column, k in zip(
            st.columns(THUMBNAILS_PER_ROW), range(first, min(first + THUMBNAILS_PER_ROW, len(PART_NAMES)))
        ):
            scores = outputs.heatmap_scores[:, :, k]
            column.image(
                canvas.heatmap_thumbnail(scores),
                caption=f"{PART_WORDS[k]} {scores.max():.2f}",
                width="stretch",
                alt=f"Heatmap of the {PART_WORDS[k]}: highest score {scores.max():.2f}.",
            )


# Step 3 ----------------------------------------------------------------------------------


def _part_formula(r, stride: int, scale_yx) -> str:
    y, x = r.cell
    (py, px), (sy, sx) = r.position_yx, scale_yx
    return "\n".join(
        [
            f"heatmapPosition  = argmax of heatmap[:, :, {r.name}]        = (y, x) = {yx(r.cell)}"
            f"   score {r.score:.4f}",
            f"offsetVector     = (offsets[{y}, {x}, {r.part}], offsets[{y}, {x}, 17 + {r.part}])"
            f" = (dy, dx) = {yx(r.offset_yx, 2)}",
            "keypointPosition = heatmapPosition * outputStride + offsetVector",
            f"                 = {yx(r.cell)} * {stride} + {yx(r.offset_yx, 2)}",
            f"                 = {yx(r.position_yx, 2)}   network-input pixels (y, x)",
            f"on the picture   = ({py:.2f} × {sy:.4f}, {px:.2f} × {sx:.4f})",
            f"                 = {yx(r.image_position_yx, 1)}   picture pixels (y, x)",
        ]
    )


def _pose_score_formula(lesson, per_line: int = 4) -> str:
    scores = [f"{r.score:.2f}" for r in lesson.readings]
    rows = [" + ".join(scores[i : i + per_line]) for i in range(0, len(scores), per_line)]
    return "\n".join(
        [
            "poseScore = mean of the 17 scores",
            f"  = ({rows[0]}",
            *(f"   + {row}" for row in rows[1:-1]),
            f"   + {rows[-1]}) / 17",
            f"  = {lesson.pose.score:.4f}",
        ]
    )


def _keypoint_table(lesson) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "part": [part_words(r.name) for r in lesson.readings],
            "cell y": [r.cell[0] for r in lesson.readings],
            "cell x": [r.cell[1] for r in lesson.readings],
            "score": [r.score for r in lesson.readings],
            "offset dy": [r.offset_yx[0] for r in lesson.readings],
            "offset dx": [r.offset_yx[1] for r in lesson.readings],
            "y": [r.position_yx[0] for r in lesson.readings],
            "x": [r.position_yx[1] for r in lesson.readings],
            "picture y": [r.image_position_yx[0] for r in lesson.readings],
            "picture x": [r.image_position_yx[1] for r in lesson.readings],
        }
    )


def single_pose_step(frame: Frame) -> None:
    """Step 3: one part's argmax cell and offset vector (picked by the user), then the whole pose and its score."""
    settings_caption()
    outputs = outputs_for(frame)
    if outputs is None:
        return
    lesson = single_pose_lesson(outputs)
    st.markdown(
        "Single-pose decoding takes each part on its own: the **argmax cell** of its heatmap says roughly "
        "where the part is; the **offset vector** the network wrote in that cell says where exactly."
    )
    _one_part(frame, outputs, lesson)
    st.subheader("The whole pose")
    _whole_pose(frame, lesson)


def _one_part(frame: Frame, outputs, lesson) -> None:
    """The chosen part: its cell and offset on the picture and magnified, its numbers and formula."""
    r = lesson.readings[part_picker("Part", TeachKeys.SINGLE_PART, "leftWrist")]
    stride = outputs.output_stride
    cell_centre = (r.cell[0] * stride, r.cell[1] * stride)

    def marked(c: canvas.Canvas) -> canvas.Canvas:
        c.cell(r.cell).point(cell_centre, canvas.WHITE, c.thickness + 1)
        return c.arrow(cell_centre, r.position_yx, canvas.OFFSET).point(r.position_yx, canvas.KEYPOINT)

    whole, detail = st.columns([3, 2], gap="large")
    with whole:
        base = canvas.Canvas(posenet_core.draw_stride_grid(frame.image, outputs), outputs)
        st.image(
            marked(base).image,
            width="stretch",
            caption=f"{part_words(r.name)}: the argmax cell (yellow), the offset vector (green arrow) from the cell's "
            f"centre to the keypoint (pink).",
            alt=f"The picture with the {part_words(r.name)}'s argmax cell, its offset vector and the keypoint marked.",
        )
    with detail:
        zoom = canvas.Canvas.around(frame.image, outputs, cell_centre).grid()
        st.image(
            marked(zoom).image,
            caption="The same, magnified: the cells around the argmax cell.",
            width="stretch",
            alt=f"A magnified crop around the {part_words(r.name)}'s argmax cell.",
        )
    metric_row(
        {
            "Argmax cell (y, x)": yx(r.cell),
            "Heatmap score": f"{r.score:.4f}",
            "Offset (dy, dx)": yx(r.offset_yx, 2),
            "Keypoint (y, x)": yx(r.position_yx, 1),
        }
    )
    st.code(_part_formula(r, stride, outputs.scale_yx), language="text", wrap_lines=True)


def _whole_pose(frame: Frame, lesson) -> None:
    """All 17 parts drawn, the pose score's sum, and every part's numbers in a table."""
    picture, numbers = st.columns([3, 2], gap="large")
    with picture:
        st.image(
            posenet_core.draw_poses(frame.image, lesson.image_pose, min_part_confidence=0.0),
            width="stretch",
            caption="All 17 parts, each from its own argmax cell and offset; the skeleton joins them.",
            alt=f"The picture with the single pose drawn, score {lesson.pose.score:.2f}.",
        )
    with numbers:
        st.metric("Pose score", f"{lesson.pose.score:.4f}")
        st.code(_pose_score_formula(lesson), language="text", wrap_lines=True)
        st.caption(
            "Each part takes the strongest cell anywhere in the picture, so with several people in it the parts "
            "can come from different people: multi-pose decoding (step 4) keeps people apart. In the table, "
            "(y, x) are network-input pixels and the picture columns the picture's own pixels."
        )
    st.dataframe(
        _keypoint_table(lesson),
        hide_index=True,
        height=TABLE_ROW_PX * (len(PART_NAMES) + 1) + 3,
        column_config={c: PIXELS_FORMAT for c in ("offset dy", "offset dx", "y", "x", "picture y", "picture x")}
        | {"score": SCORE_FORMAT},
    )


# Step 5 ----------------------------------------------------------------------------------


MIN_POSE_SCORE_DRAWN = page_defaults(multi_pose=True)["min_pose_confidence"]  # as the live multi-pose demo
COMPARE_MODES = {"single": "Single pose", "multi": "Multi-pose (step 4's settings)"}


def compare_step(frame: Frame) -> None:
    """Step 5: the same picture at output strides 8, 16 and 32, side by side, timed, with a summary table."""
    scale_factor, _ = input_settings()
    st.caption(
        f"Image scale factor **{scale_factor:.2f}** (set in step 1); each column runs the network at its own stride."
    )
    mode = st.segmented_control(
        "Decode",
        list(COMPARE_MODES),
        format_func=COMPARE_MODES.get,
        default="multi",
        required=True,
        key=TeachKeys.COMPARE_MODE,
        persist_state="session",
    )
    multi = multi_pose_settings() if mode == "multi" else None
    rows = []
    for column, stride in zip(st.columns(len(STRIDES), gap="medium"), STRIDES):
        with column:
            row = _stride_column(frame, stride, multi)
        if row is not None:
            rows.append(row)
    if rows:
        _stride_table(rows)


def _stride_column(frame: Frame, stride: int, multi) -> dict | None:
    """One stride's picture and timings; its row of the summary table (None if it could not run)."""
    st.subheader(f"Output stride {stride}")
    run = stride_run(frame, stride, multi)
    if run is None:
        return None
    picture = posenet_core.draw_stride_grid(frame.image, run.outputs)
    drawn = [p for p in run.image_poses if p.score >= MIN_POSE_SCORE_DRAWN]
    picture = posenet_core.draw_poses(picture, drawn, scores=multi is not None)
    st.image(
        picture,
        width="stretch",
        alt=f"The picture decoded at output stride {stride}: its grid and {len(drawn)} poses drawn.",
    )
    t = run.timings_ms
    scores = [p.score for p in run.image_poses]
    st.metric("Output grid", f"{size(run.outputs.output_resolution)} cells")
    network, decode = st.columns(2)
    network.metric("Network", ms(t["network"]), help=f"Resizing the picture took another {ms(t['resize'])}.")
    decode.metric("Decode", ms(t["decode"]))
    return {
        "output stride": stride,
        "network input": size(run.outputs.input_size),
        "output grid": size(run.outputs.output_resolution),
        "cells": int(run.outputs.heatmap_scores[:, :, 0].size),
        "network ms": t["network"],
        "decode ms": t["decode"],
        "poses": len(scores),
        "best pose score": max(scores, default=None),
    }


def _stride_table(rows: list[dict]) -> None:
    """The strides side by side in numbers, and what to read from them."""
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={
            "network ms": MS_FORMAT,
            "decode ms": MS_FORMAT,
            "best pose score": SCORE_FORMAT,
        },
    )
    st.caption(
        f"Poses scoring under {MIN_POSE_SCORE_DRAWN:g} are counted but not drawn, as in the live demo. Timed on "
        "this server: the median of three runs after a warm-up (building the network for a new input size is "
        "not counted). A smaller stride gives a finer grid and more precise keypoints, and costs more time."
    )
