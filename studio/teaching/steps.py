"""Steps 1, 2, 3 and 5 of the page: input size, heatmaps, single-pose decoding, strides compared.

Every number comes from posenet_core (via ``lesson``); this module only lays it out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import posenet_core
from posenet_core import PART_NAMES, params
from posenet_core.single_pose import argmax_cells

from . import canvas as cv
from .cache import SCALE_KEY, STRIDE_KEY, input_settings, multi_pose_settings, outputs_for, stride_run
from .charts import heatmap_over_image
from .frames import Frame
from .lesson import input_arithmetic, single_pose_lesson
from .text import ms, size, yx

STRIDES = (8, 16, 32)
HEATMAP_PART_KEY, SINGLE_PART_KEY, COMPARE_MODE_KEY = "teach:heatmap_part", "teach:single_part", "teach:compare_mode"
THUMBNAILS_PER_ROW = 6


def settings_caption() -> None:
    scale_factor, output_stride = input_settings()
    st.caption(f"Image scale factor **{scale_factor:.2f}** · output stride **{output_stride}** (set in step 1).")


def part_picker(label: str, key: str, default: str) -> int:
    name = st.pills(label, PART_NAMES, default=default, required=True, key=key, persist_state="session")
    return PART_NAMES.index(name)


def metric_row(values: dict[str, str]) -> None:
    for column, (label, value) in zip(st.columns(len(values)), values.items()):
        column.metric(label, value)


# Step 1 ----------------------------------------------------------------------------------


def _input_formula(a) -> str:
    def both(fill) -> str:
        return f"height: {fill(0):<34}width: {fill(1)}"

    s = a.output_stride
    return "\n".join([
        f"# 1. scale each side by the image scale factor (rounded half up)",
        both(lambda i: f"round({a.image_size[i]} × {a.scale_factor:.2f}) = {a.scaled_size[i]}"),
        f"# 2. snap to a valid input size: (size - 1) must be a multiple of the output stride",
        f"#    valid(s) = s if (s - 1) % {s} == 0 else floor(s / {s}) × {s} + 1",
        both(lambda i: f"valid({a.scaled_size[i]}) = {a.input_size[i]}"),
        f"# 3. the article's formula: ((InputImageSize - 1) / OutputStride) + 1",
        both(lambda i: f"(({a.input_size[i]} - 1) / {s}) + 1 = {a.output_resolution[i]}"),
    ])  # fmt: skip


def input_step(frame: Frame) -> None:
    controls, picture = st.columns([2, 3], gap="large")
    with controls:
        st.markdown(
            "PoseNet does not look at the picture at its own size. It first **scales** it by the image scale "
            "factor, then trims it to a size the network maps onto whole output cells. The network answers "
            "once per **output stride** pixels: that grid of cells is all the decoder ever sees."
        )
        st.slider(
            "Image scale factor", *params.SCALE_FACTOR_RANGE, params.DEFAULT_SCALE_FACTOR, 0.05, key=SCALE_KEY,
            persist_state="session", help="Lower is faster, higher sees smaller details. Applies to every step.",
        )  # fmt: skip
        st.segmented_control(
            "Output stride", STRIDES, default=params.DEFAULT_OUTPUT_STRIDE, required=True, key=STRIDE_KEY,
            persist_state="session", help="Network-input pixels per output cell. Applies to every step.",
        )  # fmt: skip
        outputs = outputs_for(frame)
        if outputs is None:
            return
        a = input_arithmetic(outputs)
        top, bottom = st.columns(2), st.columns(2)
        top[0].metric("Original image", size(a.image_size))
        top[1].metric(f"Scaled (× {a.scale_factor:.2f})", size(a.scaled_size))
        bottom[0].metric("Network input", size(a.input_size))
        bottom[1].metric("Output resolution", f"{size(a.output_resolution)} cells")
        st.code(_input_formula(a), language="text")
    with picture:
        st.image(
            posenet_core.draw_stride_grid(frame.image, outputs),
            caption=f"The {size(a.output_resolution)} output grid over the picture: one dot per cell, at "
            f"(cell y, cell x) × {a.output_stride} network-input pixels; the lines are the cell borders.",
            width="stretch",
        )


# Step 2 ----------------------------------------------------------------------------------


def heatmaps_step(frame: Frame) -> None:
    settings_caption()
    outputs = outputs_for(frame)
    if outputs is None:
        return
    st.markdown(
        "For each of the 17 parts the network scores every cell: after the sigmoid, a number from 0 to 1 "
        "for *how likely is this part in this cell*. Pick a part; hover a cell to read its score."
    )
    part = part_picker("Part", HEATMAP_PART_KEY, "leftWrist")
    name = PART_NAMES[part]
    cell = argmax_cells(outputs.heatmap_scores)[part]
    chart, side = st.columns([3, 2], gap="large")
    with chart:
        st.altair_chart(heatmap_over_image(frame.image, outputs, part, name), width="content")
    with side:
        st.metric(f"Highest {name} score", f"{outputs.heatmap_scores[cell[0], cell[1], part]:.4f}")
        st.metric("At cell (y, x)", yx(cell))
        st.markdown(
            f"The cells are the {size(outputs.output_resolution)} output grid of step 1, drawn over the picture. "
            "The brightest cell is where single-pose decoding will put this part (step 3); multi-pose "
            "decoding starts a person at every cell that is the brightest of its 3 × 3 neighbourhood (step 4)."
        )
    st.subheader("All 17 heatmaps")
    st.caption("Black is 0, yellow is 1 (inferno colour map); each block is one output cell.")
    for first in range(0, len(PART_NAMES), THUMBNAILS_PER_ROW):
        for column, k in zip(st.columns(THUMBNAILS_PER_ROW), range(first, min(first + THUMBNAILS_PER_ROW, len(PART_NAMES)))):
            scores = outputs.heatmap_scores[:, :, k]
            column.image(cv.heatmap_thumbnail(scores), caption=f"{PART_NAMES[k]} · max {scores.max():.2f}", width="stretch")


# Step 3 ----------------------------------------------------------------------------------


def _part_formula(r, stride: int, scale_yx) -> str:
    return "\n".join([
        f"heatmapPosition  = argmax of heatmap[:, :, {r.name}]        = (y, x) = {yx(r.cell)}   score {r.score:.4f}",
        f"offsetVector     = (offsets[{r.cell[0]}, {r.cell[1]}, {r.part}], offsets[{r.cell[0]}, {r.cell[1]}, 17 + {r.part}]) = (dy, dx) = {yx(r.offset, 2)}",
        "keypointPosition = heatmapPosition * outputStride + offsetVector",
        f"                 = {yx(r.cell)} * {stride} + {yx(r.offset, 2)}",
        f"                 = {yx(r.position, 2)}   network-input pixels (y, x)",
        f"on the picture   = ({r.position[0]:.2f} × {scale_yx[0]:.4f}, {r.position[1]:.2f} × {scale_yx[1]:.4f})",
        f"                 = {yx(r.image_position, 1)}   picture pixels (y, x)",
    ])  # fmt: skip


def _pose_score_formula(lesson) -> str:
    scores = [f"{r.score:.2f}" for r in lesson.readings]
    return "\n".join([
        "poseScore = mean of the 17 keypoint scores",
        f"          = ({' + '.join(scores[:9])}",
        f"             + {' + '.join(scores[9:])}) / 17",
        f"          = {lesson.pose.score:.4f}",
    ])  # fmt: skip


def _keypoint_table(lesson) -> pd.DataFrame:
    return pd.DataFrame({
        "part": [r.name for r in lesson.readings],
        "cell y": [r.cell[0] for r in lesson.readings], "cell x": [r.cell[1] for r in lesson.readings],
        "score": [r.score for r in lesson.readings],
        "offset dy": [r.offset[0] for r in lesson.readings], "offset dx": [r.offset[1] for r in lesson.readings],
        "y": [r.position[0] for r in lesson.readings], "x": [r.position[1] for r in lesson.readings],
        "picture y": [r.image_position[0] for r in lesson.readings],
        "picture x": [r.image_position[1] for r in lesson.readings],
    })  # fmt: skip


def single_pose_step(frame: Frame) -> None:
    settings_caption()
    outputs = outputs_for(frame)
    if outputs is None:
        return
    lesson = single_pose_lesson(outputs)
    st.markdown(
        "Single-pose decoding takes each part on its own: the **argmax cell** of its heatmap says roughly "
        "where the part is; the **offset vector** the network wrote in that cell says where exactly."
    )
    r = lesson.readings[part_picker("Part", SINGLE_PART_KEY, "leftWrist")]
    stride = outputs.output_stride
    cell_centre = (r.cell[0] * stride, r.cell[1] * stride)

    def marked(c: cv.Canvas) -> cv.Canvas:
        return c.cell(r.cell).point(cell_centre, cv.WHITE, c.thickness + 1).arrow(cell_centre, r.position, cv.OFFSET).point(r.position, cv.KEYPOINT)

    whole, detail = st.columns([3, 2], gap="large")
    with whole:
        base = cv.Canvas(posenet_core.draw_stride_grid(frame.image, outputs), outputs)
        st.image(marked(base).image, width="stretch",
                 caption=f"{r.name}: the argmax cell (yellow), the offset vector (green arrow) from the cell's "
                 f"centre to the keypoint (pink).")  # fmt: skip
    with detail:
        zoom = cv.Canvas.around(frame.image, outputs, cell_centre).grid()
        st.image(marked(zoom).image, caption="The same, magnified: the cells around the argmax cell.", width="stretch")
    metric_row({
        "Argmax cell (y, x)": yx(r.cell), "Heatmap score": f"{r.score:.4f}",
        "Offset (dy, dx)": yx(r.offset, 2), "Keypoint (y, x)": yx(r.position, 2),
    })  # fmt: skip
    st.code(_part_formula(r, stride, outputs.scale_yx), language="text")

    st.subheader("The whole pose")
    picture, numbers = st.columns([3, 2], gap="large")
    with picture:
        st.image(posenet_core.draw_poses(frame.image, lesson.image_pose, min_part_confidence=0.0), width="stretch",
                 caption="All 17 parts, each from its own argmax cell and offset; the skeleton joins them.")  # fmt: skip
    with numbers:
        st.metric("Pose score", f"{lesson.pose.score:.4f}")
        st.code(_pose_score_formula(lesson), language="text")
        st.caption("Positions (y, x) are in network-input pixels; the picture columns are in the picture's own pixels.")
    st.dataframe(_keypoint_table(lesson), hide_index=True, column_config={
        c: st.column_config.NumberColumn(format="%.2f") for c in ("offset dy", "offset dx", "y", "x", "picture y", "picture x")
    } | {"score": st.column_config.NumberColumn(format="%.4f")})  # fmt: skip


# Step 5 ----------------------------------------------------------------------------------


COMPARE_MODES = {"single": "Single pose", "multi": "Multi-pose (step 4's settings)"}


def compare_step(frame: Frame) -> None:
    scale_factor, _ = input_settings()
    st.caption(f"Image scale factor **{scale_factor:.2f}** (set in step 1); each column runs the network at its own stride.")
    mode = st.segmented_control(
        "Decode", list(COMPARE_MODES), format_func=COMPARE_MODES.get, default="multi", required=True,
        key=COMPARE_MODE_KEY, persist_state="session",
    )  # fmt: skip
    multi = multi_pose_settings() if mode == "multi" else None
    rows = []
    for column, stride in zip(st.columns(len(STRIDES), gap="medium"), STRIDES):
        with column:
            st.subheader(f"Output stride {stride}")
            run = stride_run(frame, stride, multi)
            if run is None:
                continue
            picture = posenet_core.draw_stride_grid(frame.image, run.outputs)
            picture = posenet_core.draw_poses(picture, run.image_poses, scores=multi is not None)
            st.image(picture, width="stretch")
            t = run.timings_ms
            scores = [p.score for p in run.image_poses]
            st.metric("Output grid", f"{size(run.outputs.output_resolution)} cells")
            network, decode = st.columns(2)
            network.metric("Network", ms(t["network"]), help=f"Resizing the picture took another {ms(t['resize'])}.")
            decode.metric("Decode", ms(t["decode"]))
            rows.append({
                "output stride": stride, "network input": size(run.outputs.input_size),
                "output grid": size(run.outputs.output_resolution), "cells": int(run.outputs.heatmap_scores[:, :, 0].size),
                "network ms": t["network"], "decode ms": t["decode"], "poses": len(scores), "best pose score": max(scores, default=None),
            })  # fmt: skip
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={
            "network ms": st.column_config.NumberColumn(format="%.1f"), "decode ms": st.column_config.NumberColumn(format="%.1f"),
            "best pose score": st.column_config.NumberColumn(format="%.4f"),
        })  # fmt: skip
        st.caption(
            "Timed on this server (a warm-up run first, so building the network for a new input size is not "
            "counted). A smaller stride gives a finer grid and more precise keypoints, and costs more time."
        )
