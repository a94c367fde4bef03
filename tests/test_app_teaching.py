"""The "How PoseNet decodes" page under streamlit.testing: each step, driven on a bundled photo,
shows exactly what posenet_core computes for that photo; bad pictures get a message, not a crash."""

import io

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import posenet_core
from posenet_core import PART_NAMES, PART_WORDS, MultiPoseTrace, argmax_cells, offset_vectors
from studio.session_keys import TeachKeys
from studio.teaching import picture
from studio.teaching.page import step_slug
from studio.teaching.text import yx  # how the page writes a (y, x) pair; the values compared are posenet_core's
from tests.conftest import REPO_ROOT, SAMPLES, as_read, code_spans, markdown_syntax

PAGE = REPO_ROOT / "pages" / "how_decoding_works.py"
STEPS = (
    "1 · Input",
    "2 · Heatmaps",
    "3 · Single pose",
    "4 · Multi-pose",
    "5 · Compare strides",
    "6 · Across frames",
    "7 · Newer models",
)


# Driving the page --------------------------------------------------------------------------


def open_page(source: str = "yoga") -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=120).run()
    app.radio(key=TeachKeys.SOURCE).set_value(source).run()
    assert not app.exception, app.exception
    return app


def go_to(app: AppTest, step: str) -> AppTest:
    """Open a step's tab, as a click does: the tabs are bound to the URL's ``step`` (absent for the first)."""
    app.session_state[TeachKeys.STEP] = step
    if step == STEPS[0]:
        app.query_params.pop(TeachKeys.STEP, None)
    else:
        app.query_params[TeachKeys.STEP] = step
    app.run()
    assert not app.exception, app.exception
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def table(app: AppTest, column: str):
    """The dataframe on the page that has ``column``."""
    (frame,) = [d.value for d in app.dataframe if column in d.value.columns]
    return frame


def codes(app: AppTest) -> str:
    return "\n".join(c.value for c in app.code)


