"""Browser end-to-end tests: one Streamlit server and one headless Chromium per test session.

Run: ``python -m pytest tests/browser -q -s`` (``-m browser`` selects only these).
Chromium is Debian's ``/usr/bin/chromium`` with a fake camera that plays the squats clip
(never ``playwright install``). Each test opens fresh browser contexts, that is, fresh
Streamlit sessions. Screenshots go to ``tests/artifacts/`` (git-ignored); a failing test
also leaves ``tests/artifacts/failed-<test>-<n>.png`` and the server log's tail in its report.
"""

from __future__ import annotations

import os
import pathlib

import pytest

from tests.support import class_network
from tests.support.app_server import SKIP_RUN_CLEANUP_ENV, AppServer
from tests.support.chromium import launch_chromium, new_context, warm_up
from tests.support.demo_page import DemoPage
from tests.support.fake_camera import make_y4m
from tests.support.paths import ARTIFACTS


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the real app in headless Chromium over WebRTC")


@pytest.fixture(scope="session")
def camera_y4m(tmp_path_factory) -> pathlib.Path:
    """4 s of the squats clip as a 360 x 640, 30 fps fake camera (Chromium loops it)."""
    return make_y4m(tmp_path_factory.mktemp("camera") / "squats_360x640.y4m", 360, 640, seconds=4.0)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    # Tests close tabs and open new ones faster than closed streams give their places back
    # (~10 s); admission itself is tested on its own server (test_admission_in_browser.py).
    os.environ.setdefault("POSENET_MAX_STREAMS", "16")
    server = AppServer(log)
    try:
        server.start()
    except Exception:
        print(server.log_tail(80))
        raise
    note = ""
    if server.skip_run_cleanup:
        note = f" -- per-run clean-up OFF ({SKIP_RUN_CLEANUP_ENV}), not the app as shipped"
    print(f"\nstreamlit: {server.url} (log: {log}){note}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright for the whole run: its sync API refuses to start while another one runs,
    so every test that launches a Chromium of its own launches it from this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def _chromium(camera_y4m, app_server, playwright_driver):
    chromium = launch_chromium(playwright_driver, camera_y4m)
    try:
        pages = warm_up(chromium, app_server.url)
    except Exception:
        print(app_server.log_tail(80))
        chromium.close()
        raise
    yield chromium, pages
    chromium.close()


@pytest.fixture(scope="session")
def browser(_chromium):
    """Headless Chromium whose camera plays ``camera_y4m``; the app's model already loaded."""
    return _chromium[0]


@pytest.fixture(scope="session")
def app_pages(_chromium) -> dict[str, str]:
    """The app's pages as {sidebar title: URL path}, e.g. {"Single pose": "/single_pose", ...}."""
    return _chromium[1]


@pytest.fixture
def open_demo(request, browser, app_server, app_pages):
    """``open_demo("Single pose")``: a new browser context (a new Streamlit session) on that page.

    Pages are named by their sidebar titles. Contexts are closed after the test; if it
    failed, each page is screenshotted first.
    """
    contexts, demos = [], []
    request.node._demo_pages = demos

    def open_page(title: str) -> DemoPage:
        assert title in app_pages, f"no page {title!r} in the app's navigation: {app_pages}"
        context = new_context(browser)
        contexts.append(context)
        demo = DemoPage(context, app_server.url, app_pages[title])
        demos.append(demo)
        return demo.open()

    yield open_page
    for context in contexts:
        try:
            context.close()
        except Exception as error:  # a context a test closed itself
            print(f"closing a browser context: {error}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        server = item.funcargs.get("app_server")
        if server is not None:
            report.sections.append(("streamlit server log (tail)", server.log_tail(60)))
        for n, demo in enumerate(getattr(item, "_demo_pages", [])):
            try:
                path = demo.screenshot(ARTIFACTS / f"failed-{item.name}-{n}.png")
                report.sections.append(("screenshot", str(path)))
            except Exception as error:
                report.sections.append(("screenshot", f"could not take one: {error}"))
    return report


@pytest.fixture(scope="module")
def school_network():
    """A class's machines as network namespaces, the student behind a school firewall
    (``tests.support.class_network.school_network``); for one test module, removed after it."""
    with class_network.school_network() as network:
        yield network


@pytest.fixture
def contexts():
    """Browser contexts a test opens (``open_demo_at``), closed after it."""
    opened = []
    yield opened
    for context in opened:
        try:
            context.close()
        except Exception as error:  # closed by the test itself
            print(f"closing a browser context: {error}")
