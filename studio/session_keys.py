"""Every ``st.session_state`` key the app uses, built here and nowhere else.

Streamlit keeps a widget's value under its ``key``, and the app keeps its own per-session
objects beside them (the settings box the video worker reads, live stats, streamer
contexts). Pages, modules and tests name a key through these helpers, so two places can
never spell the same key differently. Plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

# The app as a whole (site_map.note_page): the page shown, and how often the user changed pages.
APP_PAGE = "studio:page"
APP_PAGE_VISITS = "studio:page_visit"
ICE_SETUP = "studio:ice_setup"  # the IceSetup the page used (hosting.ice), for the live panel's advice
TURN_CREDENTIALS = "studio:turn_credentials"  # this session's TURN username and password (hosting.ice)


@dataclass(frozen=True)
class DemoKeys:
    """The keys of one demo page (``page``: "single" or "multi"); each page has its own."""

    page: str
    # Keys that are also CSS classes (``st-key-<key>``) the app's CSS styles (studio/ui/app_css.py).
    STREAMER_HELPER: ClassVar[str] = "streamer-helper"
    CONNECTION_WATCH: ClassVar[str] = "connection-watch"
    CONNECTION_CHECK: ClassVar[str] = "connection-check"
    LIVE_NUMBERS: ClassVar[str] = "live-numbers"

    def widget(self, name: str) -> str:
        """A widget's key: a DemoSettings field (``settings.table.PARAMETERS``) or "source"."""
        return f"{self.page}:{name}"

    @property
    def source(self) -> str:
        return self.widget("source")

    @property
    def settings(self) -> str:
        """The SettingsBox the video worker reads."""
        return f"{self.page}:settings"

    @property
    def last_source(self) -> str:
        return f"{self.page}:last_source"

    @property
    def link_notices(self) -> str:
        """The share link's notices, shown until the user changes that setting."""
        return f"{self.page}:link_notices"

    @property
    def link_start(self) -> str:
        """The widgets' values this visit started with: a notice goes once its setting changes."""
        return f"{self.page}:link_start"

    @property
    def connecting_since(self) -> str:
        return f"{self.page}:connecting_since"

    @property
    def playing_since(self) -> str:
        """When the page first saw the current stream playing (the live panel's "no video" check)."""
        return f"{self.page}:playing_since"

    def stream(self, source: str) -> str:
        """The streamer's key for a source: streamlit-webrtc keeps its context there."""
        return f"{self.page}:{source}"

    def stream_visit(self, source: str) -> str:
        """The page visit in which that streamer was last rendered."""
        return f"{self.stream(source)}:visit"

    def live_stream(self, source: str) -> str:
        """The LiveStream of that source (studio.live.stream): settings box, stats and tracker."""
        return f"{self.page}:live:{source}"

    # A visitor's own clip (studio/clips/upload.py, analysis.py, snapshot.py).
    @property
    def clip(self) -> str:
        """The session's SessionClip: the uploaded file."""
        return f"{self.page}:clip"

    @property
    def clip_upload(self) -> str:
        return f"{self.page}:clip_upload"

    @property
    def clip_job(self) -> str:
        """The session's ClipJob: "Analyse the whole clip"."""
        return f"{self.page}:clip_job"

    @property
    def snapshot(self) -> str:
        """The last live frame saved with "Snapshot"."""
        return f"{self.page}:snapshot"

    def clip_tool(self, name: str) -> str:
        """A widget (or a note) of the clip tools: "start", "cancel", "video", "snapshot_png", ..."""
        return f"{self.page}:clip_tool:{name}"

    def over_time(self, name: str) -> str:
        """A widget (or an object) of the chart over time, the repetition counter and the recording:
        "series", "rep_joint", "rep_thresholds", "recordings:<source>", "timeline:<source>", ..."""
        return f"{self.page}:over_time:{name}"

    @property
    def streamer_helper(self) -> str:
        """The layout helper beside the streamer (studio/ui/layout.py); its state holds a refused camera's error.
        Also its CSS class (``st-key-streamer-helper-...``), which the app's CSS hides."""
        return f"{self.STREAMER_HELPER}-{self.page}"

    @property
    def connection_watch(self) -> str:
        """The script that tells the user when the server is lost (studio/ui/connection_watch.py).
        Also its CSS class (``st-key-connection-watch-...``), which the app's CSS hides."""
        return f"{self.CONNECTION_WATCH}-{self.page}"

    @property
    def connection_check(self) -> str:
        """The script that checks this browser's connection (studio/ui/connection_doctor.py); its state
        holds the browser's report. Also its CSS class (``st-key-connection-check-...``), hidden by the app's CSS."""
        return f"{self.CONNECTION_CHECK}-{self.page}"

    def doctor(self, name: str) -> str:
        """The connection doctor's own (studio/ui/connection_doctor.py): "button", "request" (the check
        asked for), "stalled" (when the stalled attempt began), "auto_for", "diagnosis"."""
        return f"{self.page}:doctor:{name}"

    @property
    def live_numbers(self) -> str:
        """The row of live metrics: a container's key, for its CSS class (``st-key-live-numbers-...``)."""
        return f"{self.LIVE_NUMBERS}-{self.page}"


class TeachKeys:
    """The teaching page's keys: one page, one set."""

    SOURCE = "teach:source"
    CAMERA = "teach:camera"
    UPLOAD = "teach:upload"
    FROM_LIVE = "teach:from_live"  # a live page's snapshot sent here: (PNG bytes, name)
    STEP = "step"  # also the URL's query key: the open tab is in the link (as its slug, page.step_slug)
    STEP_IN_LINK = "teach:step_in_link"  # the slug the page last wrote into the link
    SCALE_FACTOR = "teach:scale_factor"
    OUTPUT_STRIDE = "teach:output_stride"
    MAX_DETECTIONS = "teach:max_detections"
    SCORE_THRESHOLD = "teach:score_threshold"
    NMS_RADIUS = "teach:nms_radius"
    HEATMAP_PART = "teach:heatmap_part"
    SINGLE_PART = "teach:single_part"
    COMPARE_MODE = "teach:compare_mode"
    WALK_STEP = "teach:walk_step"
    WALK_SIGNATURE = "teach:walk_signature"
    STEPPER = "teach-stepper"  # the walk's buttons' row: a container's key, for its CSS class (studio/ui/app_css.py)

    @staticmethod
    def walk_button(label: str) -> str:
        return f"teach:walk_{label.lower()}"
