"""The Streamlit side of PoseNet Studio: what the pages share, in rooms (see README, "Layout").

Arrows point one way: pages -> studio -> posenet_core, and inside studio from the pages'
rooms down to the plain ones (tests/test_layers.py checks the order). Serving never imports
TensorFlow (tests/test_no_tensorflow_at_serving.py).
"""
