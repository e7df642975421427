"""Reading a /denoise or /encode request: images (multipart, base64 JSON, data URL, instances) and options."""

from __future__ import annotations

import base64
import binascii
import math
import secrets
from dataclasses import dataclass

import numpy as np
from flask import Request

from denoiser.imaging import IMAGE_SIZE, PREPROCESS_MODES
from denoiser.imaging.noise import NOISE_TYPES
from denoiser.serving.errors import ApiError

OPTION_NAMES = ("noise", "level", "seed", "preprocess", "model", "methods")  # methods: /compare only
MAX_SEED = 2**32 - 1


@dataclass
class Payload:
    """The request's images: encoded bytes, or ready 28x28 float arrays from `instances`."""

    images: list[bytes]
    instances: np.ndarray | None
    options: dict


@dataclass
class Options:
    """Validated request options (defaults from docs/api-contract.md)."""

    noise: str = "none"  # the API denoises what it is given; the UI's demo asks for added noise
    level: float = 0.5
    seed: int = 0
    preprocess: str = "mnist"
    model: str | None = None


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


def _choice(raw: dict, key: str, choices: tuple[str, ...], default: str) -> str:
    value = raw.get(key, default)
    if value in (None, ""):
        return default
    if value not in choices:
        raise ApiError(400, "invalid_option", f"`{key}` must be one of {', '.join(choices)}")
    return value


def _number(raw: dict, key: str, default: float) -> float:
    value = raw.get(key, default)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        raise ApiError(400, "invalid_option", f"`{key}` must be a number")
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ApiError(400, "invalid_option", f"`{key}` must be a number") from error
    if not math.isfinite(number):
        raise ApiError(400, "invalid_option", f"`{key}` must be finite")
    return number


def parse_options(raw: dict) -> Options:
    """Validate raw options; invalid values raise ApiError 400 `invalid_option`."""
    level = _number(raw, "level", 0.5)
    if not 0.0 <= level <= 1.0:
        raise ApiError(400, "invalid_option", "`level` must be within [0, 1]")
    seed_value = raw.get("seed")
    if seed_value in (None, ""):
        seed = secrets.randbelow(2**31)
    else:
        if isinstance(seed_value, bool) or (isinstance(seed_value, float) and not seed_value.is_integer()):
            raise ApiError(400, "invalid_option", "`seed` must be an integer")
        try:
            seed = int(seed_value)
        except (TypeError, ValueError) as error:
            raise ApiError(400, "invalid_option", "`seed` must be an integer") from error
        if not 0 <= seed <= MAX_SEED:
            raise ApiError(400, "invalid_option", f"`seed` must be within [0, {MAX_SEED}]")
    model = raw.get("model")
    if model is not None and (not isinstance(model, str) or not model):
        raise ApiError(400, "invalid_option", "`model` must be a model name")
    return Options(noise=_choice(raw, "noise", NOISE_TYPES, "none"), level=level, seed=seed,
                   preprocess=_choice(raw, "preprocess", PREPROCESS_MODES, "mnist"), model=model or None)