def encoded(image: np.ndarray, kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture
def yoga(pose_image):
    return pose_image


@pytest.fixture
def three_people(three_people_image):
    return three_people_image


# Step 1 ------------------------------------------------------------------------------------


def test_step_1_fills_the_articles_formula_with_the_sizes_posenet_core_used(net, yoga):
    app = open_page("yoga")
    outputs = net.predict(yoga, 0.5, 16)
    (h, w), (ih, iw), (rh, rw) = outputs.image_size, outputs.input_size, outputs.output_resolution
    shown = metrics(app)
    assert shown["Original image"] == f"{w} × {h}"
    assert shown["Network input"] == f"{iw} × {ih}"
    assert shown["Output resolution (cells)"] == f"{rw} × {rh}"
    formula = codes(app)
    assert f"(({ih} - 1) / 16) + 1 = {rh}" in formula and f"(({iw} - 1) / 16) + 1 = {rw}" in formula
    assert len(app.image) == 1  # the grid over the picture


def test_step_1_settings_apply_to_every_later_step(net, yoga):
    app = open_page("yoga")
    app.slider(key=TeachKeys.SCALE_FACTOR).set_value(0.75)
    app.segmented_control(key=TeachKeys.OUTPUT_STRIDE).set_value(8).run()
    outputs = net.predict(yoga, 0.75, 8)
    assert (
        metrics(app)["Output resolution (cells)"] == f"{outputs.output_resolution[1]} × {outputs.output_resolution[0]}"
    )
    go_to(app, STEPS[2])
    assert "**0.75**" in app.caption[1].value and "**8**" in app.caption[1].value
    cell = argmax_cells(outputs.heatmap_scores)[PART_NAMES.index("leftWrist")]
    assert metrics(app)["Argmax cell (y, x)"] == yx(cell)
    go_to(app, STEPS[0])  # back: the widgets kept their values
    assert app.slider(key=TeachKeys.SCALE_FACTOR).value == 0.75
    assert app.segmented_control(key=TeachKeys.OUTPUT_STRIDE).value == 8


# Step 2 ------------------------------------------------------------------------------------


def test_step_2_shows_17_heatmaps_and_the_chosen_parts_peak(net, yoga):
    app = go_to(open_page("yoga"), STEPS[1])
    app.pills(key=TeachKeys.HEATMAP_PART).set_value("nose").run()
    scores = net.predict(yoga, 0.5, 16).heatmap_scores
    y, x = argmax_cells(scores)[0]
    shown = metrics(app)
    assert shown["At cell (y, x)"] == yx((y, x))
    assert shown["Highest nose score"] == f"{scores[y, x, 0]:.4f}"
    captions = [caption for image in app.image for caption in image.captions]
    assert captions == [f"{name} {scores[:, :, k].max():.2f}" for k, name in enumerate(PART_WORDS)]  # "left wrist"
    (chart,) = app.get("vega_lite_chart")
    assert '"tooltip"' in chart.proto.spec and "cell y" in chart.proto.spec, "hovering a cell shows its score"


# Step 3 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["nose", "leftWrist", "rightAnkle"])
def test_step_3_shows_argmax_cell_offset_and_position_of_each_part(net, yoga, part):
    app = go_to(open_page("yoga"), STEPS[2])
    app.pills(key=TeachKeys.SINGLE_PART).set_value(part).run()
    outputs = net.predict(yoga, 0.5, 16)
    k = PART_NAMES.index(part)
    cell = argmax_cells(outputs.heatmap_scores)[k]
    offset = offset_vectors(outputs.offsets, argmax_cells(outputs.heatmap_scores))[k]
    keypoint = posenet_core.decode_single_pose(outputs.heatmap_scores, outputs.offsets, output_stride=16).keypoints[k]
    shown = metrics(app)
    assert shown["Argmax cell (y, x)"] == yx(cell)
    assert shown["Offset (dy, dx)"] == yx(offset, 2)
    assert shown["Keypoint (y, x)"] == yx((keypoint.position.y, keypoint.position.x), 1)
    assert shown["Heatmap score"] == f"{keypoint.score:.4f}"
    formula = codes(app)
    assert f"= {yx(cell)} * 16 + {yx(offset, 2)}" in formula
    assert f"= {yx((keypoint.position.y, keypoint.position.x), 2)}   network-input pixels" in formula


def test_step_3_whole_pose_table_and_score_are_posenet_cores(net, yoga):
    app = go_to(open_page("yoga"), STEPS[2])
    outputs = net.predict(yoga, 0.5, 16)
    pose = net.single_pose_from(outputs)  # picture pixels
    assert pose == net.estimate_single_pose(yoga)
    keypoints = table(app, "picture x")
    assert list(keypoints["part"]) == list(PART_WORDS)  # "left eye", as people write it
    assert np.allclose(keypoints["picture x"], [k.position.x for k in pose.keypoints], atol=1e-3)
    assert np.allclose(keypoints["picture y"], [k.position.y for k in pose.keypoints], atol=1e-3)
    assert np.allclose(keypoints["score"], pose.keypoint_scores(), atol=1e-5)
    cells = argmax_cells(outputs.heatmap_scores)
    assert (keypoints[["cell y", "cell x"]].to_numpy() == cells).all()
    assert metrics(app)["Pose score"] == f"{pose.score:.4f}"
    assert f"= {pose.score:.4f}" in codes(app)


# Step 4 ------------------------------------------------------------------------------------


def decoded(net, image, **settings):
    outputs = net.predict(image, 0.5, 16)
    trace = MultiPoseTrace()
    poses = posenet_core.decode_multiple_poses(
        outputs.heatmap_scores,
        outputs.offsets,
        outputs.displacement_fwd,
        outputs.displacement_bwd,
        output_stride=16,
        trace=trace,
        **settings,
    )
    return outputs, poses, trace


def test_step_4_candidates_skips_and_poses_are_posenet_cores(net, three_people):
    app = go_to(open_page("three_people"), STEPS[3])
    outputs, poses, trace = decoded(net, three_people)
    assert [p.score for p in net.estimate_multiple_poses(three_people)] == pytest.approx([p.score for p in poses])
    roots = posenet_core.candidate_roots(outputs.heatmap_scores, 0.5)
    skipped = sum(c.blocked_by is not None for c in trace.candidates)
    shown = metrics(app)
    assert (shown["Candidate roots"], shown["Considered"]) == (str(len(roots[0])), str(len(trace.candidates)))
    assert (shown["Skipped by NMS"], shown["Poses found"]) == (str(skipped), str(len(poses)))

    candidates = table(app, "outcome")
    assert list(candidates["part"]) == [PART_WORDS[p] for p in roots[3]]
    assert (candidates[["cell y", "cell x"]].to_numpy() == np.stack([roots[1], roots[2]], axis=1)).all()
    assert candidates["score"].to_numpy() == pytest.approx(roots[0], abs=1e-6)
    for row, candidate in zip(candidates.itertuples(), trace.candidates):
        if candidate.blocked_by is None:
            assert row.outcome == f"root of pose {candidate.pose_index + 1}"
        else:
            assert row.outcome == f"skipped (near pose {candidate.blocked_by + 1})"
    assert set(candidates["outcome"][len(trace.candidates) :]) <= {"not reached"}

    final = table(app, "pose score")
    assert final["pose score"].to_numpy() == pytest.approx([p.score for p in poses], abs=1e-6)
    assert list(final["root part"]) == [PART_WORDS[c.part] for c in trace.candidates if c.pose_index is not None]


def test_step_4_stepper_walks_the_trace_one_edge_at_a_time(net, three_people):
    app = go_to(open_page("three_people"), STEPS[3])
    _, poses, trace = decoded(net, three_people)
    first = trace.candidates[0]
    assert f"candidate  {PART_NAMES[first.part]} at cell {yx(first.cell)}" in codes(app)
    assert "root of pose 1" in codes(app)

    app.button(key=TeachKeys.walk_button("Next")).click().run()
    step = trace.walks[0][0]
    text = codes(app)
    source = poses[0].keypoints[step.source_part].position
    source_yx = (source.y, source.x)
    assert f"{PART_NAMES[step.source_part]} at {yx(source_yx, 2)}  ->  nearest cell {yx(step.source_cell)}" in text
    assert f"(dy, dx) = {yx(step.displacement_yx, 2)}" in text
    assert f"source + vector = {yx(step.displaced_yx, 2)}" in text
    for number, (cell, position) in enumerate(step.snaps, start=1):
        assert f"snap {number}     nearest cell {yx(cell)}" in text and yx(position, 2) in text
    assert f"= {step.score:.4f}" in text
    assert app.slider(key=TeachKeys.WALK_STEP).value == 2

    # Jump to the first candidate NMS skipped: the page says which pose's part was too close.
    number = 1  # events: each candidate, then each step of the pose it started
    skipped = next(c for c in trace.candidates if c.blocked_by is not None)
    for c in trace.candidates[: trace.candidates.index(skipped)]:
        number += 1 + len(trace.walks[c.pose_index])
    app.slider(key=TeachKeys.WALK_STEP).set_value(number).run()
    text = codes(app)
    assert f"pose {skipped.blocked_by + 1}'s {PART_NAMES[skipped.part]} is at" in text and "->  skipped" in text

    app.button(key=TeachKeys.walk_button("Last")).click().run()
    assert app.button(key=TeachKeys.walk_button("Next")).disabled
    if trace.candidates[-1].pose_index is None:  # the decoding ended on a skipped candidate
        assert "->  skipped" in codes(app)
    else:  # on the last edge of the last pose
        last = trace.walks[-1][-1]
        (y, x), part = last.final_cell, PART_NAMES[last.target_part]
        assert f"heatmap[{y}, {x}, {part}] = {last.score:.4f}" in codes(app)


def test_step_4_widgets_change_the_decoding(net, three_people):
    app = go_to(open_page("three_people"), STEPS[3])
    app.slider(key=TeachKeys.MAX_DETECTIONS).set_value(2)
    app.slider(key=TeachKeys.NMS_RADIUS).set_value(30)
    app.slider(key=TeachKeys.SCORE_THRESHOLD).set_value(0.8).run()
    _, poses, trace = decoded(net, three_people, max_detections=2, score_threshold=0.8, nms_radius=30)
    shown = metrics(app)
    assert (shown["Poses found"], shown["Considered"]) == (str(len(poses)), str(len(trace.candidates)))
    assert app.slider(key=TeachKeys.WALK_STEP).value == 1  # a new decoding starts the stepper again

    app.slider(key=TeachKeys.SCORE_THRESHOLD).set_value(1.0).run()  # nothing reaches it
    assert not app.exception
    assert metrics(app)["Poses found"] == "0" and "no candidate root" in app.info[0].value


# Step 5 ------------------------------------------------------------------------------------


def test_step_5_compares_the_three_strides(net, three_people):
    app = go_to(open_page("three_people"), STEPS[4])
    strides = table(app, "output stride")
    assert list(strides["output stride"]) == [8, 16, 32]
    for row in strides.to_dict("records"):
        outputs = net.predict(three_people, 0.5, row["output stride"])
        poses = net.multiple_poses_from(outputs)
        assert row["poses"] == len(poses)
        assert row["output grid"] == f"{outputs.output_resolution[1]} × {outputs.output_resolution[0]}"
        assert row["best pose score"] == pytest.approx(max(p.score for p in poses), abs=1e-6)
    assert len(app.image) == 3

    app.segmented_control(key=TeachKeys.COMPARE_MODE).set_value("single").run()
    strides = table(app, "output stride")
    assert list(strides["poses"]) == [1, 1, 1]
    single = net.estimate_single_pose(three_people, output_stride=8)
    assert strides["best pose score"][0] == pytest.approx(single.score, abs=1e-6)


# Step 6 ------------------------------------------------------------------------------------


def squats_trace(net):
    """Frames 0..3 of the squats video through a PoseTracker: frame 3's MatchTrace and decoded poses."""
    import av

    tracker, trace = posenet_core.PoseTracker(smoothing=False), posenet_core.MatchTrace()
    with av.open(str(SAMPLES / "pose_squats.mp4")) as container:
        for index, frame in enumerate(container.decode(video=0)):
            poses = net.estimate_multiple_poses(frame.to_ndarray(format="rgb24"))
            after = tracker.update(poses, float(frame.time), trace=trace if index == 3 else None)
            if index == 3:
                return trace, poses, after


def test_step_6_shows_the_trackers_similarities_and_assignment(net):
    app = go_to(open_page("yoga"), STEPS[5])
    trace, decoded, after = squats_trace(net)
    similarities = table(app, "combined")
    assert len(similarities) == len(trace.track_ids) * len(trace.columns) >= 1
    for row, (r, c) in zip(
        similarities.to_dict("records"),
        [(r, c) for r in range(len(trace.track_ids)) for c in range(len(trace.columns))],
    ):
        assert row["OKS"] == pytest.approx(trace.oks[r, c], abs=1e-9)
        assert row["box IoU"] == pytest.approx(trace.iou[r, c], abs=1e-9)
        assert row["combined"] == pytest.approx(trace.similarity[r, c], abs=1e-9)
        assert row["assigned"] == ("yes" if (r, c) in trace.pairs else "no")
        assert row["pose at t"] == f"pose {trace.columns[c] + 1} (score {decoded[trace.columns[c]].score:.2f})"
    # The squats: one person kept their ID; the decoder's low-score duplicates are left out, and the page says so.
    assert [p.track_id for p in after] == [1] and trace.pairs == [(0, 0)] and trace.left_out
    text = " ".join(m.value for m in app.markdown)
    assert "pose 1 → ID 1" in text
    assert f"{len(decoded)}** poses" in text and ", ".join(f"{decoded[i].score:.2f}" for i in trace.left_out) in text
    assert len(app.image) == 2


# Other frames and bad input ------------------------------------------------------------------


def test_a_webcam_snapshot_is_studied_like_a_sample(net, yoga):
    app = open_page("camera")
    assert "snapshot" in app.info[0].value and not app.metric
    app.camera_input(key=TeachKeys.CAMERA).set_value(
        ("shot.jpg", (SAMPLES / "pose.jpg").read_bytes(), "image/jpeg")
    ).run()
    assert not app.exception and not app.error
    go_to(app, STEPS[2])
    cell = argmax_cells(net.predict(yoga, 0.5, 16).heatmap_scores)[PART_NAMES.index("leftWrist")]
    assert metrics(app)["Argmax cell (y, x)"] == yx(cell)


def upload(app: AppTest, name: str, data: bytes, mime: str) -> AppTest:
    app.file_uploader(key=TeachKeys.UPLOAD).set_value((name, data, mime)).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("notes.png", b"these are not pixels", "not an image this page can read"),
        ("photo.jpg", (SAMPLES / "pose.jpg").read_bytes()[:3000], "damaged or cut short"),
        ("anim.png", encoded(np.zeros((40, 40, 3), np.uint8), "GIF"), "GIF image"),
        ("empty.webp", b"", "empty"),
    ],
)
def test_a_bad_upload_gets_a_message_and_no_steps(name, data, message):
    app = upload(open_page("upload"), name, data, "image/png")
    assert any(message in e.value for e in app.error), [e.value for e in app.error]
    assert not app.metric and not app.tabs


