"""The "Newer models" tab: PoseNet beside MoveNet on the same picture, and how MoveNet decodes.

Every number is from the models' own outputs (``newer_lesson``); this module only lays it out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from posenet_core import PART_NAMES
from posenet_core.successors.draw import draw_centre_out, draw_movenet_heatmap
from studio.teaching import canvas as cv
from studio.teaching.newer_blazepose import blazepose_steps
from studio.teaching.newer_lesson import COMPARED, CentreOutLesson, ModelRun, centre_out_lesson, run_model
from studio.teaching.picture import Frame
from studio.teaching.text import ms, size, yx

NEWER_PART = "teach:newer_part"


@st.cache_data(show_spinner="Running the models...", max_entries=8)
def _runs(digest: str, _image) -> list[ModelRun]:
    return [run_model(name, _image) for name in COMPARED]


@st.cache_data(show_spinner="Running MoveNet Lightning...", max_entries=8)
def _lesson(digest: str, _image) -> CentreOutLesson:
    return centre_out_lesson(_image)


@st.cache_data(show_spinner="Running MoveNet MultiPose...", max_entries=8)
def _people(digest: str, _image) -> tuple[int, int]:
    """(people PoseNet's multi-pose decoding finds with a pose score of at least 0.25, MultiPose's)."""
    posenet = run_model("posenet", _image, multi_pose=True)
    multipose = run_model("movenet-multipose", _image)
    return sum(p.score >= 0.25 for p in posenet.poses), len(multipose.poses)


def _side_by_side(frame: Frame) -> None:
    runs = _runs(frame.digest, frame.image)
    for column, run in zip(st.columns(len(runs)), runs):
        with column:
            st.image(cv.predicted_skeletons(frame.image, run.poses), caption=run.label)
            st.caption(
                f"input {size(run.input_size)} → {size(run.grid)} cells · network {ms(run.network_ms)} · "
                f"decode {ms(run.decode_ms)} · "
                + (f"pose score {run.poses[0].score:.2f}" if run.poses else "nobody found")
            )
    posenet, multipose = _people(frame.digest, frame.image)
    st.caption(
        f"Several people: PoseNet's multi-pose decoding finds **{posenet}** with a pose score of at least 0.25 "
        f"on this picture, MoveNet MultiPose **{multipose}** (it returns up to six). Times are this server's, "
        "measured now: PoseNet runs at half the picture's size, MoveNet at its fixed square, BlazePose's detector "
        "at 224 × 224 and its landmark model on a 256 × 256 crop (its network time is both; its grid: the "
        "heatmaps over the crop)."
    )


def _centre_out(lesson: CentreOutLesson, frame: Frame) -> None:
    w, o = lesson.walk, lesson.outputs
    rows, cols = o.output_resolution
    st.markdown(
        f"**1 · The person's centre.** MoveNet Lightning saw the picture fitted into a {size(o.input_size)} square "
        f"(black bars fill the rest) and scored every one of its {rows} × {cols} cells as a person's centre. "
        f"It divides those scores by the distance from the middle of the grid (+ 1.8), so the person nearest the "
        f"middle wins: cell {yx(w.centre_cell)} scores **{lesson.centre_score:.3f}**, weight "
        f"{lesson.centre_weight:.3f}."
    )
    st.markdown(
        "**2 · From the centre to each part.** At that one cell a second head (*regression*) gives, for each of "
        "the 17 parts, how many cells away the part is: the arrows below."
    )
    st.image(draw_centre_out(frame.image, o, w), caption="Centre heatmap, the chosen centre (ring), regression")
    st.markdown(
        "**3 · The keypoint heatmap, near where the arrow points.** Like PoseNet, MoveNet scores each cell for "
        "each part. It does not take the best cell anywhere: it divides each score by (distance to the arrow's "
        "tip + 1.8), so a bright cell on somebody else loses to a good one on this person. **4 · The offset** of "
        "the chosen cell moves the part from the cell's corner to its exact spot, as in PoseNet."
    )
    moved = lesson.parts_moved_by_the_centre
    st.caption(
        f"On this picture {len(moved)} of 17 parts end on another cell than their heatmap's peak"
        + (f": {', '.join(moved)}." if moved else ".")
    )
    part = st.pills("Heatmap of", PART_NAMES, default="leftWrist", required=True, key=NEWER_PART)
    k = PART_NAMES.index(part)
    st.image(draw_movenet_heatmap(frame.image, o, part), caption=f"MoveNet Lightning's heatmap of {part}")
    st.caption(
        f"{part}: regressed to {yx(w.regressed_yx[k], 2)}, chosen cell {yx(w.part_cells[k])} (score "
        f"{w.scores[k]:.3f}), offset {yx(w.offsets_yx[k], 2)} → cell {yx(w.positions_yx[k], 2)}."
    )
    st.dataframe(pd.DataFrame(lesson.rows()), hide_index=True, height=35 * 18 + 3)


def newer_models_step(frame: Frame) -> None:
    st.markdown(
        "PoseNet (2018) decodes **bottom-up**: every part's heatmap and offsets on their own, and for several "
        "people the displacement vectors from part to part. Its successor in TensorFlow.js, **MoveNet** (2021), "
        "decodes **centre-out**: it first finds a person's centre, then asks where each part is from there. "
        "**BlazePose** (MediaPipe, 2020) works **top-down**: it finds the person first, then places the body "
        "points on a crop around them. Below, the single-pose models on this picture, then MoveNet's and "
        "BlazePose's decoding step by step."
    )
    _side_by_side(frame)
    st.subheader("How MoveNet decodes")
    _centre_out(_lesson(frame.digest, frame.image), frame)
    st.subheader("How BlazePose decodes")
    blazepose_steps(frame)
