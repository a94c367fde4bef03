"""`pip install .` gives a working library and `posenet` command: build the wheel, install it into a
fresh virtualenv, run it from a directory that is not the repository.

The virtualenv sees the system's site-packages (numpy, OpenCV, LiteRT, ...) so nothing is
downloaded; the wheel itself is installed with --no-deps --no-index.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest

from tests.support.paths import REPO_ROOT, SAMPLES

POSE_JPG = SAMPLES / "pose.jpg"


def run(command, cwd, timeout=300) -> subprocess.CompletedProcess:
    # No PYTHONPATH: the installed package must be found, not the checkout.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(list(map(str, command)), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> pathlib.Path:
    """The wheel, built from a copy of the package's sources (the checkout stays clean of build/)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "posenet_core", source / "posenet_core", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, source], cwd=source)
    (built,) = dist.glob("posenet_core-0.1.0-*.whl")
    return built


def test_the_wheel_holds_the_models_weights_licences_types_and_the_command(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("posenet_core-0.1.0.dist-info/entry_points.txt").decode()
        metadata = archive.read("posenet_core-0.1.0.dist-info/METADATA").decode()
    for name in [
        "posenet_core/models/posenet_stride8.tflite",
        "posenet_core/models/posenet_stride16.tflite",
        "posenet_core/models/posenet_stride32.tflite",
        "posenet_core/models/SHA256SUMS",
        "posenet_core/weights/posenet_mobilenet_v1_075.npz",
        "posenet_core/successors/models/blazepose_detector.tflite",
        "posenet_core/successors/models/blazepose_lite.tflite",
        "posenet_core/successors/models/blazepose_full.tflite",
        "posenet_core/successors/models/SHA256SUMS",
        "posenet_core/weights/LICENSE-tfjs-models.txt",
        "posenet_core/weights/LICENSE-human-models.txt",
        "posenet_core/py.typed",
        "posenet_core-0.1.0.dist-info/licenses/LICENSE",
        "posenet_core/cli.py",
        "posenet_core/build.py",
    ]:
        assert name in names, name
    assert {name.split("/")[0] for name in names} == {"posenet_core", "posenet_core-0.1.0.dist-info"}  # no studio/
    assert "[console_scripts]\nposenet = posenet_core.cli:main" in entry_points
    requires = [line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist: ")]
    assert sorted(r for r in requires if "extra ==" not in r) == sorted(
        ["numpy", "opencv-python-headless", "ai-edge-litert", "tqdm", "av", "scipy"]
    )
    assert 'tensorflow==2.21.0; extra == "build"' in requires
    assert "License-Expression: Apache-2.0" in metadata
    assert "Requires-Python: >=3.11" in metadata


def test_installed_in_a_fresh_virtualenv_the_posenet_command_works_from_any_directory(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python, posenet = env_dir / "bin" / "python", env_dir / "bin" / "posenet"
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check", wheel], cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([python, "-c", "import posenet_core; print(posenet_core.__file__)"], cwd=elsewhere).stdout.strip()
    assert pathlib.Path(where).is_relative_to(env_dir), where

    result = run([posenet, POSE_JPG, "--json", "out.json"], cwd=elsewhere)
    assert "1 frame, 1 poses" in result.stdout
    record = json.loads((elsewhere / "out.json").read_text())
    assert (record["width"], record["height"]) == (1000, 667)
    assert record["poses"][0]["score"] > 0.5
    run([posenet, POSE_JPG, "--track", "--json", "tracked.json"], cwd=elsewhere)  # PoseTracker (scipy) installed
    assert json.loads((elsewhere / "tracked.json").read_text())["poses"][0]["id"] == 1
    assert "usage: posenet" in run([posenet, "--help"], cwd=elsewhere).stdout
