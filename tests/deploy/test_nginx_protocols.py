"""The serving protocols through nginx (conftest's `web` in front of the api image's gunicorn): the documented
TF Serving REST examples and tritonclient over the binary tensor extension get, through nginx, the very
answers the API gives directly. That those answers equal the bare SavedModel's is tests/api's
(test_serving_protocols.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytestmark = pytest.mark.e2e


def test_tfserving_examples_through_nginx(kit, api, web):
    examples = kit.ROOT / "docs" / "examples"
    documented = {key: example for key, example in json.loads((examples / "serving.json").read_text()).items()
                  if key.startswith("tfserving")}
    assert documented
    for key, example in documented.items():
        body = (examples / example["body"]).read_bytes()
        answers = []
        for base in (api["url"], web["url"]):
            status, _, raw = kit.fetch(base + example["path"], body, {"Content-Type": "application/json"})
            assert status == 200, (key, base, raw[:300])
            answers.append(json.loads(raw))
        assert answers[0] == answers[1], key


def test_tritonclient_through_nginx(api, web):
    http = pytest.importorskip("tritonclient.http")
    images = (np.random.default_rng(5).random((3, 28, 28, 1), dtype=np.float32) ** 6).astype(np.float32)
    latents = []
    for base in (api["url"], web["url"]):
        client = http.InferenceServerClient(base.removeprefix("http://"))
        try:
            assert client.is_server_ready() and client.is_model_ready("mnist")
            tensor = http.InferInput("images", list(images.shape), "FP32")
            tensor.set_data_from_numpy(images)  # binary_data: the tensor extension's raw bytes after the JSON
            output = http.InferRequestedOutput("latent", binary_data=True)
            result = client.infer("mnist", [tensor], outputs=[output], parameters={"signature_name": "encode"})
            latents.append(result.as_numpy("latent"))
        finally:
            client.close()
    assert latents[0].shape == (3, latents[0].shape[1]) and np.array_equal(latents[0], latents[1])
