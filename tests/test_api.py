"""The library's public surface: what studio uses is exported, options are passed by name."""

import ast
import inspect

import numpy as np
import pytest

import posenet_core
from tests.conftest import REPO_ROOT

IMAGE = np.zeros((120, 160, 3), np.uint8)


def names_studio_takes_from_posenet_core() -> set[str]:
    """Every ``from posenet_core import X`` and ``posenet_core.X`` in studio/ and pages/."""
    names = set()
    for path in [*REPO_ROOT.glob("studio/**/*.py"), *REPO_ROOT.glob("pages/*.py"), REPO_ROOT / "streamlit_app.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("posenet_core"):
                submodule = node.module.removeprefix("posenet_core").lstrip(".")
                names.update(submodule.split(".")[:1] if submodule else (a.name for a in node.names))
            elif isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "posenet_core":
                names.add(node.attr)
    return names


def test_everything_studio_uses_is_in_posenet_core_all():
    used = names_studio_takes_from_posenet_core()
    assert {"PoseNet", "Candidate", "WalkStep", "argmax_cells", "pose_colour", "style"} <= used  # the walk works
    assert used - set(posenet_core.__all__) == set()
    assert all(hasattr(posenet_core, name) for name in posenet_core.__all__)


@pytest.mark.parametrize(
    "function",
    [
        posenet_core.PoseNet.estimate_single_pose,
        posenet_core.PoseNet.estimate_multiple_poses,
        posenet_core.PoseNet.single_pose_from,
        posenet_core.PoseNet.multiple_poses_from,
        posenet_core.NetworkOutputs.to_image,
        posenet_core.Pose.scaled,
        posenet_core.decode_single_pose,
        posenet_core.decode_multiple_poses,
        posenet_core.draw_poses,
        posenet_core.draw_keypoints,
        posenet_core.draw_offset_vectors,
        posenet_core.draw_displacement_vectors,
        posenet_core.draw_offset_legend,
        posenet_core.PoseTracker,
        posenet_core.OneEuroFilter,
        posenet_core.OneEuroFilter.__call__,
        posenet_core.OneEuroFilter.step,
        posenet_core.box_iou,
        posenet_core.object_keypoint_similarity,
    ],
    ids=lambda f: f.__qualname__,
)
def test_flags_and_options_are_keyword_only(function):
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.default is not inspect.Parameter.empty and name != "part":
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, name


def test_a_bare_flag_by_position_is_refused(net):
    outputs = net.predict(IMAGE)
    with pytest.raises(TypeError):
        net.multiple_poses_from(outputs, False)
    with pytest.raises(TypeError):
        net.estimate_single_pose(IMAGE, 0.5, True)
    with pytest.raises(TypeError):
        posenet_core.draw_poses(IMAGE, [], 0.1, True)
    assert net.single_pose_from(outputs, flip_horizontal=True) == outputs.to_image(
        posenet_core.decode_single_pose(outputs.heatmap_scores, outputs.offsets), flip_horizontal=True
    )


def public_callables():
    for name in posenet_core.__all__:
        value = getattr(posenet_core, name)
        if inspect.isclass(value):
            yield name, value
            for member_name, member in vars(value).items():
                if not member_name.startswith("_") and callable(getattr(member, "__func__", member)):
                    yield f"{name}.{member_name}", getattr(member, "__func__", member)
        elif inspect.isfunction(value):
            yield name, value


@pytest.mark.parametrize("name, value", list(public_callables()), ids=[n for n, _ in public_callables()])
def test_everything_exported_is_documented_with_its_arguments(name, value):
    doc = inspect.getdoc(value) or ""
    assert doc.strip(), f"{name} has no docstring"
    if inspect.isclass(value):
        return
    parameters = [p for p in inspect.signature(value).parameters if p not in ("self", "cls")]
    if len(parameters) > 1 or (parameters and len(doc.splitlines()) > 1):
        assert "Args:" in doc and all(f"{p}:" in doc for p in parameters), name
        assert "Returns:" in doc, name
