""" "Analyse the whole clip": one clip through PoseNet in a background thread, bounded and polite.

Plain Python (no Streamlit). At most ``MAX_JOBS`` run in the server process at once (one
core is left for the live streams). A job takes a fair turn for every frame, like a live
stream (``live.turns``), so it never adds to the frames processed at once, and it pauses
after each frame while live streams run, so their fps hold; LiteRT releases the GIL while
the network runs, so the page and the streams stay responsive.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable

import posenet_core
from posenet_core import export
from posenet_core.clip import ClipCancelled, ClipError, ClipProgress, process_clip
from studio.live.pipeline import process_frame
from studio.live.stream_tracker import StreamTracker
from studio.live.turns import TURNS, default_slots
from studio.settings.demo import DemoSettings

MAX_JOBS = default_slots()  # all cores but one, as for the live streams' turns
PAUSE_WHILE_STREAMING_S = 0.05  # after each frame, while any live stream runs
TURN_CHECK_S = 0.5  # while waiting for a turn, how often to see whether the job was cancelled
_slots = threading.BoundedSemaphore(MAX_JOBS)


class ServerBusy(Exception):
    """Every job slot of this server is taken."""


class ClipJob:
    """One analysis: ``status`` goes "running" -> "done", "cancelled" or "failed"."""

    def __init__(
        self,
        clip: pathlib.Path,
        name: str,
        net: posenet_core.PoseNet,
        settings: DemoSettings,
        streams_running: Callable[[], bool] = lambda: False,
    ):
        self.clip, self.name, self.settings = clip, name, settings
        self._net, self._streams_running = net, streams_running
        self._tracker = StreamTracker()  # IDs and smoothing as the page's "Across frames" settings say
        self.directory = pathlib.Path(tempfile.mkdtemp(prefix="posenet-job-"))  # mode 0700
        weakref.finalize(self, shutil.rmtree, self.directory, ignore_errors=True)
        self.video_path = self.directory / "annotated.mp4"
        self.json_path = self.directory / "poses.json"
        self.csv_path = self.directory / "keypoints.csv"
        self.status = "running"
        self.error: str | None = None
        self.progress: ClipProgress | None = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Raises ``ServerBusy`` when every slot is taken (nothing is started then)."""
        if not _slots.acquire(blocking=False):
            raise ServerBusy
        self._thread = threading.Thread(target=self._run, name="studio-clip-job", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def join(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self._thread is None or not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self.status == "running"

    def _analyse(self, image, timestamp: float, wants_picture: bool):
        while not TURNS.acquire(self, timeout=TURN_CHECK_S):
            if self._cancel.is_set():
                raise ClipCancelled
        try:
            picture, report = process_frame(self._net, image, self.settings, self._tracker, timestamp)
        finally:
            TURNS.release()
        return report.poses, picture

    def _pause(self) -> float:
        return PAUSE_WHILE_STREAMING_S if self._streams_running() else 0.0

    def _run(self) -> None:
        try:
            result = process_clip(
                self.clip,
                self._analyse,
                out=self.video_path,
                on_progress=self._on_progress,
                cancel=self._cancel,
                pause_s=self._pause,
            )
            result["video"] = self.name  # the visitor's file name, not the server's temp path
            export.add_angles(result["frames"], self.settings.min_part_confidence)
            self.json_path.write_text(json.dumps(result, indent=1))
            self.csv_path.write_text(export.csv_text(result["frames"]))
            self.status = "done"
        except ClipCancelled:
            self.video_path.unlink(missing_ok=True)
            self.status = "cancelled"
        except (ClipError, ValueError, OSError) as error:
            self.error = error.message if isinstance(error, ClipError) else str(error)
            self.status = "failed"
        finally:
            _slots.release()

    def _on_progress(self, progress: ClipProgress) -> None:
        self.progress = progress
