"""A share link that is a fresh server's very first request still goes through the entry script."""

import ast

import pytest
from streamlit.testing.v1 import AppTest

from studio.session_keys import APP_PAGE
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.usefixtures("webrtc_without_server")


@pytest.mark.parametrize("page", ["single_pose", "multi_pose", "how_decoding_works"])
def test_a_deep_link_first_thing_runs_the_entry_script(page, monkeypatch):
    from studio.ui import entry

    monkeypatch.setattr(entry, "_entry_has_run", False)  # a fresh server process: no page run yet
    # AppTest starts like a fresh server: Streamlit sees pages/ and, before any st.navigation,
    # runs a requested page file on its own. The entry script records the page it runs.
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120)
    app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, app.exception
    assert app.session_state[APP_PAGE] == page


def test_every_page_file_starts_by_going_through_the_entry():
    for path in sorted((REPO_ROOT / "pages").glob("*.py")):
        body = ast.parse(path.read_text()).body
        calls = [node for node in body if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)]
        assert calls and ast.unparse(calls[0].value) == "through_the_entry()", path.name
        first_other = next(n for n in body if not isinstance(n, ast.ImportFrom | ast.Import))
        assert first_other is calls[0], f"{path.name}: through_the_entry() must come before anything but imports"
