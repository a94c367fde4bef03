"""streamlit-webrtc's private parts are reached through studio/live/webrtc_compat.py only, for the pinned version."""

import importlib
import importlib.metadata
import re

import pytest

from studio.live import webrtc_compat
from tests.conftest import REPO_ROOT


def test_the_pinned_version_is_the_one_in_requirements():
    pin = re.search(r"^streamlit-webrtc==(\S+)", (REPO_ROOT / "requirements.txt").read_text(), re.M).group(1)
    assert webrtc_compat.PINNED_VERSION == pin == webrtc_compat.INSTALLED_VERSION


def test_another_version_is_named_in_a_warning(monkeypatch):
    real_version = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "0.80.1" if name == "streamlit-webrtc" else real_version(name)
    )
    try:
        with pytest.warns(RuntimeWarning, match=r"tested with streamlit-webrtc 0\.79\.0 .* installed: 0\.80\.1"):
            importlib.reload(webrtc_compat)
    finally:
        monkeypatch.undo()
        importlib.reload(webrtc_compat)


def test_no_other_module_reaches_into_streamlit_webrtc_internals():
    private = re.compile(
        r"_reset_context|_last_rendered_run_count|_get_worker|streamlit_webrtc\.eventloop|global-relay"
    )
    offenders = [
        path.relative_to(REPO_ROOT)
        for folder in ("studio", "pages", "tests")
        for path in (REPO_ROOT / folder).rglob("*.py")
        if path.name not in ("webrtc_compat.py", "test_webrtc_compat.py") and private.search(path.read_text())
    ]
    assert offenders == []


def test_reset_context_stops_the_worker_as_stop_does(streaming_context):
    context, worker = streaming_context()
    assert webrtc_compat.is_running(context)
    webrtc_compat.reset_context(context)
    assert worker.stopped and not webrtc_compat.is_running(context) and not context.state.playing
