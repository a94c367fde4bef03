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
- ``pages_folder_in_charge()`` / ``hand_pages_to_navigation()``: ``PagesManager.uses_pages_directory``,
  Streamlit's old multipage mode, in which a fresh server's first request for ``/single_pose`` runs
  ``pages/single_pose.py`` without the entry script (``studio/ui/entry.py`` reruns it through it).
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
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner import script_runner as _script_runner
except ImportError as error:  # pragma: no cover - only with another Streamlit
    raise ImportError(
        f"Streamlit {INSTALLED_VERSION} lacks a private part PoseNet Studio needs ({error}); "
        f"install streamlit=={PINNED_VERSION} (see studio/live/streamlit_compat.py)"
    ) from error

_PARTS = ((Runtime, "is_active_session"), (_script_runner, "_clean_problem_modules"))
for _owner, _name in (*_PARTS, (PagesManager, "uses_pages_directory")):
    if not hasattr(_owner, _name):  # pragma: no cover - only with another Streamlit
        raise ImportError(
            f"Streamlit {INSTALLED_VERSION} has no {_owner.__name__}.{_name}; "
            f"install streamlit=={PINNED_VERSION} (see studio/live/streamlit_compat.py)"
        )

__all__ = [
    "PINNED_VERSION",
    "SKIP_RUN_CLEANUP_PRELUDE",
    "current_session_id",
    "hand_pages_to_navigation",
    "is_active_session",
    "pages_folder_in_charge",
    "runtime",
]

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


def pages_folder_in_charge() -> bool:
    """True while Streamlit runs ``pages/*.py`` on its own, as its old multipage mode does.

    A server decides that mode at its first script run: ``pages/`` exists, and ``st.navigation``
    (which switches the mode off for good) has not run yet. So a share link (``/single_pose``)
    that is a fresh server's very first request runs the page file without the entry script:
    Streamlit's raw page list, no layout, no replica agent. Streamlit keeps that mode until
    some run calls ``st.navigation``.
    """
    return bool(PagesManager.uses_pages_directory)


def hand_pages_to_navigation() -> None:
    """What ``st.navigation`` does first: from now on every run goes through the entry script."""
    PagesManager.uses_pages_directory = False