def test_a_picture_too_small_for_the_network_is_explained(yoga):
    tiny = encoded(np.ascontiguousarray(yoga[::40, ::40]), "PNG")  # 25 x 17 pixels
    app = upload(open_page("upload"), "tiny.png", tiny, "image/png")
    assert any("image too small" in e.value for e in app.error), [e.value for e in app.error]
    go_to(app, STEPS[3])
    assert any("image too small" in e.value for e in app.error)


def test_a_huge_picture_is_downscaled_and_says_so(net):
    big = np.zeros((1200, 3000, 3), np.uint8)
    big[300:900, 1000:1400] = 200
    app = upload(open_page("upload"), "wide.webp", encoded(big, "WEBP"), "image/webp")
    assert any("Downscaled from 3000 x 1200 to 2000 x 800" in i.value for i in app.info)
    assert metrics(app)["Original image"] == "2000 × 800"


def test_pictures_refuse_too_many_pixels_before_decoding(monkeypatch):
    monkeypatch.setattr(picture, "MAX_PIXELS", 1000)
    with pytest.raises(picture.FrameError, match="megapixels"):
        picture.decode_upload(encoded(np.zeros((40, 40, 3), np.uint8), "PNG"), "x.png")


def test_the_app_lists_the_page(webrtc_without_server):
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120).run()
    assert "how_decoding_works" in [link.proto.page for link in app.get("page_link")]
    app.switch_page("pages/how_decoding_works.py").run()
    assert not app.exception
    assert app.title[0].value == "How PoseNet decodes"


