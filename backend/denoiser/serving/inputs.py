"""Reading a /denoise or /encode request: images (multipart, base64 JSON, data URL, instances) and options."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import get_args

import numpy as np
from flask import Request
from pydantic import ValidationError

from denoiser.imaging import IMAGE_SIZE
from denoiser.serving.errors import ApiError
from denoiser.serving.schemas import MAX_SEED, Options

OPTION_NAMES = ("noise", "level", "seed", "preprocess", "model", "uncertainty", "methods")  # methods: /compare only
OPTION_FIELDS = frozenset(Options.model_fields)
__all__ = ["MAX_SEED", "OPTION_NAMES", "Options", "Payload", "for_model", "parse_options", "read_payload"]


@dataclass
class Payload:
    """The request's images: encoded bytes, or ready 28x28 float arrays from `instances`."""

    images: list[bytes]
    instances: np.ndarray | None
    options: dict


def _decode_base64(text: object) -> bytes:
    """A base64 string or `data:<type>;base64,` URL -> bytes."""
    if not isinstance(text, str) or not text:
        raise ApiError(422, "invalid_image", "`image` must be a non-empty base64 string or data URL")
    if text.startswith("data:"):
        header, _, text = text.partition(",")
        if not header.endswith(";base64"):
            raise ApiError(422, "invalid_image", "only base64 data URLs are accepted")
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ApiError(422, "invalid_image", "`image` is not valid base64") from error


def _instances(value: object) -> np.ndarray:
    """TensorFlow-Serving style `instances` -> float32 [N, 28, 28, 1] in [0, 1]."""
    if not isinstance(value, list) or not value:
        raise ApiError(422, "invalid_image", "`instances` must be a non-empty list of 28x28 arrays")
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ApiError(422, "invalid_image", "`instances` must hold numbers in 28x28 arrays") from error
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 3 or array.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise ApiError(422, "invalid_image", f"each instance must be 28x28, got shape {list(array.shape)}")
    if not np.isfinite(array).all() or array.min() < 0 or array.max() > 255:
        raise ApiError(422, "invalid_image", "instance values must be floats in [0, 1] or ints 0..255")
    scaled = array / 255.0 if array.max() > 1.0 else array
    return scaled.astype(np.float32)[..., None]


def read_payload(request: Request, max_batch: int) -> Payload:
    """Images and raw options from a multipart or JSON request (415 for any other body type)."""
    if request.mimetype == "multipart/form-data":
        files = request.files.getlist("image")
        if not files:
            raise ApiError(400, "missing_image", "send one or more files in the multipart field `image`")
        if len(files) > max_batch:
            raise ApiError(413, "too_many_images", f"at most {max_batch} images per request")
        options = {key: request.form.get(key) for key in OPTION_NAMES if key in request.form}
        return Payload([file.read() for file in files], None, options)
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "bad_request", "the body must be a JSON object")
        options = {key: body[key] for key in OPTION_NAMES if key in body}
        if "instances" in body:
            instances = _instances(body["instances"])
            if len(instances) > max_batch:
                raise ApiError(413, "too_many_images", f"at most {max_batch} images per request")
            return Payload([], instances, options)
        images = body.get("image")
        if images is None:
            raise ApiError(400, "missing_image", "send `image` (base64 or data URL) or `instances`")
        images = images if isinstance(images, list) else [images]
        if not images:
            raise ApiError(400, "missing_image", "`image` is an empty list")
        if len(images) > max_batch:
            raise ApiError(413, "too_many_images", f"at most {max_batch} images per request")
        return Payload([_decode_base64(image) for image in images], None, options)
    if not request.mimetype:
        raise ApiError(400, "missing_image", "send multipart/form-data or application/json with an image")
    raise ApiError(415, "unsupported_media_type",
                   f"{request.mimetype} is not accepted; use multipart/form-data or application/json")


MUST_BE = {float: "a number", int: "an integer", str: "a string", bool: "true or false"}  # by the option's type


def _message(error: dict) -> str:
    """The first pydantic error as a message naming the option and what it must be (or be one of)."""
    key = error["loc"][0]
    field = Options.model_fields[key]
    if error["type"] == "literal_error":
        return f"`{key}` must be one of {', '.join(get_args(field.annotation))}"
    if error["type"] == "finite_number":
        return f"`{key}` must be finite"
    if error["type"] in ("greater_than_equal", "less_than_equal"):
        bounds = {name: getattr(rule, name) for rule in field.metadata for name in ("ge", "le") if hasattr(rule, name)}
        return f"`{key}` must be within [{bounds['ge']}, {bounds['le']}]"
    return f"`{key}` must be {MUST_BE.get(field.annotation, 'valid')}"


def for_model(options: Options, model) -> Options:
    """`options` with the model's own preprocessing when none was asked for (a model trained on your own small
    images is served as it was trained: its card's `preprocess`)."""
    if options.preprocess is not None:
        return options
    return options.model_copy(update={"preprocess": model.preprocess})


def parse_options(raw: dict) -> Options:
    """The options validated by the contract's `Options` model (an empty or null value means the default);
    invalid values raise ApiError 400 `invalid_option` naming the option and what it must be."""
    given = {key: value for key, value in raw.items() if key in OPTION_FIELDS and value not in (None, "")}
    try:
        return Options.model_validate(given)
    except ValidationError as error:
        raise ApiError(400, "invalid_option", _message(error.errors(include_url=False)[0])) from error
