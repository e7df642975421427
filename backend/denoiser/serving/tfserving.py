"""TF Serving's REST API (https://www.tensorflow.org/tfx/serving/api_rest) for every served model.

GET /v1/models/<name>[/versions/<v>] (status), GET .../metadata (the SavedModel's signature defs as TF Serving
lists them), POST .../<name>[/versions/<v>]:predict in the row (`instances`) and columnar (`inputs`) formats.
The answers are the bare SavedModel signature's outputs (unclipped), so a client cannot tell this API from the
compose `tfserving` service. Errors are `{"error": "<message>"}` (errors.protocol_path).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from flask import Blueprint, jsonify, request

from denoiser.serving import tensors
from denoiser.serving.errors import ApiError

bp = Blueprint("tfserving", __name__)


def _not_found(name: str, version: int | None) -> ApiError:
    wanted = f"Latest({name[:64]})" if version is None else f"Specific({name[:64]}, {version})"
    return ApiError(404, "model_not_found", f"Servable not found for request: {wanted}")


@bp.get("/v1/models/<model:name>", defaults={"version": None})
@bp.get("/v1/models/<model:name>/versions/<int:version>")
def status(name: str, version: int | None):
    """TF Serving's model status: the served version, AVAILABLE.

    A version in the path must be the served one (404 otherwise)."""
    model = tensors.served(name, version, _not_found)
    return jsonify({"model_version_status": [
        {"version": str(model.version), "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}]})


@lru_cache(maxsize=64)
def signature_defs(path: Path) -> dict:
    """The serving meta graph's signature defs from saved_model.pb, as TF Serving's JSON writes them."""
    from google.protobuf import json_format
    from tensorflow.core.protobuf import saved_model_pb2

    saved = saved_model_pb2.SavedModel()
    saved.ParseFromString((path / "saved_model.pb").read_bytes())
    graph = next(g for g in saved.meta_graphs if "serve" in g.meta_info_def.tags)
    # with the fields at their defaults ("name": "" of each dim, "unknown_rank": false), as TF Serving prints them
    return {key: json_format.MessageToDict(graph.signature_def[key], preserving_proto_field_name=True,
                                           always_print_fields_with_no_presence=True)
            for key in sorted(graph.signature_def)}


@bp.get("/v1/models/<model:name>/metadata", defaults={"version": None})
@bp.get("/v1/models/<model:name>/versions/<int:version>/metadata")
def metadata(name: str, version: int | None):
    """The signature defs (serving_default = denoise, denoise, encode and, for decoders, decode).

    A version in the path must be the served one (404 otherwise)."""
    model = tensors.served(name, version, _not_found)
    return jsonify({"model_spec": {"name": model.name, "signature_name": "", "version": str(model.version)},
                    "metadata": {"signature_def": {"signature_def": signature_defs(model.path)}}})


def _named(value, names: list[str], where: str) -> dict:
    """{input name: value} from a single input's bare value or a dict of named inputs."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(names))
        missing = sorted(set(names) - set(value))
        if unknown or missing:
            raise ApiError(400, "bad_request", f"{where}: the signature's inputs are {names}; "
                                               f"unknown {unknown[:4]}, missing {missing}")
        return value
    if len(names) != 1:
        raise ApiError(400, "bad_request", f"{where}: name the inputs {names}")
    return {names[0]: value}


def _inputs(model, signature: str, body: dict) -> tuple[dict[str, np.ndarray], bool]:
    """The signature's inputs from `instances` (row format) or `inputs` (columnar), and whether rows."""
    if ("instances" in body) == ("inputs" in body):
        raise ApiError(400, "bad_request", "JSON object must have exactly one of 'instances' (row format) or "
                                           "'inputs' (columnar format)")
    names = list(model.signature_specs()[signature]["inputs"])
    if "instances" in body:
        rows = body["instances"]
        if not isinstance(rows, list) or not rows:
            raise ApiError(400, "bad_request", "'instances' must be a non-empty JSON list")
        named = [_named(row, names, f"instance {i}") for i, row in enumerate(rows[:10_000])]
        columns = {key: [row[key] for row in named] for key in names}
    else:
        columns = _named(body["inputs"], names, "'inputs'")
    arrays = {key: tensors.checked(model, signature, key, tensors.to_array(value, key))
              for key, value in columns.items()}
    return arrays, "instances" in body


@bp.route("/v1/models/<model:name>:predict", methods=["POST"], defaults={"version": None})
@bp.route("/v1/models/<model:name>/versions/<int:version>:predict", methods=["POST"])
def predict(name: str, version: int | None):
    """Run a signature (`signature_name`, default serving_default = denoise) on `instances` or `inputs`.

    A version in the path must be the served one (404 otherwise)."""
    model = tensors.served(name, version, _not_found)
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "the body must be a JSON object")
    signature_name = body.get("signature_name")
    if signature_name is not None and not isinstance(signature_name, str):
        raise ApiError(400, "bad_request", "'signature_name' must be a string")
    signature = tensors.signature_of(model, signature_name)
    inputs, rows = _inputs(model, signature, body)
    outputs = {key: value.tolist() for key, value in tensors.run(model, signature, inputs).items()}
    names = sorted(outputs)
    if rows:
        count = len(outputs[names[0]])
        if len(names) == 1:
            return jsonify({"predictions": outputs[names[0]]})
        return jsonify({"predictions": [{key: outputs[key][i] for key in names} for i in range(count)]})
    return jsonify({"outputs": outputs[names[0]] if len(names) == 1 else outputs})
