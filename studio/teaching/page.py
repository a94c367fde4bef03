"""The page itself: a frame to study, the decoding in five steps, then tracking across frames (one tab each)."""

from __future__ import annotations

import streamlit as st

from studio.model import get_model
from studio.plain_text import shown
from studio.session_keys import TeachKeys
from studio.sources import CAMERA, LIVE_SNAPSHOT, SAMPLE_PHOTOS, THREE_PEOPLE, UPLOAD, YOGA
from studio.teaching import across, newer, steps, walk
from studio.teaching.cache import sample_frame, upload_frame
from studio.teaching.glossary import glossary
from studio.teaching.picture import MAX_SIDE, MAX_UPLOAD_MB, Frame, FrameError, digest_of
from studio.teaching.text import size

# The uploader takes any file up to this (above .streamlit/config.toml's server.maxUploadSize), so that
# a refused file gets its reason on the page: picture.decode_upload refuses anything over MAX_UPLOAD_MB,
# or not JPEG, PNG or WebP. Left to the widget, the refusal is only a tooltip on the file's name.
UPLOAD_CEILING_MB = 100
PICTURE_SOURCES = {
    YOGA: "One person (sample)",
    THREE_PEOPLE: "Three people (sample)",
    CAMERA: "Webcam snapshot",
    UPLOAD: "Upload a picture",
}
LIVE = LIVE_SNAPSHOT  # a snapshot a live page sent here (TeachKeys.FROM_LIVE)
STEPS = {
    "1 · Input": steps.input_step,
    "2 · Heatmaps": steps.heatmaps_step,
    "3 · Single pose": steps.single_pose_step,
    "4 · Multi-pose": walk.multi_pose_step,
    "5 · Compare strides": steps.compare_step,
    "6 · Across frames": across.across_frames_step,
    "7 · Newer models": newer.newer_models_step,
}
if not set(SAMPLE_PHOTOS) <= set(PICTURE_SOURCES):
    raise RuntimeError(f"every sample photo {SAMPLE_PHOTOS} must be a photo among the sources {list(PICTURE_SOURCES)}")


def _from_file(uploaded) -> Frame | None:
    data = uploaded.getvalue()
    try:
        return upload_frame(digest_of(data), uploaded.name, data)
    except FrameError as error:
        st.error(f"{shown(uploaded.name)}: {error}", icon=":material/broken_image:")
        return None


def pick_frame() -> Frame | None:
    """The frame chosen at the top of the page, or None (with a word on what to do)."""
    from_live = st.session_state.get(TeachKeys.FROM_LIVE)
    choices = {**PICTURE_SOURCES, LIVE: "Snapshot from a live page"} if from_live else PICTURE_SOURCES
    source = st.radio(
        "Frame to study",
        list(choices),
        format_func=choices.get,
        horizontal=True,
        key=TeachKeys.SOURCE,
        persist_state="session",
    )
    if source in SAMPLE_PHOTOS:
        frame = sample_frame(source)
    elif source == LIVE:
        data, name = from_live
        frame = upload_frame(digest_of(data), name, data)
    elif source == CAMERA:
        shot = st.camera_input("Take a snapshot", key=TeachKeys.CAMERA, help="The photo stays on this app's server.")
        if shot is None:
            st.info(
                "Allow the camera and take a snapshot; the steps below then decode it.", icon=":material/photo_camera:"
            )
            return None
        frame = _from_file(shot)
    else:
        uploaded = st.file_uploader(
            "A picture with one or more people",
            key=TeachKeys.UPLOAD,
            max_upload_size=UPLOAD_CEILING_MB,
            help=f"JPEG, PNG or WebP, up to {MAX_UPLOAD_MB} MB. Pictures over {MAX_SIDE} px on the long side "
            "are downscaled.",
        )
        if uploaded is None:
            st.info(f"Choose a JPEG, PNG or WebP picture of up to {MAX_UPLOAD_MB} MB.", icon=":material/upload:")
            return None
        frame = _from_file(uploaded)
    if frame is not None:
        st.caption(f"{shown(frame.name)} · {size(frame.size)} pixels")
        if frame.note:
            st.info(frame.note, icon=":material/photo_size_select_large:")
    return frame


def step_slug(label: str) -> str:
    """A tab's name in the link: "2 · Heatmaps" -> "heatmaps" (``?step=heatmaps``)."""
    return label.split(" · ", 1)[-1].lower().replace(" ", "-")


def _step_named(wanted: str) -> str | None:
    """The tab a link's ``step`` names: by slug, by number (``?step=4``) or by the tab's full name."""
    names = list(STEPS)
    by_slug = {step_slug(name): name for name in names}
    number = wanted.strip()
    # ASCII digits only, and few: "²".isdigit() holds but int("²") fails, as does a 5000-digit int().
    if number.isascii() and number.isdigit() and len(number) <= 3 and 1 <= int(number) <= len(names):
        return names[int(number) - 1]
    return by_slug.get(wanted.strip().lower()) or (wanted if wanted in names else None)


def _step_from_link() -> None:
    """Open the step a link asks for; a value the page wrote itself is left alone (the tab clicked rules)."""
    wanted = st.query_params.get(TeachKeys.STEP)
    if wanted is None or wanted == st.session_state.get(TeachKeys.STEP_IN_LINK):
        return
    name = _step_named(wanted)
    if name is not None:
        st.session_state[TeachKeys.STEP] = name
        return
    st.query_params.pop(TeachKeys.STEP)
    st.warning(
        f"The link's {shown('step=' + wanted)} is not a step of this page (allowed: 1 to {len(STEPS)}, or "
        f"{', '.join(step_slug(name) for name in STEPS)}); showing step 1.",
        icon=":material/link_off:",
    )


def _step_into_link() -> None:
    """The open tab's slug in the address bar (none for the first), so a copied link opens it."""
    name = st.session_state.get(TeachKeys.STEP) or next(iter(STEPS))
    slug = None if name == next(iter(STEPS)) else step_slug(name)
    if slug is None:
        st.query_params.pop(TeachKeys.STEP, None)
    else:
        st.query_params[TeachKeys.STEP] = slug
    st.session_state[TeachKeys.STEP_IN_LINK] = slug


def render_teaching_page() -> None:
    """The 'How decoding works' page: the picture to study, then one tab per decoding step."""
    st.title("How PoseNet decodes")
    st.markdown(
        "PoseNet's network does not output a skeleton. It outputs, on a coarse grid, a **score** per body part "
        "and cell, an **offset vector** per part and cell, and **displacement vectors** from each part to the "
        "next. Decoding turns that grid of numbers into people. Pick a picture and follow it step by step: "
        "every number below is what this app's PoseNet computed for it."
    )
    glossary()
    frame = pick_frame()
    if frame is None:
        return
    _step_from_link()
    get_model()  # a cold server's progress, above the tabs, rather than a blank page
    tabs = st.tabs(list(STEPS), key=TeachKeys.STEP, on_change="rerun")
    _step_into_link()
    for tab, render in zip(tabs, STEPS.values()):
        with tab:
            if tab.open is not False:  # only the open tab runs (None: not tracked, run them all)
                render(frame)
