"""Switching models on a running webcam stream, in a real browser: the next frames come from the
new model (its input size and name in the live numbers), with poses, and the stream is not restarted."""

from __future__ import annotations

import pytest

from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser


def pick_model(demo, label: str) -> None:
    """Open the "Model" select box and click ``label`` in its list, as a user does."""
    box = demo.widget("stSelectbox", "Model")
    box.click()
    demo.page.get_by_role("option", name=label, exact=True).click()
    demo.wait_for_run()


def wait_for_model(demo, name: str, side: int | None):
    return demo.wait_for(
        lambda s: (
            s.caption is not None
            and f"· {name} ·" in s.caption
            and (side is None or s.network_input == (side, side))
            and (s.poses or 0) >= 1
        ),
        timeout=60,
        what=f"frames from {name}",
    )


@pytest.mark.timeout(400)
def test_the_running_webcam_stream_switches_models_at_its_next_frame(open_demo):
    demo = open_demo("Single pose")
    demo.start()
    demo.wait_for_frames(5, timeout=30)
    connections = demo.peer_connections()
    before = wait_for_model(demo, "posenet", None)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    for label, name, side in (
        ("MoveNet Lightning", "movenet-lightning", 192),
        ("MoveNet Thunder", "movenet-thunder", 256),
        ("BlazePose Lite", "blazepose-lite", None),  # a detector, then a crop around the person
    ):
        pick_model(demo, label)
        after = wait_for_model(demo, name, side)
        demo.screenshot(ARTIFACTS / f"live_{name}.png")
        print(f"\n{name}: {after.caption!r}")
        assert after.frames_processed > before.frames_processed
        before = after

    pick_model(demo, "PoseNet MobileNetV1 0.75")
    back = wait_for_model(demo, "posenet", None)
    assert back.network_input != (256, 256)
    assert demo.is_streaming() and demo.peer_connections() == connections, "a model switch restarted the stream"
