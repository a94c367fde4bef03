"""The demo pages when the server is full: a clear message instead of the streamer; the load in the numbers."""

import pytest
from streamlit.testing.v1 import AppTest

from studio.hosting import admission
from studio.hosting.admission import ADMISSION
from tests.conftest import REPO_ROOT


@pytest.fixture(autouse=True)
def webrtc_without_runtime(monkeypatch):
    from studio.live import webrtc_compat

    webrtc_compat.without_session_info(monkeypatch)


class OtherUser:
    pass


@pytest.fixture
def full_server(monkeypatch):
    """Every place held by other users' streams (AppTest runs the app in this process)."""
    monkeypatch.setattr(ADMISSION, "limit", 2)
    monkeypatch.setattr(admission, "CONNECTING_FOR_S", 3600.0)  # held for the whole test, however slow
    others = [OtherUser() for _ in range(2)]
    for other in others:
        assert ADMISSION.admit(other)
    yield others
    for other in others:
        ADMISSION.release(other)


def open_page(page: str) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120).run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def streamer_rendered(app: AppTest) -> bool:
    return any("webrtc" in str(getattr(node, "proto", "")) for node in app.get("component_instance"))


@pytest.mark.parametrize("page", ["pages/multi_pose.py", "pages/single_pose.py"])
def test_a_full_server_says_so_instead_of_offering_start(full_server, page):
    app = open_page(page)
    full = [w.value for w in app.warning if "full" in w.value]
    assert full and "2 people are streaming" in full[0] and "try again shortly" in full[0]
    assert not streamer_rendered(app)
    assert any("How decoding works" in str(link.proto) for link in app.get("page_link"))


def test_room_again_brings_the_streamer_back(full_server):
    app = open_page("pages/multi_pose.py")
    assert not streamer_rendered(app)
    ADMISSION.release(full_server[0])
    app.run()
    assert not app.exception
    assert not any("full" in w.value for w in app.warning)
    assert streamer_rendered(app)


def test_with_room_the_page_offers_the_streamer():
    app = open_page("pages/multi_pose.py")
    assert streamer_rendered(app)
    assert not any("full" in w.value for w in app.warning)
