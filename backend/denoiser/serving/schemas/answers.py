"""JSON answers: errors, /denoise, /encode, /decode, /compare, health and the models' metadata.

The views build these answers as plain dicts; tests/api/test_contract.py checks real ones against the models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from denoiser.imaging import PREPROCESS_MODES
from denoiser.serving.schemas.base import Crop, DataUrl, Inline, NoiseType, Open, Pair, Schema, absent

ERROR_CODES = ("bad_request", "missing_image", "invalid_image", "blank_image", "invalid_option",
               "too_many_images", "payload_too_large", "image_too_large", "unsupported_media_type",
               "model_not_found", "not_found", "method_not_allowed", "not_acceptable", "not_ready",
               "internal_error", "http_error", "cannot_decode", "invalid_latent", "too_many_requests",
               "unauthorized", "forbidden")


class ErrorDetail(Inline):
    code: Literal[ERROR_CODES]
    message: str


class Error(Schema):
    """Every failure outside /v1/ and /v2 (errors.py)."""

    error: ErrorDetail
    request_id: str


# ---- shared parts

class ModelRef(Schema):
    name: str
    version: int


class Scores(Schema):
    psnr: float
    ssim: float
    mse: float


class Metrics(Schema):
    """PSNR/SSIM/MSE of the noisy and the denoised image against the input (when noise was added)."""

    noisy: Scores
    denoised: Scores


class Timings(Schema):
    """Milliseconds per step of the request, and in all (`total`)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float] = Field(init=False)
    total: float


class PreprocessReport(Open):
    """What preprocessing did. Only `mode` for preprocess=resize and for `instances`."""

    mode: Literal[(*PREPROCESS_MODES, "instances")]
    path: Literal["clean", "noisy"] = absent(
        description="noisy: the upload carried noise, so the digit was located on a smoothed copy and the model got "
                    "the upload's own pixels (no thresholding, no stroke repair)")
    upload_noise_estimate: float = absent(description="raw noise estimate at the upload's own scale")
    digit_located: bool = absent(description="noisy path: false when no digit-shaped ink stood out of the noise and "
                                             "the whole image was used")
    inverted: bool = absent(description="dark ink on light paper, turned white on black")
    background_removed: bool = absent(description="uneven light, shadow or paper colour was divided out")
    ink_threshold: float = absent()
    stroke_px_before: float = absent(description="stroke width found, in 28x28 pixels")
    stroke_px_after: float = absent(description="stroke width given to the model")
    stroke_px_target: Pair = absent()
    components_kept: int = absent()
    components_dropped: int = absent()
    lines_removed: int = absent()


class Typicality(Schema):
    """How typical the (preprocessed) input is for the model's dataset; null when no VAE of that dataset is
    served."""

    score: float = Field(description="the VAE's reconstruction error (sum of squared pixel errors); lower = more "
                                     "like the training data")
    percentile: float = Field(ge=0, le=100, description="share of test digits (%) that score lower")
    typical: bool = Field(description="false above the 99th percentile: not like anything the model was trained on")


class Neighbour(Schema):
    point: int = Field(description="index into the latent map's points")
    index: int = Field(description="test-set index")
    label: int
    distance: float


class Vote(Schema):
    label: int
    class_name: str
    share: float = Field(description="share of the 10 nearest map digits of that class")


class NoiseDraw(Inline):
    type: NoiseType
    level: float
    seed: int


class Read(Schema):
    """What one image reads as, by its dataset's classifier."""

    label: int
    class_name: str
    probability: float = Field(ge=0, le=1)


class Reading(Schema):
    """What the input, the noisy and the denoised image read as (null for a model whose dataset has no
    classifier) and whether denoising changed the class (docs/trust.md)."""

    classifier: ModelRef
    input: Read
    noisy: Read = Field(description="the input's own reading when no noise was added")
    denoised: Read
    risk: float = Field(ge=0, le=1, description="1 - the denoised reading's probability: how likely the denoised "
                                                "class is wrong (AUC in the model's report)")
    changed: bool = Field(description="the denoised class differs from the input's (when noise was added, or the "
                                      "input reads surely), or the denoised reading is unsure (under 70%)")
    why: Literal["class", "unsure"] | None = Field(description="what made `changed` true")


class Uncertainty(Schema):
    """Where the model is unsure (option `uncertainty`): the spread of its answers over re-noised passes."""

    map: DataUrl = Field(description="per-pixel standard deviation; white = 0.25 (a quarter of the range) or more")
    mean: float = Field(ge=0, description="mean per-pixel standard deviation")
    passes: int
    extra_sigma: float = Field(description="sigma of the gaussian noise added for each pass")


# ---- /denoise, /encode, /decode, /compare

