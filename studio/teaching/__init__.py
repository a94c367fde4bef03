"""The "How PoseNet decodes" teaching page: one frame, every decoding step.

Plain Python, tested without a browser: ``frames`` (the picture to study), ``lesson``
(what posenet_core decoded from it, step by step), ``canvas`` and ``charts`` (pictures
of it), ``text`` (how numbers are written). Streamlit: ``cache`` (cached network runs
and shared choices), ``steps`` and ``walk`` (the five decoding steps), ``across``
(step 6: tracking across frames), ``page`` (the page).
Every number shown is read from posenet_core's own outputs, decoders and trace:
nothing here decodes a second time.
"""
