"""The latent space: POST /decode, a model's latent map and the thumbnails of its digits."""

from __future__ import annotations

import math

import numpy as np
from flask import Blueprint, Response, current_app, g, jsonify, request

from denoiser import imaging
from denoiser.serving.errors import ApiError
from denoiser.serving.inference import prefers_png
from denoiser.serving.observability import observe_model

bp = Blueprint("latent", __name__)
MAX_DECODE = 64
KEYS = ("latent", "latents", "point", "points")


def _registry():
    return current_app.extensions["denoiser.registry"]


def _vectors(value, many: bool, length: int, key: str) -> np.ndarray:
    """A JSON list (or list of lists) of `length` finite numbers as float32 [N, length]; 400 otherwise."""
    rows = value if many else [value]
    what = f"`{key}` must be " + (f"a list of lists of {length} numbers" if many else f"a list of {length} numbers")
    if not isinstance(rows, list) or not rows:
        raise ApiError(400, "invalid_latent", what)
    if len(rows) > MAX_DECODE:
        raise ApiError(413, "too_many_images", f"at most {MAX_DECODE} codes or points per request, got {len(rows)}")
    for row in rows:
        if (not isinstance(row, list) or len(row) != length
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row)):
            raise ApiError(400, "invalid_latent", f"{what}, got {str(row)[:60]}")
        if not all(math.isfinite(v) for v in row):
            raise ApiError(400, "invalid_latent", f"`{key}` holds NaN or infinity")
    return np.asarray(rows, dtype=np.float32)


def _decoder(name):
    """The model to decode with; 422 cannot_decode naming the models that can."""
    registry = _registry()
    model = registry.get(name)
    if not model.can_decode:
        able = registry.decoders()
        hint = f"models that can: {', '.join(able)}" if able else "no served model can"
        raise ApiError(422, "cannot_decode", f"model {model.name} has no decoder (its code is not the whole "
                                             f"image); {hint}")
    return model


def _request_codes(body: dict, model) -> np.ndarray:
    """The codes [N, D] a decode request asks for: given directly or as positions on the latent map."""
    given = [key for key in KEYS if key in body]
    if len(given) != 1:
        raise ApiError(400, "invalid_latent", "send exactly one of `latent`, `latents`, `point`, `points`")
    key = given[0]
    if key.startswith("latent"):
        return _vectors(body[key], key == "latents", _latent_dim(model), key)
    if model.latent_map is None or model.latent_map.codes is None:
        raise ApiError(422, "cannot_decode", f"model {model.name} has no latent map to place points on")
    points = _vectors(body[key], key == "points", 2, key)
    return model.latent_map.codes_at(points)


def _latent_dim(model) -> int:
    return int(model.decode_fn.structured_input_signature[1]["latent"].shape[-1])


@bp.post("/decode")
def decode():
    """Turn codes, or positions on the latent map, into 28x28 digits (models that can decode)."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", 'send application/json: {"latent": [...]} or {"point": [x, y]}')
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "the body must be a JSON object")
    model_name = body.get("model")
    if model_name is not None and not isinstance(model_name, str):
        raise ApiError(400, "invalid_option", "`model` must be a string")
    model = _decoder(model_name)
    codes = _request_codes(body, model)
    with observe_model(model.name, "decode"):
        images = model.decode(codes)
    headers = {"X-Model": f"{model.name}/{model.version}"}
    if prefers_png():
        return Response(imaging.encode_png(images[0]), mimetype="image/png", headers=headers)
    results = [{"image": imaging.to_data_url(imaging.encode_png(image)),
                "latent": [round(float(v), 5) for v in code]} for image, code in zip(images, codes)]
    body = {"model": {"name": model.name, "version": model.version}, "results": results, **results[0],
            "request_id": g.request_id}
    return jsonify(body), 200, headers


def _mapped(name: str):
    model = _registry().get(name)
    if model.latent_map is None:
        raise ApiError(404, "not_found", f"model {name} has no latent map")
    return model


@bp.get("/models/<name>/latent-map")
def latent_map(name: str):
    """The model's 2-D map of test digits (positions, labels, test indices, the code's mean and spread)."""
    model = _mapped(name)
    return jsonify(model.latent_map.public(model.name, model.can_decode))


@bp.get("/models/<name>/latent-map/sprite.png")
def sprite(name: str):
    """All map digits in one PNG grid (cell i at column i % columns, row i // columns)."""
    model = _mapped(name)
    if model.sprite is None:
        raise ApiError(404, "not_found", f"model {name} has no latent map sprite")
    response = Response(model.sprite, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
