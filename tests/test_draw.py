"""Drawing: every function returns a new image of the same shape and draws where it should.

The generic checks run on a real photo and its real network outputs; the "where" checks use
black canvases and hand-made poses / outputs, so the expected pixels are known exactly.
"""

import numpy as np
import pytest

import posenet_core
from posenet_core import PART_NAMES, style

# --- every function on a real photo ------------------------------------------------------


@pytest.fixture(scope="module")
def photo(net, pose_image):
    outputs = net.predict(pose_image)
    return pose_image, outputs, net.multiple_poses_from(outputs)


# name -> (function, what it takes after the image: "poses", "outputs", or both, plus keywords)
DRAWERS = {
    "draw_poses": ("draw_poses", ["poses"], {"boxes": True, "scores": True}),
    "draw_keypoints": ("draw_keypoints", ["poses"], {}),
    "draw_skeleton": ("draw_skeleton", ["poses"], {}),
    "draw_bounding_boxes": ("draw_bounding_boxes", ["poses"], {}),
    "draw_pose_scores": ("draw_pose_scores", ["poses"], {}),
    "draw_heatmap (all parts)": ("draw_heatmap", ["outputs"], {}),
    "draw_heatmap (leftWrist)": ("draw_heatmap", ["outputs"], {"part": "leftWrist"}),
    "draw_offset_vectors": ("draw_offset_vectors", ["outputs"], {}),
    "draw_displacement_vectors": ("draw_displacement_vectors", ["outputs", "poses"], {}),
    "draw_stride_grid": ("draw_stride_grid", ["outputs"], {}),
}


@pytest.mark.parametrize("draw", DRAWERS.values(), ids=DRAWERS.keys())
def test_returns_a_new_uint8_image_of_the_input_shape_and_leaves_the_input_alone(photo, draw):
    image, outputs, poses = photo
    function, takes, keywords = draw
    arguments = {"outputs": outputs, "poses": poses}
    canvas = image.copy()
    out = getattr(posenet_core, function)(canvas, *(arguments[name] for name in takes), **keywords)
    assert isinstance(out, np.ndarray) and out.dtype == np.uint8 and out.shape == image.shape
    assert not np.shares_memory(out, canvas)
    np.testing.assert_array_equal(canvas, image)
    assert (out != image).any(), "nothing was drawn"


# --- poses on a black canvas -------------------------------------------------------------

HEIGHT, WIDTH = 200, 300


def black(height=HEIGHT, width=WIDTH):
    return np.zeros((height, width, 3), np.uint8)


def make_pose(points: dict, score: float = 0.7) -> posenet_core.Pose:
    """``points``: part -> (x, y, score); every other part at (150, 190) with score 0."""

    def keypoint(part):
        x, y, s = points.get(part, (150.0, 190.0, 0.0))
        return posenet_core.Keypoint(part, posenet_core.Position(x, y), s)

    return posenet_core.Pose(score, tuple(keypoint(part) for part in PART_NAMES))


# Left side confident; the right shoulder confident but the right hip not; leftEye too weak.
SCENE = make_pose(
    {
        "nose": (150.0, 20.0, 0.9),
        "leftEye": (200.0, 100.0, 0.05),
        "leftShoulder": (40.0, 40.0, 0.9),
        "leftHip": (40.0, 160.0, 0.9),
        "rightShoulder": (260.0, 40.0, 0.9),
        "rightHip": (260.0, 160.0, 0.05),
    }
)


def changed(out, x, y, reach=0):
    """Whether any pixel within ``reach`` of (x, y) differs from black."""
    return bool(out[max(y - reach, 0) : y + reach + 1, max(x - reach, 0) : x + reach + 1].any())


def test_draw_keypoints_marks_confident_keypoints_only():
    out = posenet_core.draw_keypoints(black(), SCENE, min_part_confidence=0.1)
    assert changed(out, 150, 20) and changed(out, 40, 160)
    assert not changed(out, 200, 100, reach=3)  # leftEye, score 0.05
    assert not changed(out, 150, 100, reach=10)
    assert changed(posenet_core.draw_keypoints(black(), SCENE, min_part_confidence=0.01), 200, 100)


