"""What tests and benchmarks share: paths, small clips, and the browser harness (the app server, Chromium,
the fake camera, the demo page's page object, WebRTC probes, /proc readings, the hosted stack).

Import it as ``tests.support.<module>`` with the repository's root on ``sys.path`` (pytest run from
the root does that; a benchmark puts the root there), never by putting a folder of it on the path.
"""
