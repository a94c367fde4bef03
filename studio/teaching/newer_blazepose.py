"""The "Newer models" tab's BlazePose part: the detector's box, the turned crop and the landmarks
on one picture, every number from BlazePose Full's own outputs."""

from __future__ import annotations

import math

import streamlit as st

import posenet_core
from posenet_core.successors.anchors import ssd_anchor_centres
from posenet_core.successors.blazepose import BlazePoseOutputs
from posenet_core.successors.draw_blazepose import draw_blazepose_steps, draw_crop_with_landmarks
from studio.teaching.picture import Frame
from studio.teaching.text import ms

MODEL = "blazepose-full"


@st.cache_data(show_spinner="Running BlazePose Full...", max_entries=8)
def _outputs(digest: str, _image) -> BlazePoseOutputs:
    return posenet_core.load_estimator(MODEL).predict(_image)


def blazepose_steps(frame: Frame) -> None:
    """Detector, crop, landmarks: what BlazePose did with this picture."""
    o = _outputs(frame.digest, frame.image)
    if o.detection is None:
        st.caption("BlazePose's detector finds nobody in this picture (no anchor scores 0.5 or more).")
        return
    d = o.detection
    st.markdown(
        f"**1 · Find the person (detector).** BlazePose does not look for body parts in the whole picture. A "
        f"first network, a person finder (*SSD detector*), saw it fitted into a {o.letterbox.side} × "
        f"{o.letterbox.side} square and scored {len(ssd_anchor_centres(o.letterbox.side))} fixed points "
        f"(*anchors*, on grids of 28 × 28, 14 × 14 and 7 × 7 cells), each with a box (around the face: it "
        "finds people by their faces) and four keypoints. "
        f"The best scores **{d.score:.3f}**; the {d.merged} boxes overlapping it are averaged into one, "
        "weighted by their scores (*weighted non-maximum suppression*). Two of its keypoints matter next: "
        "the middle of the hips and a point whose distance from it gives the body's size."
    )
    st.image(
        draw_blazepose_steps(frame.image, o),
        caption="The detector's box and keypoints (yellow; the line: hips to the body-size point), the crop (pink)",
    )
    st.markdown(
        f"**2 · Cut out the person (crop).** A square of **{o.crop.size:.0f} px** a side (1.25 × twice that "
        f"distance), centred on the hips and turned **{math.degrees(o.crop.rotation):.1f}°** so the body "
        f"stands upright, is resized to {o.input_size[0]} × {o.input_size[1]} for the second network."
    )
    left, right = st.columns(2)
    with left:
        st.image(draw_crop_with_landmarks(frame.image, o), caption="The crop the landmark model saw, its landmarks")
    with right:
        pose = o.pose()
        st.image(posenet_core.draw_poses(frame.image, [pose]), caption="The 17 COCO parts, back on the picture")
    st.markdown(
        f"**3 · Place the body points (landmarks).** The landmark model returns 39 points on the crop: 33 body "
        f"landmarks (the 17 COCO parts among them, plus fingers, heels, toes) and 6 helper points, each with "
        f"how visible it is, and a pose flag, here **{o.pose_score:.3f}** (is a person in the crop?). The points "
        "go back to the picture through the crop. In a video the next frame's crop comes from these landmarks, "
        "so the detector is skipped while the flag stays at 0.5 or more (*tracking*)."
    )
    st.caption(f"Detector, crop and landmark model together: {ms(o.timings_ms['network'])} on this server, now.")
