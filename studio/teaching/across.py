"""Step 6 of the page: how a person keeps their ID from one video frame to the next.

The numbers are ``PoseTracker``'s own (its ``MatchTrace``), on real footage: the bundled squats
video, decoded frame by frame with the multi-pose decoder. This step does not use the picture
picked at the top of the page (one picture has no "previous frame").
"""

from __future__ import annotations

import av
import pandas as pd
import streamlit as st

import posenet_core
from studio.model import get_model
from studio.sources import SAMPLES, SQUATS
from studio.teaching import canvas
from studio.teaching.lesson import TrackingLesson, tracking_lesson
from studio.teaching.picture import Frame

VIDEO = SQUATS
LAST_FRAME = 3  # frames 0..3 go through the tracker, so frame t-1 = 2 and t = 3 (the person's velocity is known)
SIMILARITY_FORMAT = st.column_config.NumberColumn(format="%.3f")


@st.cache_data(show_spinner="Decoding the first frames of the squats video...", max_entries=1)
def video_poses(key: str = VIDEO, last: int = LAST_FRAME):
    """The frames 0..last of a sample video: (RGB images, times in seconds, multi-pose decoded poses)."""
    images, times, poses = [], [], []
    with av.open(str(SAMPLES[key].path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index > last:
                break
            images.append(frame.to_ndarray(format="rgb24"))
            times.append(float(frame.time))
            poses.append(get_model().estimate_multiple_poses(images[-1]))
    return images, times, poses


def lesson_for_video() -> tuple[TrackingLesson, list]:
    """The lesson (tracking rerun each time: it is microseconds) and the frames t-1 and t."""
    images, times, poses = video_poses()
    tracker = posenet_core.PoseTracker(smoothing=False)  # raw positions: the ones matching uses
    return tracking_lesson(poses, times, tracker), images[-2:]


def _predicted_poses(lesson: TrackingLesson) -> list[posenet_core.Pose]:
    """Each followed person's predicted place as a Pose (their ID, the scores of their last pose), for drawing."""
    by_id = {p.track_id: p for p in lesson.before}
    shown = []
    for track_id, places in zip(lesson.trace.track_ids, lesson.trace.predicted.tolist()):
        last = by_id.get(track_id)
        if last is None:
            continue
        keypoints = tuple(
            posenet_core.Keypoint(k.part, posenet_core.Position(x, y), k.score)
            for k, (x, y) in zip(last.keypoints, places)
        )
        shown.append(posenet_core.Pose(last.score, keypoints, track_id))
    return shown


def _row_name(track_id) -> str:
    return f"ID {track_id} (predicted)" if track_id is not None else "new person, not yet confirmed (predicted)"


def similarity_table(lesson: TrackingLesson) -> pd.DataFrame:
    """One row per (followed person, tracked pose of frame t) pair: OKS, IoU, combined, chosen."""
    trace, rows = lesson.trace, []
    chosen = set(trace.pairs)
    for r, track_id in enumerate(trace.track_ids):
        for c, pose_index in enumerate(trace.columns):
            rows.append(
                {
                    "person at t-1": _row_name(track_id),
                    "pose at t": f"pose {pose_index + 1} (score {lesson.decoded[pose_index].score:.2f})",
                    "OKS": float(trace.oks[r, c]),
                    "box IoU": float(trace.iou[r, c]),
                    "combined": float(trace.similarity[r, c]),
                    "assigned": "yes" if (r, c) in chosen else "no",
                }
            )
    return pd.DataFrame(rows)


def across_frames_step(frame: Frame) -> None:
    """Step 6: two frames of the squats video, the tracker's predictions, its similarity table and assignment."""
    st.caption(
        "This step uses two consecutive frames of the bundled squats video (whatever picture is picked above): "
        "tracking needs a previous frame."
    )
    lesson, (image_before, image_now) = lesson_for_video()
    trace = lesson.trace
    t0, t1 = lesson.times
    st.markdown(
        "Each frame is decoded on its own, and the decoder returns people in score order, so *pose 1* is not "
        "always the same person. The tracker (`posenet_core.PoseTracker`) gives each person an **ID**: it "
        "predicts where every person of the previous frames is now, scores every (person, pose) pair, and "
        "picks the pairs with the best total (the Hungarian algorithm)."
    )
    before, now = st.columns(2, gap="large")
    with before:
        st.image(
            posenet_core.draw_poses(image_before, list(lesson.before), scores=True),
            width="stretch",
            caption=f"Frame t-1 ({t0:.1f} s): the people followed, each with their ID.",
            alt="Frame t-1 of the squats video with the tracked person and their ID.",
        )
    with now:
        dimmed = canvas.predicted_skeletons(image_now, _predicted_poses(lesson))
        st.image(
            posenet_core.draw_poses(dimmed, [lesson.decoded[i] for i in trace.columns], boxes=True),
            width="stretch",
            caption=f"Frame t ({t1:.1f} s): the predicted places (white) and the poses decoded (in colour).",
            alt="Frame t of the squats video with the predicted and the decoded poses.",
        )
    _matching(lesson)


def _matching(lesson: TrackingLesson) -> None:
    """How the tracker paired people and poses at frame t: the similarities, the pairs it chose, and why."""
    trace, tracker = lesson.trace, lesson.tracker
    left_out = [lesson.decoded[i] for i in trace.left_out]
    st.markdown(
        f"Frame t decoded **{len(lesson.decoded)}** poses. "
        + (
            f"{len(left_out)} of them score under min_pose_score = {tracker.min_pose_score:g} "
            f"({', '.join(f'{p.score:.2f}' for p in left_out)}): they are the decoder's low-score duplicates of "
            "the same person, and are not tracked. "
            if left_out
            else ""
        )
        + f"Similarity = {tracker.oks_weight:g} × OKS + {1 - tracker.oks_weight:g} × box IoU; a pair under "
        f"{tracker.min_similarity:g} is never assigned."
    )
    st.dataframe(
        similarity_table(lesson),
        hide_index=True,
        column_config={c: SIMILARITY_FORMAT for c in ("OKS", "box IoU", "combined")},
    )
    ids = {p.track_id for p in lesson.after}
    st.markdown(
        "**Assignment:** "
        + (
            ", ".join(
                f"pose {trace.columns[c] + 1} → ID {trace.track_ids[r]}"
                for r, c in trace.pairs
                if trace.track_ids[r] in ids
            )
            or "no pose kept an ID"
        )
        + "."
    )
    st.markdown(
        f"- **Why OKS and IoU:** OKS compares keypoint by keypoint, with each part's COCO tolerance (an eye must "
        f"be closer than a hip), while box IoU still works when few keypoints are confident in both poses.\n"
        f"- **Why a motion prediction:** each person is compared where they should be now, moving on at the "
        f"velocity they last had, so fast movers and people walking past each other keep their IDs.\n"
        f"- **min_hits and max_age:** a new person gets an ID only after {tracker.min_hits} frames in a row "
        f"(a ghost that flickers for a frame never shows), and a person unseen for more than "
        f"{tracker.max_age:g} s and more than {tracker.max_age_frames} frames is forgotten (so a slow server "
        f"does not forget everyone between two frames; an ID is never reused within a stream)."
    )
