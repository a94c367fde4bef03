"""A cold server's first visit shows "Starting PoseNet Studio…" before it imports the video and network
libraries, on every page (issue 22): the entry script and the page ahead of the notice import only light
modules. The browser sees the same in tests/browser/test_in_front_of_a_class.py.

Each page is opened in a fresh interpreter, as on a server that has just started (this test process has
imported everything already).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.paths import REPO_ROOT

# What the notice is there for: what the first visit imports (streamlit_webrtc, aiortc, PyAV, OpenCV, LiteRT).
LIBRARIES = ("streamlit_webrtc", "aiortc", "av", "cv2", "ai_edge_litert", "posenet_core")

# Runs the app on one page with AppTest, noting at each ``while_importing`` whether it draws the notice
# (its module is not imported yet) and which of LIBRARIES were imported by then. Only that matters here:
# what the page does after it (under AppTest the streamer needs tests/conftest.py's set-up) is not looked at.
PROBE = """
import contextlib, json, sys
{prelude}
from streamlit.testing.v1 import AppTest
import studio.ui.cold_start as cold_start

LIBRARIES, PAGE = {libraries!r}, {page!r}
seen, original = [], cold_start.while_importing

@contextlib.contextmanager
def noting(module):
    loaded = sorted(name for name in LIBRARIES if name in sys.modules)
    seen.append({{"module": module, "draws_the_notice": module not in sys.modules, "loaded": loaded}})
    with original(module):
        yield

cold_start.while_importing = noting
app = AppTest.from_file("streamlit_app.py", default_timeout=120)
if PAGE:
    app.switch_page(PAGE)
app.run()
print(json.dumps(seen))
"""


def first_visit(page: str | None, prelude: str = "") -> list[dict]:
    code = PROBE.format(libraries=LIBRARIES, page=page, prelude=prelude)
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("page", "heavy_module"),
    [
        (None, "studio.ui.landing"),
        ("pages/single_pose.py", "studio.ui.demo_page"),
        ("pages/multi_pose.py", "studio.ui.demo_page"),
        ("pages/how_decoding_works.py", "studio.teaching.page"),
    ],
    ids=["home", "single_pose", "multi_pose", "how_decoding_works"],
)
def test_the_notice_comes_before_the_video_and_network_libraries(page, heavy_module):
    first = first_visit(page)[0]
    assert first["module"] == heavy_module
    assert first["draws_the_notice"], f"{heavy_module} was imported before the notice"
    assert first["loaded"] == [], f"imported before the notice, while the page stayed blank: {first['loaded']}"


def test_the_probe_sees_a_library_imported_before_the_notice():
    # The check itself can fail: with OpenCV imported first, the probe says so.
    assert first_visit("pages/single_pose.py", prelude="import cv2")[0]["loaded"] == ["cv2"]
