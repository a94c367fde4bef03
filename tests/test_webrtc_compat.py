"""The private parts of Streamlit and streamlit-webrtc are reached through studio/live/streamlit_compat.py and
studio/live/webrtc_compat.py only, for the pinned versions."""

import importlib
import importlib.metadata
import pathlib
import re

import pytest

from studio.live import streamlit_compat, webrtc_compat
from tests.conftest import REPO_ROOT

COMPAT = {"streamlit-webrtc": webrtc_compat, "streamlit": streamlit_compat}  # package -> its door


@pytest.mark.parametrize("package", COMPAT)
def test_the_pinned_version_is_the_one_in_requirements(package):
    pin = re.search(rf"^{package}==(\S+)", (REPO_ROOT / "requirements.txt").read_text(), re.M).group(1)
    assert COMPAT[package].PINNED_VERSION == pin == COMPAT[package].INSTALLED_VERSION


@pytest.mark.parametrize("package", COMPAT)
def test_another_version_is_named_in_a_warning(monkeypatch, package):
    module, real_version = COMPAT[package], importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9.9" if name == package else real_version(name))
    try:
        with pytest.warns(
            RuntimeWarning, match=rf"tested with .* {re.escape(module.PINNED_VERSION)} .* installed: 9\.9\.9"
        ):
            importlib.reload(module)
    finally:
        monkeypatch.undo()
        importlib.reload(module)


# Private parts of Streamlit's runtime and of streamlit-webrtc, and facts about streamlit-webrtc's
# insides (its iframe's title, its logger's name): only the compat modules may name them.
PRIVATE = re.compile(
    r"_reset_context|_last_rendered_run_count|_get_worker|streamlit_webrtc\.eventloop|global-relay"
    r"|get_this_session_info|streamlit_webrtc\.component|streamlit_webrtc\.process"
    r"|streamlit\.runtime|get_script_run_ctx|\bRuntime\b|_clean_problem_modules"
)
COMPAT_FILES = ("webrtc_compat.py", "streamlit_compat.py")


def offenders(root) -> list:
    files = [root / "streamlit_app.py"] + [
        path for folder in ("studio", "pages", "tests", "benchmarks") for path in (root / folder).rglob("*.py")
    ]
    return [
        str(path.relative_to(root))
        for path in files
        if path.name not in COMPAT_FILES
        and path.name != pathlib.Path(__file__).name
        and PRIVATE.search(path.read_text())
    ]


def test_no_other_module_reaches_into_streamlit_or_streamlit_webrtc_internals():
    assert offenders(REPO_ROOT) == []


def test_the_guard_sees_an_offender(tmp_path):
    (tmp_path / "studio" / "ui").mkdir(parents=True)
    (tmp_path / "streamlit_app.py").write_text("import streamlit as st\n")
    (tmp_path / "studio" / "ui" / "gate.py").write_text(
        "from streamlit.runtime.scriptrunner import get_script_run_ctx\n"
    )
    (tmp_path / "studio" / "ui" / "webrtc_compat.py").write_text("import streamlit_webrtc.component\n")
    assert offenders(tmp_path) == ["studio/ui/gate.py"]


def test_outside_a_server_there_is_no_runtime_and_no_session():
    assert streamlit_compat.runtime() is None
    assert streamlit_compat.current_session_id() is None


def test_reset_context_stops_the_worker_as_stop_does(streaming_context):
    context, worker = streaming_context()
    assert webrtc_compat.is_running(context)
    webrtc_compat.reset_context(context)
    assert worker.stopped and not webrtc_compat.is_running(context) and not context.state.playing
