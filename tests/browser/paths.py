"""Where the browser tests find the app and put what they leave behind (screenshots, logs)."""

import pathlib

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"  # git-ignored
