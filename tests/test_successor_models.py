"""The vendored MoveNet models: the files SHA256SUMS lists, their licences, a fixed output on a real
picture, and (where the conversion tools are installed) a rebuild from the npm tarball that gives
the same bytes and LiteRT outputs that match TensorFlow's on the picture."""

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
    assert set(listed) == {file_name for file_name, *_ in build.MODELS}
    assert set(listed) == {p.name for p in MODELS_DIR.glob("*.tflite")}
    for name, digest in listed.items():
        assert hashlib.sha256((MODELS_DIR / name).read_bytes()).hexdigest() == digest, name


def test_the_licences_are_vendored_and_the_folder_stays_small():
    assert "MIT License" in (MODELS_DIR / "LICENSE-human-models.txt").read_text()
    assert "Apache License" in (MODELS_DIR / "LICENSE-tfjs-models.txt").read_text()
    assert "movenet" in (MODELS_DIR / "README.md").read_text().lower()
    total = sum(p.stat().st_size for p in MODELS_DIR.glob("*.tflite"))
    assert total < 30e6  # float16 weights, as the npm package stores them


@pytest.mark.parametrize("name", MOVENETS)
def test_the_graph_result_on_a_real_picture_is_the_recorded_one(name, pose_image):
    outputs = load_estimator(name).predict(pose_image)
    result = outputs.keypoints if name != "movenet-multipose" else outputs.keypoints[:1]
    np.testing.assert_allclose(result, np.array(EXPECTED[name]), atol=2e-4)


def conversion_python() -> str | None:
    """A Python with posenet_core/successors/requirements-build.txt installed (its own venv)."""
    return os.environ.get("SUCCESSORS_BUILD_PYTHON")


@pytest.mark.skipif(
    not conversion_python() or not os.environ.get("SUCCESSORS_TARBALL"),
    reason="set SUCCESSORS_BUILD_PYTHON (a venv with requirements-build.txt) and SUCCESSORS_TARBALL (the npm tarball)",
)
def test_a_rebuild_gives_the_same_files_and_litert_matches_tensorflow(tmp_path):
    done = subprocess.run(
        [
            conversion_python(),
            "-m",
            "posenet_core.successors.build",
            os.environ["SUCCESSORS_TARBALL"],
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
        # The result (normalised positions, scores) and the heads: float32 kernels differ in the last bits.
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