def test_draw_skeleton_joins_confident_pairs_only():
    out = posenet_core.draw_skeleton(black(), SCENE)
    assert changed(out, 40, 100)  # leftShoulder - leftHip
    assert changed(out, 150, 40)  # leftShoulder - rightShoulder
    assert not changed(out, 260, 100, reach=3)  # rightShoulder - rightHip: the hip is too weak
    assert not changed(out, 150, 20, reach=3)  # the face is not part of the skeleton


def test_draw_bounding_boxes_outlines_the_confident_keypoints():
    out = posenet_core.draw_bounding_boxes(black(), SCENE)  # box (40, 20) - (260, 160)
    assert changed(out, 150, 160) and changed(out, 40, 90) and changed(out, 260, 90) and changed(out, 100, 20)
    assert not changed(out, 150, 90, reach=20)  # inside
    assert not changed(out, 285, 185, reach=5)  # outside


def test_draw_pose_scores_writes_the_score_at_the_top_left_of_the_pose():
    out = posenet_core.draw_pose_scores(black(), SCENE)
    tag = out[:24, 30:130]
    assert tag.any()
    assert not out[60:, :].any() and not out[:, 200:].any()
    other_score = posenet_core.draw_pose_scores(black(), posenet_core.Pose(0.1, SCENE.keypoints))
    assert (other_score[:24, 30:130] != tag).any()  # the text shows the score


def test_a_tag_shows_an_id_only_for_a_tracked_pose():
    untracked = posenet_core.Pose(0.934, SCENE.keypoints)
    assert posenet_core.pose_tag(untracked) == "0.93"  # no "#1": a rank would look like an ID
    assert posenet_core.pose_tag(posenet_core.Pose(0.934, SCENE.keypoints, 7)) == "#7 0.93"
    # Drawn: the tracked tag is wider by its "#7 ".
    widths = []
    for pose in (untracked, posenet_core.Pose(0.934, SCENE.keypoints, 7)):
        columns = np.flatnonzero(posenet_core.draw_pose_scores(black(), pose)[:24].any(axis=(0, 2)))
        widths.append(columns[-1] - columns[0])
    assert widths[1] > widths[0] + 10, widths


def test_draw_poses_is_skeleton_and_keypoints_with_optional_boxes_and_scores():
    plain = posenet_core.draw_poses(black(), SCENE)
    assert changed(plain, 40, 100) and changed(plain, 150, 20)
    assert not changed(plain, 150, 160, reach=1)  # no box: the bottom edge is not a bone
    assert not plain[:24, 60:130].any()  # no score tag
    full = posenet_core.draw_poses(black(), SCENE, boxes=True, scores=True)
    assert changed(full, 150, 160) and full[:24, 60:130].any()


# --- network outputs on a black canvas ---------------------------------------------------

SCALE = 3  # a 33 x 49 network input from a 99 x 147 image: cell (i, j) is at pixel (48 i, 48 j)
CELL = 16 * SCALE


def hand_outputs(scores=None, offsets=None, displacement_fwd=None):
    zeros = np.zeros
    return posenet_core.NetworkOutputs(
        heatmap_scores=zeros((3, 4, 17), np.float32) if scores is None else scores,
        offsets=zeros((3, 4, 34), np.float32) if offsets is None else offsets,
        displacement_fwd=zeros((3, 4, 32), np.float32) if displacement_fwd is None else displacement_fwd,
        displacement_bwd=zeros((3, 4, 32), np.float32),
        output_stride=16,
        scale_factor=1 / SCALE,
        input_size=(33, 49),
        image_size=(33 * SCALE, 49 * SCALE),
    )


def two_peaks():
    """leftWrist peaks at cell (1, 2) = pixel (x=96, y=48); nose at cell (2, 0) = (x=0, y=96)."""
    scores = np.zeros((3, 4, 17), np.float32)
    scores[1, 2, PART_NAMES.index("leftWrist")] = 1.0
    scores[2, 0, PART_NAMES.index("nose")] = 0.9
    return hand_outputs(scores)


