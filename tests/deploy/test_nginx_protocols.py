"""The serving protocols through nginx (the web template in front of the api target's gunicorn, the fixtures
of test_nginx_e2e.py): TF Serving REST with the documented examples and tritonclient over the binary tensor
extension, answers equal to the bare SavedModel within 1e-4."""

from __future__ import annotations

import importlib.util
import json
import urllib.request
from pathlib import Path

import numpy as np
import pytest

_spec = importlib.util.spec_from_file_location("nginx_e2e", Path(__file__).with_name("test_nginx_e2e.py"))
_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_e2e)
api, web = _e2e.api, _e2e.web  # its module fixtures: the api target's gunicorn, and nginx in front of it

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def bare(kit):
    """The mnist SavedModel's signatures, loaded directly."""
    import tensorflow as tf

    path = sorted((kit.ROOT / "models" / "mnist").glob("*/saved_model.pb"), key=lambda p: int(p.parent.name))[-1]
    signatures = tf.saved_model.load(str(path.parent)).signatures

    def call(signature: str, images: np.ndarray) -> dict[str, np.ndarray]:
        return {k: v.numpy() for k, v in signatures[signature](images=tf.constant(images, tf.float32)).items()}

    return call


def test_tfserving_examples_through_nginx(kit, web, bare):
    examples = kit.ROOT / "docs" / "examples"
    for key, example in json.loads((examples / "serving.json").read_text()).items():
        if not key.startswith("tfserving"):
            continue
        body = (examples / example["body"]).read_bytes()
        request = urllib.request.Request(web["url"] + example["path"], data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        sent = json.loads(body)
        images = np.asarray(sent["inputs"]["images"] if "inputs" in sent else sent["instances"], np.float32)
        (expected,) = bare(example["signature"], images).values()
        got = answer["outputs"] if "inputs" in sent else answer["predictions"]
        assert float(np.max(np.abs(np.asarray(got) - expected))) < TOLERANCE, key


def test_tritonclient_through_nginx(web, bare):
    http = pytest.importorskip("tritonclient.http")
    client = http.InferenceServerClient(web["url"].removeprefix("http://"))
    try:
        assert client.is_server_ready() and client.is_model_ready("mnist")
        images = (np.random.default_rng(5).random((3, 28, 28, 1), dtype=np.float32) ** 6).astype(np.float32)
        tensor = http.InferInput("images", list(images.shape), "FP32")
        tensor.set_data_from_numpy(images)
        result = client.infer("mnist", [tensor], parameters={"signature_name": "encode"})
        assert float(np.max(np.abs(result.as_numpy("latent") - bare("encode", images)["latent"]))) < TOLERANCE
    finally:
        client.close()
