"""How long the server and the page wait before they decide a live stream is stuck or gone.

One table, in the order the rules act, so that they can be read against each other: a frame
that waits for its turn gives up before the browser calls the video frozen, a stream's place
is freed before its session is released, the page speaks up about a stalled connection before
admission gives the place away. The modules refer to these by name (noted after each).
"""

TURN_WAIT_S = 2.0  # a frame waits this long for its PoseNet turn, then goes back unprocessed (live.callback)
FROZEN_VIDEO_S = 3.0  # the browser: a live video with no new frame this long is "lost" (ui.connection_watch)
IDLE_PLACE_S = 4.0  # a stream that processed no frame this long loses its place (hosting.admission)
TAB_GONE_S = 5.0  # a session without a browser this long has its stream stopped (live.session_watch)
WORKER_STALLED_S = 5.0  # a worker that took no frame this long while frames arrive: its stream ends (live.relay)
NO_FRAMES_NOTICE_S = 5.0  # connected but no frame processed this long: the page says so (ui.live_panel)
STALLED_CONNECTING_S = 8.0  # still connecting this long: the page gives its ICE advice and checks the connection
UNREAD_S = 10.0  # a relayed source nobody read this long is stopped (live.relay)
CONNECTION_CHECKED_S = 14.0  # that check has its answer (it gathers ICE candidates till then; ui.connection_check)
CONNECTING_PLACE_S = 15.0  # a stream still connecting keeps its place this long (hosting.admission)
NO_VIDEO_ENDED_S = 15.0  # shown playing but no frame processed this long: the page ends it (ui.live_panel)
NEVER_READ_S = 60.0  # a relayed source never read at all is stopped after this (ICE can be slow; live.relay)