def brightest(image) -> tuple[int, int]:
    y, x = np.unravel_index(np.argmax(image.astype(int).sum(axis=2)), image.shape[:2])
    return int(x), int(y)


@pytest.mark.parametrize("part, peak", [("leftWrist", (96, 48)), ("nose", (0, 96))])
def test_draw_heatmap_of_a_part_is_brightest_at_that_parts_peak(part, peak):
    out = posenet_core.draw_heatmap(black(99, 147), two_peaks(), part)
    assert np.hypot(*np.subtract(brightest(out), peak)) <= CELL / 8  # not shifted by half a cell


def test_draw_heatmap_of_all_parts_shows_every_peak():
    out = posenet_core.draw_heatmap(black(99, 147), two_peaks()).astype(int).sum(axis=2)
    background = out[0, 146]
    assert out[48, 96] > background + 100 and out[96, 0] > background + 100


def test_draw_heatmap_refuses_an_unknown_part():
    with pytest.raises(ValueError, match="part"):
        posenet_core.draw_heatmap(black(99, 147), two_peaks(), "leftWing")


def test_draw_offset_vectors_draws_from_confident_cells_to_their_keypoints():
    outputs = two_peaks()
    wrist = PART_NAMES.index("leftWrist")
    outputs.offsets[1, 2, wrist], outputs.offsets[1, 2, 17 + wrist] = 10.0, -12.0  # to (x=60, y=78)
    out = posenet_core.draw_offset_vectors(black(99, 147), outputs, min_score=0.95)
    assert changed(out, 96, 48) and changed(out, 78, 63) and changed(out, 60, 78, reach=1)
    assert not changed(out, 0, 96, reach=3)  # the nose's 0.9 is below min_score
    assert not changed(out, 130, 20, reach=10)


def test_draw_displacement_vectors_follows_the_forward_displacement_of_each_edge():
    fwd = np.zeros((3, 4, 32), np.float32)
    fwd[1, 1, 0], fwd[1, 1, 16 + 0] = 0.0, 20.0  # edge 0, nose -> leftEye, at cell (1, 1): 20 px right
    pose = make_pose({"nose": (48.0, 48.0, 0.9), "leftEye": (120.0, 48.0, 0.9)})
    out = posenet_core.draw_displacement_vectors(black(99, 147), hand_outputs(displacement_fwd=fwd), pose)
    assert changed(out, 48, 48) and changed(out, 78, 48) and changed(out, 105, 48, reach=2)  # to x = 48 + 60
    assert not changed(out, 130, 48, reach=3) and not changed(out, 48, 90, reach=5)


def test_draw_stride_grid_marks_cell_centres_and_borders():
    out = posenet_core.draw_stride_grid(black(99, 147), hand_outputs())
    for y, x in [(0, 0), (48, 48), (96, 144), (48, 96)]:
        assert changed(out, x, y), (x, y)  # a dot on each cell centre
    assert changed(out, 10, 24) and changed(out, 24, 10)  # borders half a cell from the centres
    assert not changed(out, 10, 10, reach=3) and not changed(out, 60, 36, reach=3)


# --- one style, and the legends ----------------------------------------------------------


def test_pose_colour_cycles_through_the_palette_and_is_exported():
    palette = style.POSE_COLOURS
    assert [posenet_core.pose_colour(i) for i in range(len(palette))] == list(palette)
    assert posenet_core.pose_colour(len(palette) + 1) == palette[1]


def test_teaching_canvas_takes_its_line_width_from_the_style():
    from studio.teaching.canvas import Canvas

    for height, width in [(480, 640), (1080, 1920), (99, 147)]:
        image = np.zeros((height, width, 3), np.uint8)
        assert Canvas(image, hand_outputs()).thickness == style.line_thickness(image)
    assert style.line_thickness(np.zeros((1080, 1920, 3))) == 6  # diagonal 2203 / 400, rounded


