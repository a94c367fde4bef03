"""The "How PoseNet decodes" teaching page: one frame, every decoding step.

``frames`` (what picture to study) and ``lesson`` (what posenet_core decoded from it)
and ``canvas`` (pictures of it) are plain Python; ``page`` and ``steps`` are the
Streamlit side. Every number shown is read from posenet_core's own outputs, decoders
and trace: nothing here decodes a second time.
"""
