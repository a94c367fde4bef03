"""START must work every time, not six times in seven.

streamlit-webrtc 0.79.0 tore down about one stream in seven about 0.5 s after it connected
("Context ... was not rendered for 1 script runs; resetting stale state"), and the button
fell back to START 5-6 s later (TESTING.md). studio/live/streamer.py works around it; this test
presses START in 20 fresh sessions in a row and requires every stream to still be up, and
still processing, well after the moment that failure struck.
"""

from __future__ import annotations

import statistics
import time

import pytest

from tests.support.chromium import new_context
from tests.support.demo_page import DemoPage
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser

ATTEMPTS = 20
CONNECT_TIMEOUT_S = 15.0  # START to video and a growing Frames processed
HOLD_S = 6.5  # after the video came: the failure's button flip comes 5-6 s after connecting


def start_once(browser, base_url: str, path: str, attempt: int) -> dict:
    """One fresh session: open the single-pose page (webcam), START, check it connects and stays up."""
    context = new_context(browser)
    demo = DemoPage(context, base_url, path)
    result = {"attempt": attempt, "ok": False}
    try:
        demo.open()
        if demo.chosen("Video source") != "Webcam":
            raise AssertionError(f"the page opened on source {demo.chosen('Video source')!r}")
        clicked = time.monotonic()
        demo.start_button.click()
        demo.wait_for_video(CONNECT_TIMEOUT_S)
        result["to_video_s"] = time.monotonic() - clicked
        video_at = time.monotonic()
        first = demo.wait_for_frames(1, timeout=max(1.0, CONNECT_TIMEOUT_S - result["to_video_s"]))
        left = max(1.0, clicked + CONNECT_TIMEOUT_S - time.monotonic())
        grew = demo.wait_for_frames(first.frames_processed + 1, timeout=left)
        result["to_frames_s"] = grew.t - clicked

        # ~3 s later: frames still arriving in the browser and still processed on the server.
        time.sleep(max(0.0, video_at + 3.0 - time.monotonic()))
        shown = demo.video_state()
        later = demo.read()
        time.sleep(max(0.0, video_at + HOLD_S - time.monotonic()))
        end_state, end = demo.video_state(), demo.read()
        playing = end_state["width"] > 16 and not end_state["paused"]
        if not (playing and end_state["totalFrames"] > shown["totalFrames"]):
            raise AssertionError(f"the video stopped: {shown} -> {end_state}")
        if not (end.frames_processed or 0) > (later.frames_processed or 0) > first.frames_processed:
            raise AssertionError(
                "processing stopped: Frames processed "
                f"{first.frames_processed} -> {later.frames_processed} -> {end.frames_processed}"
            )
        if not demo.is_streaming():
            raise AssertionError(f"{HOLD_S} s after connecting the button says {demo.button_text()!r}, not STOP")
        result.update(ok=True, frames=end.frames_processed)
    except Exception as error:  # recorded: the test counts failures over all attempts
        result["error"] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        try:
            result["afterwards"] = what_happened_next(demo)
        except Exception as other:
            result["afterwards"] = f"unknown ({other})"
        try:
            result["screenshot"] = str(demo.screenshot(ARTIFACTS / f"start-failed-{attempt}.png"))
            result["button"] = demo.button_text()
        except Exception:
            pass
    finally:
        context.close()
    return result


def what_happened_next(demo, seconds: float = 10.0) -> str:
    """After a failed check: was the stream torn down (START is back), or did it stall and resume?"""
    start = demo.read().frames_processed or 0
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if demo.start_button.count() and demo.start_button.is_visible():
            return f"torn down: START is back {time.monotonic() - began:.1f} s after the failed check"
        now = demo.read().frames_processed or 0
        if now > start + 2:
            return f"stalled, then frames resumed {time.monotonic() - began:.1f} s after the failed check"
        time.sleep(0.25)
    return f"no frames processed for {seconds:.0f} s more; button {demo.button_text()!r}"


@pytest.mark.timeout(600)
def test_start_works_20_times_in_a_row(browser, app_server, app_pages):
    results = []
    started = time.monotonic()
    for attempt in range(1, ATTEMPTS + 1):
        result = start_once(browser, app_server.url, app_pages["Single pose"], attempt)
        results.append(result)
        if result["ok"]:
            print(
                f"\nSTART {attempt:2d}: video after {result['to_video_s']:.1f} s, Frames processed growing "
                f"after {result['to_frames_s']:.1f} s, still streaming {HOLD_S} s later ({result['frames']} frames)",
                end="",
            )
        else:
            print(
                f"\nSTART {attempt:2d}: FAILED {result['error']}; then {result.get('afterwards')} "
                f"({result.get('screenshot')})",
                end="",
            )

    ok = [r for r in results if r["ok"]]
    times = sorted(r["to_video_s"] for r in ok)
    summary = f"{len(ok)}/{ATTEMPTS} STARTs streamed in {time.monotonic() - started:.0f} s"
    if times:
        summary += (
            f"; START to video: median {statistics.median(times):.1f} s, min {times[0]:.1f} s, max {times[-1]:.1f} s"
        )
    print(f"\n{summary}")
    failed = [r for r in results if not r["ok"]]
    assert not failed, f"{summary}; failures: {failed}\n{app_server.log_tail(40)}"