def test_displacement_arrows_have_their_own_colour_not_the_skeletons():
    assert all(np.abs(np.subtract(style.DISPLACEMENT, c)).max() >= 100 for c in style.POSE_COLOURS)
    fwd = np.zeros((3, 4, 32), np.float32)
    fwd[1, 1, 0], fwd[1, 1, 16 + 0] = 0.0, 20.0  # nose -> leftEye: 60 picture pixels to the right
    pose = make_pose({"nose": (48.0, 48.0, 0.9), "leftEye": (120.0, 48.0, 0.9)})
    out = posenet_core.draw_displacement_vectors(black(99, 147), hand_outputs(displacement_fwd=fwd), pose)
    shaft = out[46:51, 60:90].astype(int)  # along the arrow, before its head
    core = shaft[shaft.sum(axis=2).argmax(axis=0), np.arange(30)]  # the line's centre in each column
    assert (np.abs(core - style.DISPLACEMENT).max(axis=1) <= 30).all()
    skeleton = posenet_core.draw_skeleton(black(), SCENE)
    assert tuple(skeleton[100, 40]) == posenet_core.pose_colour(0) != style.DISPLACEMENT


GREY = 128


def drawn_box(before, after) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) around every pixel that changed."""
    ys, xs = np.nonzero((before != after).any(axis=2))
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


LEGENDS = {
    "heatmap": lambda image: posenet_core.draw_heatmap_legend(image),
    "offsets": lambda image: posenet_core.draw_offset_legend(image, min_score=0.5),
    "displacements": lambda image: posenet_core.draw_displacement_legend(image),
}


@pytest.mark.parametrize("size", [(480, 640), (640, 360)], ids=["640x480", "360x640 portrait"])
@pytest.mark.parametrize("legend", LEGENDS.values(), ids=LEGENDS.keys())
def test_legend_is_small_and_in_the_top_left_corner(legend, size):
    image = np.full((*size, 3), GREY, np.uint8)
    out = legend(image)
    assert out.shape == image.shape and (image == GREY).all()  # a new picture; the input is untouched
    x0, y0, x1, y1 = drawn_box(image, out)
    height, width = size
    assert x0 < 10 and y0 < 10  # in the corner, just off the edge
    assert x1 < 0.8 * width and y1 < 0.2 * height  # compact: most of the frame stays visible
    assert (out[y0 : y1 + 1, x0 : x1 + 1] < GREY).mean() > 0.5  # a dark panel the text reads on
    assert (out[y0 : y1 + 1, x0 : x1 + 1] > 200).any()  # and light text on it


@pytest.mark.parametrize("legend", LEGENDS.values(), ids=LEGENDS.keys())
def test_legend_grows_with_the_image(legend):
    small, large = np.full((480, 640, 3), GREY, np.uint8), np.full((1080, 1920, 3), GREY, np.uint8)
    (sx0, sy0, sx1, sy1), (lx0, ly0, lx1, ly1) = drawn_box(small, legend(small)), drawn_box(large, legend(large))
    assert lx1 - lx0 > 2 * (sx1 - sx0) and ly1 - ly0 > 2 * (sy1 - sy0)


def test_heatmap_legend_shows_the_colour_map_from_0_on_the_left_to_1_on_the_right():
    image = np.full((480, 640, 3), GREY, np.uint8)
    out = posenet_core.draw_heatmap_legend(image).astype(int)
    x0, y0, x1, y1 = drawn_box(image, out)
    low, high = style.colour_map(np.array([[0.02]]))[0, 0], style.colour_map(np.array([[1.0]]))[0, 0]
    corner = out[y0 : y1 + 1, x0 : x1 + 1]
    near_low = np.nonzero((np.abs(corner - low).max(axis=2) <= 3))
    near_high = np.nonzero((np.abs(corner - high).max(axis=2) <= 3))
    assert len(near_low[1]) >= 10 and len(near_high[1]) >= 10
    assert near_low[1].mean() + 30 < near_high[1].mean()  # dark at the left end, pale yellow at the right


def test_legends_say_what_they_show():
    image = np.full((480, 640, 3), GREY, np.uint8)
    assert (
        posenet_core.draw_offset_legend(image, min_score=0.5) != posenet_core.draw_offset_legend(image, min_score=0.8)
    ).any()
    assert (posenet_core.draw_heatmap_legend(image) != posenet_core.draw_heatmap_legend(image, "leftWrist")).any()
