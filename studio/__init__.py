"""The Streamlit side of PoseNet Studio: what the pages share.

Arrows point one way: pages -> studio -> posenet_core. Modules here that do not
import Streamlit (settings, pipeline, live_stats, ice, sources) are plain Python and
are tested without a browser.
"""

# Load aiortc's SRTP library before anything loads TensorFlow: in the other order the
# process dies with a segmentation fault (tensorflow 2.21 + pylibsrtp 1.0; both bring
# their own native libraries). Every page imports this package first.
import logging  # noqa: E402

import pylibsrtp  # noqa: E402, F401


def _log_with_levels() -> None:
    """The app's own log lines say their level and module (``WARNING studio.live.callback: ...``):
    without a handler, Python's last-resort one prints the bare message."""
    logger = logging.getLogger("studio")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)


_log_with_levels()
