"""The teaching page's "Newer models" tab (streamlit.testing): PoseNet beside MoveNet and BlazePose
on the same picture, MoveNet's centre-out decoding and BlazePose's detector, crop and landmarks,
every number the models' own."""

import math

import numpy as np
import pytest

import posenet_core
from posenet_core import PART_NAMES
from posenet_core.successors.movenet import decode_centre_out
from studio.teaching.newer import NEWER_PART
from studio.teaching.text import yx
from tests.test_app_teaching import STEPS, go_to, open_page, table


@pytest.fixture(scope="module")
def app():
    return go_to(open_page("three_people"), STEPS[6])


def test_the_single_pose_models_are_shown_side_by_side_with_their_times(app, three_people_image):
    captions = [c.value for c in app.caption]
    for label in ("PoseNet MobileNetV1 0.75", "MoveNet Lightning", "MoveNet Thunder", "BlazePose Full"):
        assert any(label in str(image.proto) for image in app.image), label
    shown = [c for c in captions if "network" in c and "decode" in c and "pose score" in c]
    assert len(shown) == 4
    assert "input 192 × 192 → 48 × 48 cells" in shown[1] and "input 256 × 256 → 64 × 64 cells" in shown[2]
    blazepose = posenet_core.load_estimator("blazepose-full").estimate_poses(three_people_image)[0]
    assert f"pose score {blazepose.score:.2f}" in shown[3]
    thunder = posenet_core.load_estimator("movenet-thunder").estimate_poses(three_people_image)[0]
    assert f"pose score {thunder.score:.2f}" in shown[2]
    people = next(c for c in captions if "Several people" in c)
    assert "MoveNet MultiPose **3**" in people


def test_the_centre_out_walk_is_movenets_own(app, three_people_image):
    outputs = posenet_core.load_estimator("movenet-lightning").predict(three_people_image)
    walk = decode_centre_out(outputs.heatmap_scores, outputs.centre_scores, outputs.regression, outputs.offsets)
    text = " ".join(m.value for m in app.markdown)
    assert f"cell {yx(walk.centre_cell)} scores **{outputs.centre_scores[walk.centre_cell]:.3f}**" in text
    rows = table(app, "regressed to (y, x)")
    assert list(rows["part"]) == list(PART_NAMES)
    assert np.array(rows["score"].tolist()) == pytest.approx(outputs.keypoints[:, 2], abs=1e-6)
    # The positions in the table are the graph's own keypoints, in frame pixels (the graph scales by
    # float16(1 / 48), 2e-4 off: up to a quarter of a pixel on this 1049 px wide picture).
    expected = outputs.letterbox.to_image_yx(outputs.keypoints[:, :2] * outputs.letterbox.side)
    assert np.array(rows["x px"].tolist()) == pytest.approx(expected[:, 1], abs=0.5)
    assert np.array(rows["y px"].tolist()) == pytest.approx(expected[:, 0], abs=0.5)


def test_picking_a_part_shows_its_heatmap_and_its_walk(app, three_people_image):
    app.pills(key=NEWER_PART).set_value("nose").run()
    assert not app.exception
    outputs = posenet_core.load_estimator("movenet-lightning").predict(three_people_image)
    walk = decode_centre_out(outputs.heatmap_scores, outputs.centre_scores, outputs.regression, outputs.offsets)
    assert any(c.value.startswith(f"nose: regressed to {yx(walk.regressed_yx[0], 2)}") for c in app.caption)


def test_blazeposes_detector_crop_and_landmarks_are_its_own(app, three_people_image):
    outputs = posenet_core.load_estimator("blazepose-full").predict(three_people_image)
    text = " ".join(m.value for m in app.markdown)
    assert "scored 2254 fixed points" in text
    assert f"The best scores **{outputs.detection.score:.3f}**; the {outputs.detection.merged} boxes" in text
    assert f"**{outputs.crop.size:.0f} px** a side" in text
    assert f"turned **{math.degrees(outputs.crop.rotation):.1f}°**" in text
    assert f"pose flag, here **{outputs.pose_score:.3f}**" in text
    assert any("crop the landmark model saw" in str(image.proto) for image in app.image)
    assert not any("not in this app yet" in c.value for c in app.caption)
