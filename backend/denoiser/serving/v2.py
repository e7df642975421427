"""The Open Inference Protocol (KServe v2, Triton's HTTP/REST API) for every served model.

GET /v2 (server metadata), /v2/health/live, /v2/health/ready, /v2/models/<name>[/versions/<v>] (model
metadata), .../ready, and POST .../infer with JSON tensors or the binary tensor data extension
(`Inference-Header-Content-Length`, `binary_data_size`, `binary_data` / `binary_data_output`) that tritonclient
uses by default. One signature per request, chosen by the request parameter `signature_name` (serving_default
= denoise when absent; encode; decode), as in TF Serving: its inputs and outputs keep the SavedModel's names
(images -> denoised; images -> latent [, log_variance]; latent -> images). The model metadata lists the
default signature's tensors and, under `parameters.signatures`, every signature's. Datatype FP32 only.
Errors are `{"error": "<message>"}` (errors.protocol_path).
"""

from __future__ import annotations

import json
import math

import numpy as np
from flask import Blueprint, Response, current_app, jsonify, request

from denoiser import __version__
from denoiser.serving import tensors
from denoiser.serving.errors import ApiError

bp = Blueprint("v2", __name__)
HEADER_LENGTH = "Inference-Header-Content-Length"
PLATFORM = "tensorflow_savedmodel"


def _not_found(name: str, version: int | None) -> ApiError:
    suffix = "" if version is None else f" version {version}"
    return ApiError(404, "model_not_found", f"Request for unknown model: '{name[:64]}'{suffix} is not found")


def _registry():
    return current_app.extensions["denoiser.registry"]


@bp.get("/v2")
def server_metadata():
    """The server's name, version and protocol extensions."""
    return jsonify({"name": "denoiser", "version": __version__, "extensions": ["binary_tensor_data"]})


@bp.get("/v2/health/live")
def live():
    """The process answers."""
    return jsonify({"live": True})


@bp.get("/v2/health/ready")
def ready():
    """200 once models are loaded and warmed, 503 before."""
    if not _registry().ready:
        raise ApiError(503, "not_ready", "no model is loaded yet")
    return jsonify({"ready": True})


def _tensors(shapes: dict[str, list[int]]) -> list[dict]:
    return [{"name": key, "datatype": "FP32", "shape": shape} for key, shape in shapes.items()]


@bp.get("/v2/models/<model:name>", defaults={"version": None})
@bp.get("/v2/models/<model:name>/versions/<int:version>")
def model_metadata(name: str, version: int | None):
    """The model's name, served version, platform and (default signature's) tensors.

    A version in the path must be the served one (404 otherwise)."""
    model = tensors.served(name, version, _not_found)
    specs = model.signature_specs()
    signatures = {tensors.DEFAULT_SIGNATURE: specs["denoise"], **specs}
    return jsonify({
        "name": model.name, "versions": [str(model.version)], "platform": PLATFORM,
        "inputs": _tensors(specs["denoise"]["inputs"]), "outputs": _tensors(specs["denoise"]["outputs"]),
        "parameters": {"signatures": {key: {"inputs": _tensors(spec["inputs"]), "outputs": _tensors(spec["outputs"])}
                                      for key, spec in signatures.items()}}})


@bp.get("/v2/models/<model:name>/ready", defaults={"version": None})
@bp.get("/v2/models/<model:name>/versions/<int:version>/ready")
def model_ready(name: str, version: int | None):
    """200 for a served (loaded and warmed) model, 404 for an unknown one.

    A version in the path must be the served one (404 otherwise)."""
    model = tensors.served(name, version, _not_found)
    return jsonify({"name": model.name, "ready": True})


def _split_body() -> tuple[dict, bytes]:
    """The JSON inference header and the binary tensor data after it (empty without the extension)."""
    raw = request.get_data(cache=True)
    length = request.headers.get(HEADER_LENGTH)
    if length is None:
        header_bytes, binary = raw, b""
    else:
        if not length.strip().isdigit() or int(length) > len(raw):
            raise ApiError(400, "bad_request", f"{HEADER_LENGTH} must be a length within the body ({len(raw)} bytes)")
        header_bytes, binary = raw[:int(length)], raw[int(length):]
    try:
        header = json.loads(header_bytes)
    except (ValueError, RecursionError) as error:
        raise ApiError(400, "bad_request", f"the inference request is not JSON: {str(error)[:80]}") from error
    if not isinstance(header, dict):
        raise ApiError(400, "bad_request", "the inference request must be a JSON object")
    return header, binary


