"""Request bodies: the options of /denoise, /encode and /compare (validated with `Options`), and /decode's body."""

from __future__ import annotations

import secrets
from typing import Annotated

from pydantic import Field

from denoiser.serving.schemas.base import Integer, NoiseType, Number, Pair, PreprocessMode, Schema, absent

MAX_SEED = 2**32 - 1
MAX_DECODE = 64  # codes or points per /decode request
METHODS_TEXT = ("comma-separated (or, in JSON, a list of) method ids: served model names of the dataset, median, "
                "gaussian-blur, total-variation, non-local-means, wavelet, bm3d (slow, opt-in), pca; or the groups "
                "all (adds bm3d), models, baselines. Default: every model of the dataset and every fast baseline.")
Upload = Annotated[bytes, Field(description="PNG, JPEG, GIF, BMP or WebP")]
ImageText = Annotated[str, Field(description="base64 or data: URL of a PNG/JPEG/GIF/BMP/WebP image")]
Pixel = Annotated[float, Field(ge=0, le=255)]
Row = Annotated[list[Pixel], Field(min_length=28, max_length=28)]
Instance = Annotated[list[Row], Field(min_length=28, max_length=28)]


def _random_seed() -> int:
    return secrets.randbelow(2**31)


class Options(Schema):
    """Options of /denoise, /encode and /compare: form fields or JSON keys (inputs.py validates with this model)."""

    noise: NoiseType = Field("none", description="noise added server-side before denoising (the demo); `none` "
                                                 "denoises the image as sent")
    level: Number = Field(0.5, ge=0, le=1, allow_inf_nan=False)
    seed: Integer = Field(default_factory=_random_seed, ge=0, le=MAX_SEED, description="random when absent")
    preprocess: PreprocessMode = absent(description="how an upload becomes 28x28: `mnist` locates, crops and "
                                                    "centres it, `resize` resizes it as it is; default: the "
                                                    "model's own (its card's `preprocess`), `mnist` for digits")
    model: str = absent(description="a name from GET /models; default mnist")
    uncertainty: bool = Field(False, description="/denoise: also answer `uncertainty`, the per-pixel spread of the "
                                                 "model over 8 re-noised passes (about 8x the model's time)")


class MultipartRequest(Options):
    image: list[Upload]


class JsonRequest(Options):
    """One of `image` (one or a list) and `instances` (TF Serving style 28x28 arrays, 0..1 or 0..255)."""

    image: ImageText | list[ImageText] = absent()
    instances: list[Instance] = absent()


class CompareMultipart(Options):
    image: Upload
    methods: str = absent(description=METHODS_TEXT)


class CompareJson(Options):
    image: ImageText
    methods: str | list[str] = absent(description=METHODS_TEXT)


class DecodeRequest(Schema):
    """Exactly one of `latent` (D numbers), `latents`, `point` ([x, y] on the model's latent map: the code is a
    distance-weighted mix of the nearest map digits' codes) or `points`."""

    model: str = absent(description="a model that can decode (GET /models: has_decode)")
    latent: list[float] = absent()
    latents: list[list[float]] = absent(max_length=MAX_DECODE)
    point: Pair = absent()
    points: list[Pair] = absent(max_length=MAX_DECODE)
