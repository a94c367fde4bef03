"""Recording the webcam in a real browser: Record, 5 s, Stop recording, then the downloads: the
MP4 plays (PyAV decodes it) with about as many frames as were processed, the CSV has a row per
frame and part, the JSON a record per processed frame with its joint angles."""

from __future__ import annotations

import csv
import json
import re
import time

import av
import numpy as np
import pytest
from test_clip_upload_in_browser import download

from posenet_core import PART_NAMES
from tests.browser.test_live_demo import assert_still_streaming, save_screenshot

pytestmark = pytest.mark.browser
RECORD_S = 5.0


@pytest.mark.timeout(400)
def test_record_five_seconds_of_the_webcam_and_download_video_json_csv(open_demo, tmp_path):
    demo = open_demo("Single pose")
    demo.start(timeout=90)  # generous: a loaded shared machine
    demo.wait_for_frames(10, timeout=90)
    connections = demo.peer_connections()
    record = demo.page.get_by_role("button", name=re.compile(r"^.?\s*Record$"))
    assert demo.page.get_by_text(re.compile(r"up to 60 s and 50 MB")).count() >= 1  # the bounds, on the page

    before = demo.read().frames_processed
    record.click()
    stop = demo.page.get_by_role("button", name=re.compile("Stop recording"))
    stop.wait_for(timeout=30_000)
    demo.page.get_by_text(re.compile(r"Recording: \d+ s of 60 s")).wait_for(timeout=30_000)
    time.sleep(RECORD_S)
    save_screenshot(demo, "recording.png")
    stop.click()
    demo.page.get_by_role("button", name=re.compile("Keypoints \\(CSV\\)")).wait_for(timeout=60_000)
    after = demo.read().frames_processed
    assert_still_streaming(demo, connections, "after recording")
    save_screenshot(demo, "recording_done.png")

    result = json.loads(download(demo, re.compile(r"Poses \(JSON\)"), tmp_path / "rec.json").read_text())
    frames = result["frames"]
    # The page's counter from just before Record to just after Stop: an upper bound (the clicks' reruns
    # take a while on a loaded machine, and frames processed then are not recorded).
    processed = after - before
    times = [f["time"] for f in frames]
    print(
        f"\nrecorded {len(frames)} frames over {times[-1] - times[0]:.1f} s; "
        f"the page counted {processed} processed from before Record to after Stop"
    )
    assert len(frames) <= processed + 2
    assert all(b > a for a, b in zip(times, times[1:])) and times[-1] >= RECORD_S - 0.5  # monotonic, >= ~5 s
    assert len(frames) >= times[-1] - times[0]  # at least a frame a second, even on a loaded machine
    seen = [f for f in frames if f["poses"]]  # a frame under the minimum pose confidence has none
    assert len(seen) >= 0.8 * len(frames) and all(len(f["poses"]) == 1 for f in seen)
    assert all("leftKnee" in f["poses"][0]["angles"] for f in seen)
    assert "repetitions" in result and all("reps" in f for f in frames)

    video = download(demo, re.compile(r"Video \(MP4\)"), tmp_path / "rec.mp4")
    with av.open(str(video)) as container:
        decoded = [(f.time, f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]
    print(f"MP4: {len(decoded)} frames, {decoded[0][1].shape[1]}x{decoded[0][1].shape[0]}")
    assert len(frames) * 0.9 <= len(decoded) <= len(frames)  # about every processed frame (drops are allowed)
    assert decoded[-1][0] == pytest.approx(times[-1], abs=0.5)
    assert np.mean([image.std() for _, image in decoded]) > 20  # a picture, not a blank

    table = download(demo, re.compile(r"Keypoints \(CSV\)"), tmp_path / "rec.csv")
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == len(PART_NAMES) * len(seen)  # a row per frame, pose and part
    assert [(r["frame"], r["part"]) for r in rows] == [(str(f["frame"]), p) for f in seen for p in PART_NAMES]
    assert {"time", "id", "x", "y", "score", "angle", "reps"} <= set(rows[0])
