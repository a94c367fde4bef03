"""The landing page: what PoseNet is, and where to start."""

import streamlit as st

import posenet_core
from studio.model import get_model
from studio.site_map import MULTI_POSE, SINGLE_POSE, TEACHING
from studio.sources import SAMPLES, THREE_PEOPLE, read_rgb


@st.cache_data(show_spinner=False)
def _example_picture():
    image = read_rgb(SAMPLES[THREE_PEOPLE].path)
    poses = [p for p in get_model().estimate_multiple_poses(image) if p.score >= 0.3]
    return posenet_core.draw_poses(image, poses, boxes=True, scores=True), len(poses)


def render_landing() -> None:
    """The home page: what PoseNet is, links to the three pages, a decoded sample photo."""
    st.title("PoseNet Studio")
    st.markdown(
        "**PoseNet** finds people in a picture and the 17 body parts of each: nose, eyes, ears, shoulders, "
        "elbows, wrists, hips, knees and ankles. A small MobileNet looks at the image once and outputs, "
        "on a coarse grid, a **heatmap** per part (how likely the part is in each cell) and **offset "
        "vectors** (where exactly in the cell); for several people it also outputs **displacement "
        "vectors** that lead from one part to the next along the skeleton. Here it runs on this app's "
        "server, on your webcam, live."
    )
    text_col, picture_col = st.columns([1, 1], gap="large")
    with text_col:
        st.subheader("Start here")
        for page, what in (
            (SINGLE_POSE, "one person, the fastest decoding"),
            (MULTI_POSE, "several people at once"),
            (TEACHING, "every step on one picture"),
        ):
            st.page_link(page.path, label=f"**{page.title}**: {what}", icon=page.icon)
        st.markdown(
            "Each demo streams your webcam (or a bundled sample, if you have no camera) and lets you switch "
            "the video between the skeleton, the **heatmaps** and the **offset / displacement vectors**, "
            "with the original PoseNet knobs beside it."
        )
        st.subheader("From Python")
        st.code(
            "import posenet_core\n"
            "net = posenet_core.load()  # weights included\n"
            "pose = net.estimate_single_pose(rgb_image)\n"
            "# {'score': ..., 'keypoints': [...]}\n"
            "print(pose.to_dict())",
            language="python",
            wrap_lines=True,  # half a laptop's width: a long line wraps instead of cutting its comment
        )
        st.code(
            "python -m posenet_core photo.jpg --multi --json poses.json --out annotated.png",
            language="bash",
            wrap_lines=True,
        )
    with picture_col:
        get_model()  # on a cold start the page above shows at once, any progress here
        picture, count = _example_picture()
        st.image(
            picture,
            caption=f"Multi-pose on a bundled photo: {count} people found",
            width="stretch",
            alt=f"A photo of three people with the {count} poses PoseNet found drawn as skeletons.",
        )
