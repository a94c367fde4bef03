"""Serving runs the vendored .tflite models with LiteRT: neither the library nor the app imports TensorFlow.

Each check runs in a fresh interpreter (this test process imports TensorFlow for other tests).
"""

import subprocess
import sys

from tests.support.paths import REPO_ROOT, SAMPLES

POSE_JPG = SAMPLES / "pose.jpg"

REPORT_HEAVY_MODULES = """
heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("tensorflow", "keras", "tf_keras"))
print("heavy modules:", heavy)
"""


def run_probe(code: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-c", code + REPORT_HEAVY_MODULES], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result


def heavy_modules_after(code: str) -> str:
    return run_probe(code).stdout.strip().splitlines()[-1]


def test_the_library_loads_and_estimates_at_every_stride_without_tensorflow():
    code = f"""
import sys, cv2, posenet_core

image = cv2.cvtColor(cv2.imread({str(POSE_JPG)!r}), cv2.COLOR_BGR2RGB)
net = posenet_core.load()
for stride in (8, 16, 32):
    if net.estimate_single_pose(image, output_stride=stride).score < 0.5:
        sys.exit(f"no pose at stride {{stride}}")
    net.estimate_multiple_poses(image, output_stride=stride)
"""
    result = run_probe(code)
    assert result.stdout.strip().splitlines()[-1] == "heavy modules: []"
    assert "Created TensorFlow Lite XNNPACK delegate" in result.stderr  # LiteRT runs the XNNPACK kernels


def test_the_app_imports_every_studio_module_and_loads_its_model_without_tensorflow():
    code = """
import importlib, pkgutil, sys
import studio
for module in pkgutil.walk_packages(studio.__path__, "studio."):
    importlib.import_module(module.name)
from studio.model import get_model
net = get_model()  # what the first visitor's script run does (st.cache_resource, here without a server)
if not net.network.model(8):
    sys.exit("no model")
"""
    assert heavy_modules_after(code) == "heavy modules: []"


def test_the_check_sees_tensorflow_when_it_is_imported():
    # The probe itself can fail: importing TensorFlow shows up in the report.
    assert "'tensorflow'" in heavy_modules_after("import sys, tensorflow")
