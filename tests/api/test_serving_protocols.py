"""TF Serving REST (/v1) and the Open Inference Protocol (/v2): answers equal to the bare SavedModel's
(tf.saved_model.load(...).signatures[...], within 1e-4), the protocols' answer and error shapes, limits, and
tritonclient against a live gunicorn."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
INDEX = {key: value for key, value in json.loads((EXAMPLES / "serving.json").read_text()).items()
         if not key.startswith("_")}
TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def bare(app):
    """bare(model, signature, **inputs) -> {output: numpy}: the SavedModel loaded anew, called directly."""
    import tensorflow as tf

    loaded = {}

    def call(name: str, signature: str, **inputs):
        model = app.extensions["denoiser.registry"].get(name)
        if name not in loaded:
            loaded[name] = tf.saved_model.load(str(model.path))
        outputs = loaded[name].signatures[signature](**{k: tf.constant(v, tf.float32) for k, v in inputs.items()})
        return {key: value.numpy() for key, value in outputs.items()}

    return call


def digits(count: int) -> np.ndarray:
    """Digit-like test images (sparse bright strokes), float32 [count, 28, 28, 1] in [0, 1]."""
    return (np.random.default_rng(7).random((count, 28, 28, 1), dtype=np.float32) ** 6).astype(np.float32)


def worst(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


@pytest.mark.parametrize("key", sorted(INDEX))
def test_documented_examples_equal_the_bare_savedmodel(client, bare, key):
    example = INDEX[key]
    body = json.loads((EXAMPLES / example["body"]).read_text())
    response = client.post(example["path"], json=body)
    assert response.status_code == 200, response.json
    if key.startswith("tfserving"):
        columns = body.get("inputs") or {"images": body["instances"]}
        images = np.asarray(columns["images"], np.float32)
        expected = bare("mnist", example["signature"], images=images)
        got = response.json["predictions"] if "instances" in body else response.json["outputs"]
    else:
        tensor = body["inputs"][0]
        images = np.asarray(tensor["data"], np.float32).reshape(tensor["shape"])
        expected = bare("mnist", example["signature"], images=images)
        output = response.json["outputs"][0]
        assert output["datatype"] == "FP32" and output["shape"] == list(expected[output["name"]].shape)
        got = np.asarray(output["data"]).reshape(output["shape"])
    (name, value), = expected.items()
    assert worst(got, value) < TOLERANCE


def test_tfserving_status_and_versions(client):
    answer = client.get("/v1/models/mnist").json
    assert answer == {"model_version_status": [
        {"version": "5", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}]}
    assert client.get("/v1/models/mnist/versions/5").json == answer
    missing = client.get("/v1/models/mnist/versions/4")
    assert missing.status_code == 404
    assert missing.json == {"error": "Servable not found for request: Specific(mnist, 4)"}
    unknown = client.get("/v1/models/nope")
    assert unknown.status_code == 404 and unknown.json == {"error": "Servable not found for request: Latest(nope)"}


def test_tfserving_metadata_lists_the_signature_defs(client):
    answer = client.get("/v1/models/mnist-vae/metadata").json
    assert answer["model_spec"] == {"name": "mnist-vae", "signature_name": "", "version": "1"}
    defs = answer["metadata"]["signature_def"]["signature_def"]
    assert {"serving_default", "denoise", "encode", "decode"} <= set(defs)
    images = defs["serving_default"]["inputs"]["images"]
    assert images["dtype"] == "DT_FLOAT"
    assert images["tensor_shape"] == {"dim": [{"size": size, "name": ""} for size in ("-1", "28", "28", "1")],
                                      "unknown_rank": False}
    assert defs["denoise"]["method_name"] == "tensorflow/serving/predict"
    assert set(defs["encode"]["outputs"]) == {"latent", "log_variance"}
    assert [d["size"] for d in defs["decode"]["inputs"]["latent"]["tensor_shape"]["dim"]] == ["-1", "16"]
    assert client.get("/v1/models/mnist-vae/versions/1/metadata").json == answer


@pytest.mark.parametrize("signature", ["serving_default", "denoise", "encode"])
def test_tfserving_row_and_columnar_equal_the_bare_savedmodel(client, bare, signature):
    images = digits(3)
    expected = bare("mnist-vae", signature, images=images)
    row = client.post("/v1/models/mnist-vae:predict", json={"signature_name": signature, "instances": images.tolist()})
    column = client.post("/v1/models/mnist-vae/versions/1:predict",
                         json={"signature_name": signature, "inputs": {"images": images.tolist()}})
    assert row.status_code == column.status_code == 200
    predictions, outputs = row.json["predictions"], column.json["outputs"]
    assert len(predictions) == 3
    if len(expected) == 1:  # one output: a list of arrays / the bare array
        (value,) = expected.values()
        assert worst(predictions, value) < TOLERANCE and worst(outputs, value) < TOLERANCE
    else:  # several: a list of {output: array} / {output: array}
        assert set(predictions[0]) == set(outputs) == set(expected)
        for key, value in expected.items():
            assert worst([p[key] for p in predictions], value) < TOLERANCE
            assert worst(outputs[key], value) < TOLERANCE


def test_tfserving_decode_and_named_instances(client, bare):
    latent = np.random.default_rng(3).normal(size=(2, 16)).astype(np.float32)
    expected = bare("mnist-vae", "decode", latent=latent)["images"]
    row = client.post("/v1/models/mnist-vae:predict",
                      json={"signature_name": "decode", "instances": [{"latent": v} for v in latent.tolist()]})
    assert row.status_code == 200 and worst(row.json["predictions"], expected) < TOLERANCE
    cannot = client.post("/v1/models/mnist:predict", json={"signature_name": "decode", "instances": latent.tolist()})
    assert cannot.status_code == 400 and "not found in signature def" in cannot.json["error"]


@pytest.mark.parametrize(("body", "status", "fragment"), [
    ({"instances": [[0.5, 0.5]]}, 400, "shape"),
    ({"inputs": {"images": [[[[2.0]] * 28] * 28]}}, 400, "[0, 1]"),
    ({"instances": [[["a"]] * 28]}, 400, "numbers"),
    ({"instances": [], }, 400, "non-empty"),
    ({"instances": [[[[0.0]] * 28] * 28], "inputs": {}}, 400, "exactly one"),
    ({}, 400, "exactly one"),
    ({"signature_name": "nope", "instances": [[[[0.0]] * 28] * 28]}, 400, "not found in signature def"),
    ({"inputs": {"latent": [[0.0] * 16]}}, 400, "unknown ['latent']"),
    ({"instances": [[[[0.0]] * 28] * 28] * 17}, 413, "at most 16"),
    ([1, 2], 400, "JSON object"),
])
def test_tfserving_errors_are_tf_serving_shaped(client, body, status, fragment):
    response = client.post("/v1/models/mnist:predict", json=body)
    assert response.status_code == status
    assert set(response.json) == {"error"} and fragment in response.json["error"], response.json


def test_protocol_routes_answer_405_and_413_in_their_shape(client, app):
    wrong = client.get("/v1/models/mnist:predict")
    assert wrong.status_code == 405 and set(wrong.json) == {"error"} and "POST" in wrong.headers["Allow"]
    too_big = client.post("/v2/models/mnist/infer", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
                          content_type="application/json")
    assert too_big.status_code == 413 and set(too_big.json) == {"error"}
    # the API's own routes keep their error shape
    assert set(client.get("/models/nope/examples").json) == {"error", "request_id"}


def test_v2_server_and_model_metadata(client):
    assert client.get("/v2/health/live").status_code == 200
    assert client.get("/v2/health/ready").status_code == 200
    assert "binary_tensor_data" in client.get("/v2").json["extensions"]
    meta = client.get("/v2/models/mnist-vae").json
    assert meta["name"] == "mnist-vae" and meta["versions"] == ["1"] and meta["platform"] == "tensorflow_savedmodel"
    assert meta["inputs"] == [{"name": "images", "datatype": "FP32", "shape": [-1, 28, 28, 1]}]
    assert meta["outputs"] == [{"name": "denoised", "datatype": "FP32", "shape": [-1, 28, 28, 1]}]
    encode = meta["parameters"]["signatures"]["encode"]["outputs"]
    assert [o["name"] for o in encode] == ["latent", "log_variance"]
    assert client.get("/v2/models/mnist-vae/versions/1").json == meta
    assert client.get("/v2/models/mnist-vae/ready").json == {"name": "mnist-vae", "ready": True}
    assert client.get("/v2/models/mnist/versions/4/ready").status_code == 404
    assert set(client.get("/v2/models/nope").json) == {"error"}


def test_v2_binary_request_and_answer(client, bare):
    images = digits(2)
    header = json.dumps({"parameters": {"signature_name": "encode"},
                         "inputs": [{"name": "images", "datatype": "FP32", "shape": [2, 28, 28, 1],
                                     "parameters": {"binary_data_size": images.nbytes}}],
                         "outputs": [{"name": "latent", "parameters": {"binary_data": True}},
                                     {"name": "log_variance"}]}).encode()
    response = client.post("/v2/models/mnist-vae/infer", data=header + images.tobytes(),
                           headers={"Inference-Header-Content-Length": str(len(header))},
                           content_type="application/octet-stream")
    assert response.status_code == 200
    length = int(response.headers["Inference-Header-Content-Length"])
    answer = json.loads(response.data[:length])
    latent_out, log_variance_out = answer["outputs"]
    latent = np.frombuffer(response.data[length:], "<f4").reshape(latent_out["shape"])
    expected = bare("mnist-vae", "encode", images=images)
    assert latent_out["parameters"]["binary_data_size"] == latent.nbytes
    assert worst(latent, expected["latent"]) < TOLERANCE
    assert worst(log_variance_out["data"], expected["log_variance"].reshape(-1)) < TOLERANCE


@pytest.mark.parametrize(("tensor", "fragment"), [
    ({"name": "images", "datatype": "FP64", "shape": [1, 28, 28, 1], "data": [0.0] * 784}, "FP32"),
    ({"name": "images", "datatype": "FP32", "shape": [1, 28, 28], "data": [0.0] * 784}, "shape"),
    ({"name": "images", "datatype": "FP32", "shape": [1, 28, 28, 1], "data": [0.0] * 783}, "783 values"),
    ({"name": "pixels", "datatype": "FP32", "shape": [1, 28, 28, 1], "data": [0.0] * 784}, "unexpected input"),
    ({"name": "images", "datatype": "FP32", "shape": [1, 28, 28, 1],
      "parameters": {"binary_data_size": 3136}}, "binary_data_size"),
])
def test_v2_bad_tensors_are_400(client, tensor, fragment):
    response = client.post("/v2/models/mnist/infer", json={"inputs": [tensor]})
    assert response.status_code == 400 and set(response.json) == {"error"}
    assert fragment in response.json["error"], response.json


def test_protocol_routes_are_counted_per_route(client):
    client.post("/v1/models/mnist:predict", json={})
    client.get("/v2/models/mnist/ready")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'route="/v1/models/<model:name>:predict",status="400"' in text
    assert 'route="/v2/models/<model:name>/ready",status="200"' in text


# tritonclient (PyPI) against the live gunicorn of conftest.py


@pytest.fixture(scope="module")
def triton(live_server):
    http = pytest.importorskip("tritonclient.http")
    base, _ = live_server
    client = http.InferenceServerClient(base.removeprefix("http://"))
    yield http, client
    client.close()


@pytest.mark.e2e
def test_tritonclient_health_and_metadata(triton):
    _, client = triton
    assert client.is_server_live() and client.is_server_ready()
    assert client.is_model_ready("mnist") and not client.is_model_ready("nope")
    assert client.get_server_metadata()["name"] == "denoiser"
    meta = client.get_model_metadata("mnist-vae")
    assert meta["inputs"][0] == {"name": "images", "datatype": "FP32", "shape": [-1, 28, 28, 1]}


@pytest.mark.e2e
@pytest.mark.parametrize("binary", [True, False])
def test_tritonclient_infer_equals_the_bare_savedmodel(triton, bare, binary):
    http, client = triton
    images = digits(4)
    tensor = http.InferInput("images", list(images.shape), "FP32")
    tensor.set_data_from_numpy(images, binary_data=binary)
    result = client.infer("mnist-vae", [tensor], outputs=[http.InferRequestedOutput("denoised", binary_data=binary)])
    assert worst(result.as_numpy("denoised"), bare("mnist-vae", "denoise", images=images)["denoised"]) < TOLERANCE
    encoded = client.infer("mnist-vae", [tensor], model_version="1", parameters={"signature_name": "encode"})
    expected = bare("mnist-vae", "encode", images=images)
    for key in ("latent", "log_variance"):
        assert worst(encoded.as_numpy(key), expected[key]) < TOLERANCE


@pytest.mark.e2e
def test_tritonclient_bad_shape_and_datatype_are_errors(triton):
    http, client = triton
    from tritonclient.utils import InferenceServerException

    flat = http.InferInput("images", [1, 784], "FP32")
    flat.set_data_from_numpy(np.zeros((1, 784), np.float32))
    wide = http.InferInput("images", [1, 28, 28, 1], "FP64")
    wide.set_data_from_numpy(np.zeros((1, 28, 28, 1), np.float64))
    for tensor, fragment in ((flat, "shape"), (wide, "FP32")):
        with pytest.raises(InferenceServerException) as error:
            client.infer("mnist", [tensor])
        assert fragment in error.value.message()
        assert error.value.status() == "400"


def test_every_served_model_and_signature_equals_the_bare_savedmodel(app, client, bare):
    images = digits(8)
    for name, model in sorted(app.extensions["denoiser.registry"].models.items()):
        signatures = ["serving_default", "encode"] + (["decode"] if model.can_decode else [])
        for signature in signatures:
            if signature == "decode":
                inputs = {"latent": bare(name, "encode", images=images)["latent"]}
            else:
                inputs = {"images": images}
            expected = bare(name, signature, **inputs)
            answer = client.post(f"/v1/models/{name}:predict", json={
                "signature_name": signature, "inputs": {k: v.tolist() for k, v in inputs.items()}}).json["outputs"]
            for key, value in expected.items():
                got = answer if len(expected) == 1 else answer[key]
                assert worst(got, value) < TOLERANCE, (name, signature, key)


@pytest.mark.e2e
def test_kserve_rest_client(live_server, bare, tmp_path):
    # The KServe SDK cannot share the project's venv (kserve_client.py says why): run when $KSERVE_PYTHON
    # names an interpreter that has it.
    import os
    import subprocess

    python = os.environ.get("KSERVE_PYTHON")
    if not python:
        pytest.skip("set KSERVE_PYTHON to a python with the kserve SDK (see tests/api/kserve_client.py)")
    base, _ = live_server
    images = digits(3)
    np.save(tmp_path / "images.npy", images)
    result = subprocess.run([python, str(Path(__file__).with_name("kserve_client.py")), base,
                             str(tmp_path / "images.npy"), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["live"] and report["ready"] and report["model_ready"]
    assert "400" in report["bad_shape"] and "shape" in report["bad_shape"]
    for signature, output in (("serving_default", "denoised"), ("encode", "latent")):
        expected = bare("mnist", signature, images=images)[output]
        assert worst(np.load(tmp_path / f"{signature}-{output}.npy"), expected) < TOLERANCE
