"""Every private part of Streamlit's runtime this app relies on, in one place.

Streamlit is pinned (``requirements.txt``: ``PINNED_VERSION``). Its public API has no way
to ask which session a script run belongs to, whether a session still has a browser, or
where to keep an object for the whole server process beside the library's own, so the app
reaches into ``streamlit.runtime``, and only through here:

- ``runtime()``: ``streamlit.runtime.Runtime.instance()``, or None in bare Python (no
  server). ``relay`` keeps the live streams' shared relay on it (``webrtc_compat``).
- ``current_session_id()``: ``get_script_run_ctx().session_id``, the browser session of
  this script run, or None outside a run. Admission and the session watch key on it.
- ``is_active_session(session_id)``: ``Runtime.is_active_session``, whether that session
  has a browser attached right now (``session_watch`` stops the streams of closed tabs).
- ``SKIP_RUN_CLEANUP_PRELUDE``: a command line that starts Streamlit with its after-every-run
  clean-up (``script_runner._clean_problem_modules``) switched off, for one experiment of
  the browser tests (``tests/support/app_server.py``).

If the installed version differs from the pinned one, importing this module warns; if one
of these parts is gone, it raises ``ImportError`` naming the pinned version.
"""

from __future__ import annotations

import importlib.metadata
import warnings

PINNED_VERSION = "1.67.0"


def _installed_version() -> str | None:
    try:
        return importlib.metadata.version("streamlit")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - imported from a source tree
        return None


INSTALLED_VERSION = _installed_version()
if INSTALLED_VERSION != PINNED_VERSION:
    warnings.warn(
        f"PoseNet Studio is tested with Streamlit {PINNED_VERSION} and uses some of its private parts "
        f"(see studio/live/streamlit_compat.py); installed: {INSTALLED_VERSION or 'unknown'}. "
        f"Install streamlit=={PINNED_VERSION} if streams misbehave.",
        RuntimeWarning,
        stacklevel=2,
    )

try:
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner import script_runner as _script_runner
except ImportError as error:  # pragma: no cover - only with another Streamlit
    raise ImportError(
        f"Streamlit {INSTALLED_VERSION} lacks a private part PoseNet Studio needs ({error}); "
        f"install streamlit=={PINNED_VERSION} (see studio/live/streamlit_compat.py)"
    ) from error

for _owner, _name in ((Runtime, "is_active_session"), (_script_runner, "_clean_problem_modules")):
    if not hasattr(_owner, _name):  # pragma: no cover - only with another Streamlit
        raise ImportError(
            f"Streamlit {INSTALLED_VERSION} has no {_owner.__name__}.{_name}; "
            f"install streamlit=={PINNED_VERSION} (see studio/live/streamlit_compat.py)"
        )

__all__ = ["PINNED_VERSION", "SKIP_RUN_CLEANUP_PRELUDE", "current_session_id", "is_active_session", "runtime"]

SKIP_RUN_CLEANUP_PRELUDE = (
    "import sys; from streamlit.runtime.scriptrunner import script_runner; "
    "script_runner._clean_problem_modules = lambda: None; "
    "from streamlit.web.cli import main; sys.argv[0] = 'streamlit'; sys.exit(main())"
)


def runtime():
    """The Streamlit server's runtime, or None in bare Python (no server, no streams)."""
    return Runtime.instance() if Runtime.exists() else None


def current_session_id() -> str | None:
    """The browser session this script run belongs to; None outside a script run."""
    run = get_script_run_ctx()
    return run.session_id if run is not None else None


def is_active_session(session_id: str) -> bool:
    """Whether ``session_id`` has a browser attached now (False once its tab closed)."""
    return Runtime.instance().is_active_session(session_id)