# Links and file names from outside (issue 10, items 1 and 6) --------------------------------------


def open_link(step: str) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=120)
    app.query_params[TeachKeys.STEP] = step
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("number", [2, 4, 6])
@pytest.mark.parametrize("how", ["number", "slug", "old tab name"])
def test_a_link_opens_a_step_by_its_slug_or_number(number, how):
    app = open_link(
        {"number": str(number), "slug": step_slug(STEPS[number - 1]), "old tab name": STEPS[number - 1]}[how]
    )
    assert app.query_params[TeachKeys.STEP] == ["heatmaps", "multi-pose", "across-frames"][number // 2 - 1]
    assert app.session_state[TeachKeys.STEP] == STEPS[number - 1] and not app.warning
    if number == 4:  # the multi-pose step's own widgets are there, step 1's are not
        assert app.slider(key=TeachKeys.MAX_DETECTIONS).value == 5
        assert not [s for s in app.slider if s.key == TeachKeys.SCALE_FACTOR]
    if number == 6:  # the tracking step's table is there
        assert len(table(app, "combined")) >= 1


def test_a_link_to_no_such_step_says_so_in_plain_text():
    app = open_link("9 [click](http://evil.example)")
    (warning,) = app.warning
    assert markdown_syntax(warning.value) == {"code_inline"}
    assert as_read(warning.value) == (
        "The link's step=9 [click](http://evil.example) is not a step of this page (allowed: 1 to 7, or input, "
        "heatmaps, single-pose, multi-pose, compare-strides, across-frames, newer-models); showing step 1."
    )
    assert [s.key for s in app.slider] == [TeachKeys.SCALE_FACTOR]  # step 1


@pytest.mark.parametrize("step", ["²", "①", "٣", "5" * 5000, "-1", "0", " 4 ", "4.0", ""])
def test_a_link_with_any_step_text_opens_a_page_not_a_traceback(step):
    app = open_link(step)  # asserts no exception
    if step.strip() == "4":
        assert app.session_state[TeachKeys.STEP] == STEPS[3] and not app.warning
    else:
        (warning,) = app.warning
        assert "is not a step of this page" in warning.value
        assert [s.key for s in app.slider] == [TeachKeys.SCALE_FACTOR]  # step 1


HOSTILE_NAME = "x` **Camera blocked: [click here to fix](http://evil.example/fix)** ![img](http://evil.example/a.png)"


@pytest.mark.parametrize("good", [True, False])
def test_an_uploaded_files_name_is_shown_as_short_plain_text(good):
    data = (SAMPLES / "pose.jpg").read_bytes() if good else b"not pixels"
    app = upload(open_page("upload"), f"{HOSTILE_NAME}.jpg", data, "image/jpeg")
    shown = [c.value for c in app.caption if "Camera" in c.value] if good else [e.value for e in app.error]
    (body,) = shown
    assert markdown_syntax(body) == {"code_inline"}, body
    assert code_spans(body) == ["x` **Camera blocked: [click here to fix…"]  # as typed, cut short


def test_the_glossary_explains_the_terms_the_steps_use():
    app = open_page()
    (expander,) = [e for e in app.expander if e.label.startswith("Glossary")]
    text = " ".join(m.value for m in expander.markdown)
    for term in ("OKS", "IoU", "Hungarian algorithm", "displacement_fwd", "1-euro filter", "NMS", "Offset vector"):
        assert term in text, term
