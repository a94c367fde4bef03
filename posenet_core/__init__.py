"""PoseNet (MobileNetV1 0.75) in Python: the 2018 TensorFlow.js article's API, on the server.

import posenet_core
net = posenet_core.load()
pose = net.estimate_single_pose(rgb_image)
poses = net.estimate_multiple_poses(rgb_image, max_detections=5)
"""

from . import angles, clip, export, params, reps, style
from .angles import draw_joint_angles, joint_angles
from .draw import draw_bounding_boxes, draw_keypoints, draw_pose_scores, draw_poses, draw_skeleton
from .draw_outputs import draw_displacement_vectors, draw_heatmap, draw_offset_vectors, draw_stride_grid
from .estimator import NetworkOutputs, PoseNet, load
from .estimators import DEFAULT_MODEL, MODEL_NAMES, MODELS, ModelInfo, check_model, load_estimator
from .export import pose_from_dict
from .legends import draw_displacement_legend, draw_heatmap_legend, draw_offset_legend, draw_score_legend
from .multi_pose import Candidate, MultiPoseTrace, WalkStep, candidate_roots, decode_multiple_poses
from .one_euro import OneEuroFilter
from .params import network_input_size, output_resolution, valid_input_size
from .parts import PART_NAMES, POSE_CHAIN, SKELETON
from .pose import Keypoint, Pose, Position
from .reps import RepCounter, RepRule
from .similarity import box_iou, object_keypoint_similarity
from .single_pose import argmax_cells, decode_single_pose, offset_vectors
from .style import pose_colour
from .tracking import MatchTrace, PoseTracker

__all__ = [
    "load",
    "PoseNet",
    "NetworkOutputs",
    "load_estimator",
    "check_model",
    "ModelInfo",
    "MODELS",
    "MODEL_NAMES",
    "DEFAULT_MODEL",
    "Pose",
    "Keypoint",
    "Position",
    "decode_single_pose",
    "argmax_cells",
    "offset_vectors",
    "decode_multiple_poses",
    "candidate_roots",
    "MultiPoseTrace",
    "MatchTrace",
    "Candidate",
    "WalkStep",
    "network_input_size",
    "valid_input_size",
    "output_resolution",
    "PART_NAMES",
    "POSE_CHAIN",
    "SKELETON",
    "draw_poses",
    "draw_keypoints",
    "draw_skeleton",
    "draw_bounding_boxes",
    "draw_pose_scores",
    "draw_heatmap",
    "draw_offset_vectors",
    "draw_displacement_vectors",
    "draw_stride_grid",
    "draw_heatmap_legend",
    "draw_offset_legend",
    "draw_displacement_legend",
    "draw_score_legend",
    "pose_colour",
    "style",
    "params",
    "PoseTracker",
    "OneEuroFilter",
    "box_iou",
    "object_keypoint_similarity",
    "clip",
    "angles",
    "joint_angles",
    "draw_joint_angles",
    "export",
    "pose_from_dict",
    "reps",
    "RepCounter",
    "RepRule",
]
