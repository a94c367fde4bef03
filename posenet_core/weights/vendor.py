"""Convert the TensorFlow.js PoseNet weights into the compact .npz the library loads.

Run once when the weights change:

    python -m posenet_core.weights.vendor ../shared/models/posenet_mobilenet_v1_075

The TF.js graph stores its 62 tensors as anonymous ``Const_N`` nodes; this script
follows the graph's node inputs to give each one the layer name it belongs to
(``Conv2d_3_depthwise/weights``, ``offset_2/biases``, ...), so the library never needs
the TF.js topology.
"""

import hashlib
import json
import pathlib
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent / "posenet_mobilenet_v1_075.npz"


def layer_name(node_name: str) -> str:
    # "MobilenetV1/MobilenetV1/Conv2d_3_depthwise/BatchNorm/..." -> "Conv2d_3_depthwise"
    # "MobilenetV1/MobilenetV1/Conv2d_0/Relu6" -> "Conv2d_0"; "MobilenetV1/heatmap_2/BiasAdd" -> "heatmap_2"
    parts = node_name.split("/")
    return parts[2] if parts[1] == "MobilenetV1" else parts[1]


def main(model_dir: str) -> None:
    model_dir = pathlib.Path(model_dir)
    spec = json.loads((model_dir / "model.json").read_text())
    blob = (model_dir / "posenet.bin").read_bytes()

    tensors, offset = {}, 0
    for entry in spec["weightsManifest"][0]["weights"]:
        count = int(np.prod(entry["shape"]))
        tensors[entry["name"]] = np.frombuffer(blob, "<f4", count, offset).reshape(entry["shape"])
        offset += 4 * count
    if offset != len(blob):
        raise ValueError(f"the manifest covers {offset} bytes of the {len(blob)}-byte .bin file")

    named = {}
    for node in spec["modelTopology"]["node"]:
        if node["op"] == "Const" or "input" not in node:
            continue
        _, kernel, bias = node["input"]
        layer = layer_name(node["name"])
        named[f"{layer}/weights"] = tensors[kernel]
        named[f"{layer}/biases"] = tensors[bias]
    if not len(named) == len(tensors) == 62:
        raise ValueError(f"expected 62 named tensors, got {len(named)} of {len(tensors)}")

    np.savez_compressed(OUT, **named)
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB, sha256 {digest[:16]}...)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/models/posenet_mobilenet_v1_075")
