"""Position, Keypoint and Pose: small immutable values (their fast __init__ must not change that)."""

import dataclasses

import pytest

from posenet_core import Keypoint, Pose, Position


def test_fields_cannot_be_assigned_after_construction():
    keypoint = Keypoint("nose", Position(1.0, 2.0), 0.9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        keypoint.position.x = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        keypoint.score = 0.1


def test_values_compare_hash_and_print_by_their_fields():
    one, same, other = Position(1.0, 2.0), Position(1.0, 2.0), Position(2.0, 1.0)
    assert one == same and one != other and hash(one) == hash(same)
    assert repr(Keypoint("nose", one, 0.5)) == "Keypoint(part='nose', position=Position(x=1.0, y=2.0), score=0.5)"
    assert dataclasses.replace(Keypoint("nose", one, 0.5), score=0.25) == Keypoint("nose", one, 0.25)
    assert Keypoint(part="leftEye", position=one, score=0.5).part == "leftEye"  # keywords work too


def test_a_pose_round_trips_through_its_dictionary_fields():
    keypoint = Keypoint("nose", Position(3.0, 4.0), 0.75)
    record = Pose(0.5, (keypoint,), track_id=7).to_dict()
    assert record == {
        "score": 0.5,
        "keypoints": [{"part": "nose", "position": {"x": 3.0, "y": 4.0}, "score": 0.75}],
        "id": 7,
    }
