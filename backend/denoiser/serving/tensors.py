"""What the serving protocols (TF Serving REST in tfserving.py, Open Inference Protocol v2 in v2.py) share:
signature names, the served model and version a path names, checking an input tensor, calling a signature."""

from __future__ import annotations

import numpy as np
from flask import current_app
from werkzeug.routing import BaseConverter

from denoiser.serving.errors import ApiError
from denoiser.serving.observability import observe_model

DEFAULT_SIGNATURE = "serving_default"
# serving_default is the SavedModel's alias of denoise (as exported by denoiser.models.export)
ALIASES = {DEFAULT_SIGNATURE: "denoise", "denoise": "denoise", "encode": "encode", "decode": "decode"}


class ModelNameConverter(BaseConverter):
    """`<model:name>`: a served model's name (registry.NAME_PATTERN), which stops at ':' so that
    `/v1/models/<model:name>:predict` splits `mnist:predict` into the name and the verb."""

    regex = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"


def served(name: str, version: int | None, not_found):
    """The served model `name` at `version` (None: the served one); `not_found(name, version)` builds the 404."""
    registry = current_app.extensions["denoiser.registry"]
    if not registry.models:
        raise ApiError(503, "not_ready", "no model is loaded yet")
    model = registry.models.get(name)
    if model is None:
        raise not_found(name, version)
    if version is not None and version != model.version:
        raise not_found(name, version)
    return model


def signature_of(model, name: str | None) -> str:
    """The signature (denoise, encode, decode) that `name` picks; 400 for one the model does not have."""
    name = DEFAULT_SIGNATURE if name in (None, "") else name
    if not isinstance(name, str) or name not in ALIASES or name not in _names(model):
        raise ApiError(400, "bad_request", f'Serving signature name: "{str(name)[:64]}" not found in signature def '
                                           f"(this model has: {', '.join(_names(model))})")
    return ALIASES[name]


def _names(model) -> list[str]:
    return [DEFAULT_SIGNATURE, "denoise", "encode"] + (["decode"] if model.can_decode else [])


def checked(model, signature: str, name: str, value: np.ndarray) -> np.ndarray:
    """`value` as the float32 input `name` of `signature`: its shape (batch first), a batch within the limit,
    finite numbers, images in [0, 1]; 400 (413 for too big a batch) otherwise."""
    spec = model.signature_specs()[signature]["inputs"]
    if name not in spec:
        raise ApiError(400, "bad_request", f"signature {signature} has no input {name[:64]!r}; "
                                           f"its inputs: {', '.join(spec)}")
    shape = spec[name]
    if value.ndim != len(shape) or any(want not in (-1, got) for want, got in zip(shape, value.shape)):
        raise ApiError(400, "bad_request", f"input {name} must have shape {shape} (-1: any), got {list(value.shape)}")
    limit = current_app.extensions["denoiser.settings"].max_batch
    if len(value) == 0:
        raise ApiError(400, "bad_request", f"input {name} holds no example")
    if len(value) > limit:
        raise ApiError(413, "too_many_images", f"at most {limit} examples per request, got {len(value)}")
    if not np.all(np.isfinite(value)):
        raise ApiError(400, "bad_request", f"input {name} holds NaN or infinity")
    if name == "images" and (value.min() < 0.0 or value.max() > 1.0):
        raise ApiError(400, "bad_request", "input images must hold numbers in [0, 1] (white digit on black)")
    return value.astype(np.float32, copy=False)


def to_array(value, name: str) -> np.ndarray:
    """A JSON (nested) list of numbers as float64 numpy; 400 for ragged lists or non-numbers."""
    if isinstance(value, bool) or not isinstance(value, (list, int, float)):
        raise ApiError(400, "bad_request", f"input {name} must be a (nested) list of numbers")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        raise ApiError(400, "bad_request", f"input {name} must be a rectangular (nested) list of numbers") from error
    if array.dtype == object:
        raise ApiError(400, "bad_request", f"input {name} must be a rectangular (nested) list of numbers")
    return array


def run(model, signature: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Call the signature (timed into the model-latency histogram) and return its raw outputs."""
    with observe_model(model.name, signature):
        return model.run(signature, **inputs)