def _parameters(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(400, "bad_request", f"{where} parameters must be a JSON object")
    return value


def _input_arrays(model, signature: str, header: dict, binary: bytes) -> dict[str, np.ndarray]:
    """The request's input tensors, checked against the signature (names, FP32, shape, batch, values)."""
    wanted = list(model.signature_specs()[signature]["inputs"])
    given = header.get("inputs")
    if not isinstance(given, list) or not given:
        raise ApiError(400, "bad_request", "`inputs` must be a non-empty list of tensors")
    arrays, offset = {}, 0
    for tensor in given:
        if not isinstance(tensor, dict) or not isinstance(tensor.get("name"), str):
            raise ApiError(400, "bad_request", "every input needs a `name`")
        name = tensor["name"]
        if name not in wanted:
            raise ApiError(400, "bad_request", f"unexpected input {name[:64]!r}; signature {signature} takes {wanted}")
        if tensor.get("datatype") != "FP32":
            datatype = str(tensor.get("datatype"))[:16]
            raise ApiError(400, "bad_request", f"input {name}: datatype must be FP32, got {datatype}")
        shape = tensor.get("shape")
        if (not isinstance(shape, list) or not 0 < len(shape) <= 8
                or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 1 << 24 for d in shape)):
            raise ApiError(400, "bad_request", f"input {name}: `shape` must be a list of non-negative integers")
        count = math.prod(shape)
        size = _parameters(tensor.get("parameters"), f"input {name}").get("binary_data_size")
        if size is not None:
            if not isinstance(size, int) or isinstance(size, bool) or size != count * 4 or offset + size > len(binary):
                raise ApiError(400, "bad_request", f"input {name}: binary_data_size must be {count * 4} bytes "
                                                   f"(shape {shape} of FP32) within the binary data")
            flat = np.frombuffer(binary, dtype="<f4", count=count, offset=offset)
            offset += size
        else:
            if "data" not in tensor:
                raise ApiError(400, "bad_request", f"input {name}: no `data` and no binary_data_size")
            flat = tensors.to_array(tensor["data"], name).reshape(-1)
            if flat.size != count:
                raise ApiError(400, "bad_request", f"input {name}: {flat.size} values for shape {shape}")
        arrays[name] = tensors.checked(model, signature, name, flat.astype(np.float32).reshape(shape))
    if offset != len(binary):
        raise ApiError(400, "bad_request", f"{len(binary) - offset} bytes of binary data belong to no input")
    missing = sorted(set(wanted) - set(arrays))
    if missing:
        raise ApiError(400, "bad_request", f"missing inputs {missing} of signature {signature}")
    return arrays


def _requested(header: dict, names: list[str]) -> list[tuple[str, bool]]:
    """(output name, as binary data) for each output to send: those asked for, else every output."""
    default_binary = bool(_parameters(header.get("parameters"), "request").get("binary_data_output", False))
    asked = header.get("outputs")
    if asked is None:
        return [(name, default_binary) for name in names]
    if not isinstance(asked, list):
        raise ApiError(400, "bad_request", "`outputs` must be a list")
    chosen = []
    for output in asked:
        if not isinstance(output, dict) or output.get("name") not in names:
            raise ApiError(400, "bad_request", f"unexpected output {str(output)[:64]}; outputs: {names}")
        binary = _parameters(output.get("parameters"), f"output {output['name']}").get("binary_data", default_binary)
        chosen.append((output["name"], bool(binary)))
    return chosen


@bp.route("/v2/models/<model:name>/infer", methods=["POST"], defaults={"version": None})
@bp.route("/v2/models/<model:name>/versions/<int:version>/infer", methods=["POST"])
def infer(name: str, version: int | None):
    """Run one signature (`parameters.signature_name`, default serving_default = denoise).

    A version in the path must be the served one (404 otherwise)."""
    model = tensors.served(name, version, _not_found)
    header, binary = _split_body()
    parameters = _parameters(header.get("parameters"), "request")
    signature_name = parameters.get("signature_name")
    if signature_name is not None and not isinstance(signature_name, str):
        raise ApiError(400, "bad_request", "parameter signature_name must be a string")
    signature = tensors.signature_of(model, signature_name)
    inputs = _input_arrays(model, signature, header, binary)
    outputs = tensors.run(model, signature, inputs)
    wanted = _requested(header, sorted(outputs))
    answer = {"model_name": model.name, "model_version": str(model.version)}
    if isinstance(header.get("id"), str):
        answer["id"] = header["id"]
    answer["outputs"], blobs = [], []
    for key, as_binary in wanted:
        value = np.ascontiguousarray(outputs[key], dtype="<f4")
        entry = {"name": key, "datatype": "FP32", "shape": list(value.shape)}
        if as_binary:
            blobs.append(value.tobytes())
            entry["parameters"] = {"binary_data_size": len(blobs[-1])}
        else:
            entry["data"] = value.reshape(-1).tolist()
        answer["outputs"].append(entry)
    if not blobs:
        return jsonify(answer)
    head = json.dumps(answer, separators=(",", ":")).encode()
    return Response(head + b"".join(blobs), mimetype="application/octet-stream",
                    headers={HEADER_LENGTH: str(len(head))})
