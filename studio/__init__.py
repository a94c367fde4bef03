"""The Streamlit side of PoseNet Studio: what the pages share.

Arrows point one way: pages -> studio -> posenet_core. Modules here that do not
import Streamlit (settings, pipeline, live_stats, ice, sources) are plain Python and
are tested without a browser.
"""

# Load aiortc's SRTP library before anything loads TensorFlow: in the other order the
# process dies with a segmentation fault (tensorflow 2.21 + pylibsrtp 1.0; both bring
# their own native libraries). Every page imports this package first.
import pylibsrtp  # noqa: E402, F401