class DenoiseResult(Schema):
    input: DataUrl
    noisy: DataUrl
    denoised: DataUrl
    metrics: Metrics | None
    noise_estimate: float = Field(ge=0, description="blind estimate of the noise level (sigma of gaussian noise, "
                                                    "[0, 1] scale) of what the model received, i.e. of `noisy`")
    denoised_noise_estimate: float = Field(ge=0, description="the same estimate of `denoised`")
    typicality: Typicality | None
    reading: Reading | None
    uncertainty: Uncertainty | None = Field(description="null unless the option `uncertainty` is true")
    crop: Crop | None
    preprocess: PreprocessReport


class DenoiseResponse(DenoiseResult):
    """The first image's result at the top level, every image's in `results`."""

    model: ModelRef
    noise: NoiseDraw
    results: list[DenoiseResult] = Field(min_length=1)
    timings_ms: Timings
    request_id: str


class EncodeResult(Schema):
    latent: list[float]
    projection: Pair | None = Field(description="where the code lands on the latent map")
    neighbours: list[Neighbour] | None
    vote: Vote | None
    typicality: Typicality | None
    crop: Crop | None
    preprocess: PreprocessReport


class EncodeResponse(EncodeResult):
    """The first image's result at the top level, every image's in `results`."""

    model: ModelRef
    latent_dim: int
    results: list[EncodeResult] = Field(min_length=1)
    timings_ms: Timings
    request_id: str


class DecodeResult(Schema):
    image: DataUrl
    latent: list[float]


class DecodeResponse(DecodeResult):
    """The first digit at the top level, every one in `results`."""

    model: ModelRef
    results: list[DecodeResult] = Field(min_length=1)
    request_id: str


class CompareResult(Schema):
    id: str = Field(description="the method's id, as `methods` takes it")
    method: str = Field(description="display name, e.g. `unet (mnist/5)` or `median (3x3)`")
    kind: Literal["model", "baseline"]
    model: ModelRef | None
    arch: str | None
    params: dict[str, Any] | None = Field(description="a baseline's parameters, tuned on the validation split for "
                                                      "the nearest level")
    denoised: DataUrl
    metrics: Scores
    ms: float = Field(description="time this method took, in milliseconds")
    reading: Reading | None
    default: bool = Field(description="true for the requested (or default) model")


class CompareNoise(NoiseDraw):
    metrics: Scores | None = Field(description="the noisy image against the input; null when no noise was added")


class CompareResponse(Schema):
    model: ModelRef
    dataset: str
    input: DataUrl
    noisy: DataUrl
    noise: CompareNoise
    crop: Crop | None
    preprocess: PreprocessReport
    results: list[CompareResult] = Field(min_length=1, description="best PSNR first when noise was added")
    timings_ms: Timings
    request_id: str


# ---- health and models

class Health(Schema):
    status: Literal["ok"]


class Ready(Schema):
    status: str
    models: list[str]


class Metadata(Open):
    """The model card (metadata.json) plus the served name, version and runtime; only some keys are listed."""

    name: str = absent()
    version: int = absent()
    dataset: str = absent()
    arch: str = absent()
    latent_dim: int = absent()
    params: int = absent(description="trainable parameters")
    class_names: list[str] = absent()
    has_decode: bool = absent()
    runtime: dict[str, Any] = absent(description="how the model is run: `path` (savedmodel or tflite) and why")


class ModelInfo(Schema):
    name: str
    version: int
    versions: list[int]
    metadata: Metadata


class ModelsResponse(Schema):
    default: str
    models: list[ModelInfo]


class Example(Schema):
    label: int
    class_name: str
    image: DataUrl


class ExamplesResponse(Open):
    """The model's examples.json: test images, two per class."""

    examples: list[Example]


class LatentSprite(Schema):
    """Where the map's digits are drawn: one PNG, point i at column i % columns, row i // columns."""

    url: str
    columns: int
    cell: int = Field(description="side of one cell in pixels")
    count: int


class LatentMap(Open):
    """A model's 2-D map of test digits, its sprite and whether it decodes. A format 1 map (a PCA) lacks the
    format 2 keys and has `mean`, `components` and `explained_variance_ratio` instead."""

    format: int = absent()
    points: list[Annotated[list[float], Field(min_length=3, max_length=3)]] = Field(description="[x, y, label]")
    class_names: list[str]
    method: str = absent(description="how the 2-D map was made, in words")
    latent_dim: int = absent()
    test_index: list[int] = absent(description="test-set index of each point")
    mean_latent: list[float] = absent(description="the mean code of the map's digits")
    std_latent: list[float] = absent(description="per-dimension standard deviation of the map's codes")
    decodable: bool = Field(description="the model has a decoder: POST /decode works")
    sprite: LatentSprite = absent()
    metrics: dict[str, float] = absent()
    neighbours: int = absent(description="how many neighbours /encode reports")
    mean: list[float] = absent()
    components: list[list[float]] = absent()
    explained_variance_ratio: list[float] = absent()


# ---- operations

class ReloadResult(Schema):
    """What POST /admin/reload did: `reloaded` here and now (200), or `reloading` while gunicorn replaces its
    workers (202)."""

    status: Literal["reloaded", "reloading"]
    models: dict[str, int] = Field(description="model name -> version: served now (200), or on disk (202)")
    message: str = absent()
