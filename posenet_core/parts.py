"""The 17 COCO keypoints with the article's names, and the graphs that connect them."""

PART_NAMES = (
    "nose",
    "leftEye",
    "rightEye",
    "leftEar",
    "rightEar",
    "leftShoulder",
    "rightShoulder",
    "leftElbow",
    "rightElbow",
    "leftWrist",
    "rightWrist",
    "leftHip",
    "rightHip",
    "leftKnee",
    "rightKnee",
    "leftAnkle",
    "rightAnkle",
)
NUM_KEYPOINTS = len(PART_NAMES)


def part_words(name: str) -> str:
    """A part's name as people write it: ``leftWrist`` -> ``left wrist`` (``PART_NAMES`` stay the article's)."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name)


PART_WORDS = tuple(part_words(name) for name in PART_NAMES)
PART_IDS = {name: i for i, name in enumerate(PART_NAMES)}


def _ids(pairs):
    return tuple((PART_IDS[a], PART_IDS[b]) for a, b in pairs)


# The tree the multi-pose decoder walks, rooted at the nose. Edge e's displacement is in
# channels e (y) and 16 + e (x) of the forward (parent -> child) and backward
# (child -> parent) displacement outputs, so the order here is the network's.
POSE_CHAIN = _ids(
    [
        ("nose", "leftEye"),
        ("leftEye", "leftEar"),
        ("nose", "rightEye"),
        ("rightEye", "rightEar"),
        ("nose", "leftShoulder"),
        ("leftShoulder", "leftElbow"),
        ("leftElbow", "leftWrist"),
        ("leftShoulder", "leftHip"),
        ("leftHip", "leftKnee"),
        ("leftKnee", "leftAnkle"),
        ("nose", "rightShoulder"),
        ("rightShoulder", "rightElbow"),
        ("rightElbow", "rightWrist"),
        ("rightShoulder", "rightHip"),
        ("rightHip", "rightKnee"),
        ("rightKnee", "rightAnkle"),
    ]
)
NUM_EDGES = len(POSE_CHAIN)

# The bones drawn as a skeleton (the PoseNet demos' choice: limbs and torso, no face).
SKELETON = _ids(
    [
        ("leftHip", "leftShoulder"),
        ("leftElbow", "leftShoulder"),
        ("leftElbow", "leftWrist"),
        ("leftHip", "leftKnee"),
        ("leftKnee", "leftAnkle"),
        ("rightHip", "rightShoulder"),
        ("rightElbow", "rightShoulder"),
        ("rightElbow", "rightWrist"),
        ("rightHip", "rightKnee"),
        ("rightKnee", "rightAnkle"),
        ("leftShoulder", "rightShoulder"),
        ("leftHip", "rightHip"),
    ]
)
