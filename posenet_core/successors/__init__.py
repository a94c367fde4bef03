"""PoseNet's successors in TF.js's pose-detection library, run by LiteRT: MoveNet Lightning,
Thunder and MultiPose (``movenet``) and BlazePose Lite and Full (``blazepose``: a person
detector, a crop, a landmark model). ``posenet_core.load_estimator`` puts them behind the same
interface as PoseNet; ``build`` rebuilds their vendored ``models/`` from the npm package."""
