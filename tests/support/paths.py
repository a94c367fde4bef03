"""Where the tests and benchmarks find the app and put what they leave behind (screenshots, logs)."""

import pathlib

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"  # git-ignored
SAMPLES = REPO_ROOT / "studio" / "samples"  # the bundled media (studio.sources.SAMPLES_DIR)
