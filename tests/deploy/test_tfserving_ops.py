"""The TF Serving profile can load every served model: the pinned Serving release is built on the
TensorFlow the models were exported with, and every op in each SavedModel is one that TensorFlow knows.

TensorFlow Serving X.Y.0 is built against TensorFlow X.Y.0 (its Python API package,
tensorflow-serving-api X.Y.0, requires tensorflow>=X.Y.0). So when the installed TensorFlow has the
pinned release's X.Y, its op registry is the one the server has; the check is skipped otherwise.
No image is pulled: no registry is reachable here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def served_versions() -> list[Path]:
    """models/<name>/<highest integer version>/ of every model that has a SavedModel."""
    found = []
    for name in sorted(p for p in (ROOT / "models").iterdir() if p.is_dir()):
        versions = [v for v in name.iterdir() if v.name.isdigit() and (v / "saved_model.pb").is_file()]
        if versions:
            found.append(max(versions, key=lambda v: int(v.name)))
    return found


def major_minor(version: str) -> tuple[int, int]:
    """(2, 21) for '2.21.0', '2.21.0-gpu', 'v2.21.1'."""
    match = re.search(r"(\d+)\.(\d+)", version)
    assert match, f"not a version: {version!r}"
    return int(match.group(1)), int(match.group(2))


def serving_pin() -> str:
    """The tensorflow/serving tag docker-compose.yml defaults to."""
    match = re.search(r"TFSERVING_IMAGE:-tensorflow/serving:([^}\s]+)}", (ROOT / "docker-compose.yml").read_text())
    assert match, "docker-compose.yml: the tfserving image is ${TFSERVING_IMAGE:-tensorflow/serving:TAG}"
    return match.group(1)


def locked_tensorflow() -> str:
    """The tensorflow-cpu version requirements.lock pins."""
    match = re.search(r"^tensorflow-cpu==(\S+)$", (ROOT / "requirements.lock").read_text(), re.MULTILINE)
    assert match, "requirements.lock pins tensorflow-cpu"
    return match.group(1)


def read_saved_model(path: Path):
    """The SavedModel protocol buffer of one version directory."""
    from tensorflow.core.protobuf import saved_model_pb2

    saved_model = saved_model_pb2.SavedModel()
    saved_model.ParseFromString((path / "saved_model.pb").read_bytes())
    return saved_model


def graph_ops(meta_graph) -> set[str]:
    """Every op type in a MetaGraph: its graph and every function of its library (the signatures'
    StatefulPartitionedCall bodies and whatever they call)."""
    ops = {node.op for node in meta_graph.graph_def.node}
    for function in meta_graph.graph_def.library.function:
        ops.update(node.op for node in function.node_def)
    return ops


MODELS = served_versions()


def test_there_are_models_to_check():
    assert MODELS, "no models/<name>/<version>/saved_model.pb"


def test_serving_pin_matches_the_export_and_the_lock():
    pin = major_minor(serving_pin())
    assert pin == major_minor(locked_tensorflow()), "serve with the TensorFlow release the images install"
    for path in MODELS:
        exported = read_saved_model(path).meta_graphs[0].meta_info_def.tensorflow_version
        assert major_minor(exported) <= pin, f"{path.relative_to(ROOT)} was exported by TF {exported}"


@pytest.mark.parametrize("path", MODELS, ids=[str(p.relative_to(ROOT / "models")) for p in MODELS])
def test_every_op_is_known_to_the_pinned_release(path):
    import tensorflow as tf
    from tensorflow.python.framework import op_def_registry

    if major_minor(tf.__version__) != major_minor(serving_pin()):
        pytest.skip(f"installed TensorFlow {tf.__version__} is not the Serving pin's release {serving_pin()}")
    saved_model = read_saved_model(path)
    for meta_graph in saved_model.meta_graphs:
        assert "serving_default" in meta_graph.signature_def, "TF Serving's default signature"
        ops = graph_ops(meta_graph)
        unknown = sorted(op for op in ops if op_def_registry.get(op) is None)
        assert not unknown, f"ops TF {tf.__version__} does not register: {unknown}"
        assert len(ops) > 5, ops
