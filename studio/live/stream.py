"""One live stream: what its worker reads, what it publishes, and what it remembers between frames.

A page keeps one ``LiveStream`` per source in the session (``DemoKeys.live_stream``). It is
also the stream's identity where the server counts streams: admission holds a place for it
and the turns serve it; both keep it weakly, so a stream whose session is gone is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.live.stats import LiveStats
from studio.live.stream_tracker import StreamTracker
from studio.live.timeline import LiveTimeline
from studio.settings.demo import SettingsBox


@dataclass(eq=False)  # compared and hashed by identity: one object is one stream
class LiveStream:
    settings: SettingsBox  # the page's: written by each script run, read by the worker per frame
    stats: LiveStats = field(default_factory=LiveStats)  # published by the worker, shown by the page
    tracker: StreamTracker = field(default_factory=StreamTracker)  # IDs and smoothing across frames
    timeline: LiveTimeline = field(default_factory=LiveTimeline)  # chart, repetitions, recording
