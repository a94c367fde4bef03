"""The Streamlit side of PoseNet Studio: what the pages share, in rooms (see README, "Layout").

Arrows point one way: pages -> studio -> posenet_core, and inside studio from the pages'
rooms down to the plain ones (tests/test_layers.py checks the order). Serving never imports
TensorFlow (tests/test_no_tensorflow_at_serving.py).
"""

import logging


def _log_with_levels() -> None:
    """The app's own log lines say their level and module (``WARNING studio.live.callback: ...``):
    without a handler, Python's last-resort one prints the bare message."""
    logger = logging.getLogger("studio")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)


_log_with_levels()
