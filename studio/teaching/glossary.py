"""The teaching page's glossary: each term the steps use, in one or two plain sentences."""

from __future__ import annotations

import streamlit as st

GLOSSARY = {
    "Keypoint (part)": "One of the 17 body parts PoseNet looks for (nose, left eye, ..., right ankle), with "
    "a position in pixels and a score.",
    "Score": "How sure the network is, from 0 (not at all) to 1 (certain). A pose's score is the mean of "
    "its parts' scores.",
    "Output stride": "How many input pixels one cell of the network's output grid covers (8, 16 or 32).",
    "Heatmap": "A grid of scores per body part: how likely that part is in each cell (after the sigmoid, "
    "which squeezes any number into 0..1).",
    "Argmax": "The cell with the highest score; single-pose decoding puts each part there.",
    "Offset vector": "Per cell and part, an arrow (dy, dx) in pixels from the cell to the part's exact "
    "spot: it refines the coarse grid to the pixel.",
    "Displacement vectors (displacement_fwd, displacement_bwd)": "Per cell and skeleton edge, an arrow "
    "from one part to the next along the skeleton (forward, e.g. elbow to wrist) or back (backward). "
    "`displacement_fwd[8, 14, 3]` is the y part of edge 3's forward arrow at cell (8, 14); channel 16 + 3 "
    "holds its x part.",
    "Local maximum": "A cell scoring at least as high as its 8 neighbours: each one may be a person's part.",
    "NMS (non-maximum suppression)": "Skipping a candidate part that lies within the NMS radius of the same "
    "part of a person already found: it is that person again, not a new one.",
    "Greedy decoding": "Taking the strongest candidates first and never revisiting a choice: fast, and "
    "what PoseNet's multi-pose decoder does.",
    "IoU (intersection over union)": "How much two boxes overlap: the shared area divided by the area "
    "they cover together, 0 (apart) to 1 (the same box).",
    "OKS (object keypoint similarity)": "How close two poses' keypoints are, each scaled by the person's "
    "size and the part's usual wobble (an eye must be closer than a hip): 0 to 1, COCO's measure.",
    "Hungarian algorithm": "A method that pairs this frame's poses with the people of the last frames so "
    "that the total similarity is as high as possible (no one paired twice).",
    "1-euro filter": "A smoothing filter that averages strongly while a point is still (no jitter) and "
    "hardly when it moves fast (no lag).",
}


def glossary() -> None:
    with st.expander("Glossary: the words used on this page", icon=":material/menu_book:"):
        st.markdown("\n".join(f"- **{term}**: {meaning}" for term, meaning in GLOSSARY.items()))
