"""The models served: every `models/<name>/<version>/` SavedModel, loaded once per worker.

Only names discovered on disk are ever looked up, so no path from a request reaches the filesystem.
Models are loaded with plain `tf.saved_model.load` and called through their concrete signatures.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from denoiser.latent import typicality
from denoiser.latent.latent_map import LatentMap, Placement, read_payload
from denoiser.models.lite import LiteModel, probe_batch, verified
from denoiser.models.store import NAME_PATTERN, discover  # noqa: F401 (NAME_PATTERN: part of this API)
from denoiser.models.tuned_baselines import TunedBaselines
from denoiser.serving.errors import ApiError
from denoiser.serving.readers import Reader, load_readers

log = logging.getLogger("denoiser.serving")
LITE_MAX_BATCH = 64  # larger batches go through the SavedModel, whose per-call overhead they amortise


def _read_json(path: Path) -> Any:
    """The parsed JSON file, or None when it does not exist."""
    return json.loads(path.read_text()) if path.is_file() else None


@dataclass
class ServedModel:
    """One loaded model with its card, latent map, examples and signature functions."""

    name: str
    version: int
    versions: list[int]
    path: Path
    metadata: dict
    latent_map: LatentMap | None
    examples: dict | None
    loaded: Any = field(repr=False)
    denoise_fn: Any = field(repr=False)
    encode_fn: Any = field(repr=False)
    decode_fn: Any = field(default=None, repr=False)
    sprite: bytes | None = field(default=None, repr=False)
    # typicality.json: the test split's score quantiles (the VAE only)
    typicality: dict | None = field(default=None, repr=False)
    # baselines.json + baselines_pca.npz: classical methods tuned on validation (what /compare runs)
    baselines: TunedBaselines | None = field(default=None, repr=False)
    # model.tflite through LiteRT/XNNPACK, when it agrees with the SavedModel (`enable_fast_path`)
    lite: LiteModel | None = field(default=None, repr=False)
    runtime: dict = field(default_factory=lambda: {"path": "savedmodel", "reason": "not checked"})

    @property
    def can_decode(self) -> bool:
        """True for models with a `decode` signature (bottleneck models, the VAE)."""
        return self.decode_fn is not None

    @property
    def preprocess(self) -> str:
        """The preprocessing the model was trained with (`denoiser train --data` records it), else mnist's."""
        return self.metadata.get("preprocess") or "mnist"

    @property
    def dataset(self) -> str | None:
        """The dataset named in the model card."""
        return self.metadata.get("dataset")

    def _fast(self, batch: np.ndarray) -> bool:
        return self.lite is not None and len(batch) <= LITE_MAX_BATCH

    def denoise(self, images: np.ndarray) -> np.ndarray:
        """float32 [N, 28, 28, 1] in [0, 1] -> denoised float32 [N, 28, 28, 1] in [0, 1]."""
        return np.clip(self.run("denoise", images=images)["denoised"], 0.0, 1.0)

    def encode(self, images: np.ndarray) -> np.ndarray:
        """float32 [N, 28, 28, 1] -> latent float32 [N, D]."""
        return self.posterior(images)["latent"]

    def posterior(self, images: np.ndarray) -> dict[str, np.ndarray]:
        """The encode signature's outputs: `latent` [N, D] and, for the VAE, `log_variance` [N, D]."""
        return self.run("encode", images=images)

    def decode(self, latent: np.ndarray) -> np.ndarray:
        """latent float32 [N, D] -> images float32 [N, 28, 28, 1] in [0, 1] (models that can decode)."""
        return np.clip(self.run("decode", latent=latent)["images"], 0.0, 1.0)

    def run(self, signature: str, **inputs: np.ndarray) -> dict[str, np.ndarray]:
        """One signature's raw outputs, as the bare SavedModel gives them (no clipping): the TFLite fast path
        when it serves this model and the batch is small, else the SavedModel (the serving protocols)."""
        if self._fast(next(iter(inputs.values()))):
            return self.lite.run(signature, **inputs)
        return self._savedmodel(signature, **inputs)

    def signature_specs(self) -> dict[str, dict[str, dict[str, list[int]]]]:
        """{signature: {"inputs": {name: shape}, "outputs": {name: shape}}}, -1 for unknown dimensions."""
        specs = {}
        for signature, function in self._functions().items():
            if function is None:
                continue
            inputs = function.structured_input_signature[1]
            specs[signature] = {
                "inputs": {key: _dims(spec.shape) for key, spec in sorted(inputs.items())},
                "outputs": {key: _dims(spec.shape) for key, spec in sorted(function.structured_outputs.items())}}
        return specs

    def _functions(self) -> dict:
        """The SavedModel's signature functions by name (decode is None for models that cannot decode)."""
        return {"denoise": self.denoise_fn, "encode": self.encode_fn, "decode": self.decode_fn}

    def _savedmodel(self, signature: str, **inputs: np.ndarray) -> dict[str, np.ndarray]:
        """One SavedModel signature as numpy -> {output: numpy} (the contract, and the fallback)."""
        import tensorflow as tf

        tensors = {key: tf.constant(value, dtype=tf.float32) for key, value in inputs.items()}
        outputs = self._functions()[signature](**tensors)
        return {key: value.numpy() for key, value in outputs.items()}

    def place(self, latent: np.ndarray) -> Placement | None:
        """Where codes [N, D] land on the latent map, their nearest map digits and vote; None without a map."""
        return None if self.latent_map is None else self.latent_map.place(latent)

    def typicality_of(self, images: np.ndarray) -> list[dict]:
        """The typicality objects of clean inputs [N, 28, 28, 1] (this model must be a calibrated VAE)."""
        scores = typicality.reconstruction_error(images, self.decode(self.encode(images)))
        return typicality.describe(scores, self.typicality)

    def card(self) -> dict:
        """metadata.json plus the served name and version, and the runtime that serves it."""
        return {**self.metadata, "name": self.name, "version": self.version, "runtime": self.runtime}


def _dims(shape) -> list[int]:
    """A TensorShape as a list, -1 where a dimension is unknown (the batch)."""
    return [-1 if size is None else int(size) for size in shape.as_list()]


def _latent_map(path: Path) -> LatentMap | None:
    """The model's latent map, or None when it has none or one in an older format (re-run evaluate)."""
    payload = read_payload(path)
    if payload is None:
        return None
    try:
        return LatentMap(payload)
    except (ValueError, KeyError) as error:
        log.warning("latent map of %s not served: %s", path, error)
        return None


def enable_fast_path(model: ServedModel) -> None:
    """Serve `model` through its model.tflite when every signature agrees with the SavedModel on
    `probe_batch` within TOLERANCE; otherwise keep the SavedModel and log why."""
    def pairs():
        images = probe_batch()
        found = [("denoise", {"images": images}), ("encode", {"images": images})]
        if model.can_decode:
            found.append(("decode", {"latent": model._savedmodel("encode", images=images)["latent"]}))
        return found

    lite, worst, why = verified(model.path, model._savedmodel, pairs)
    if lite is None:
        model.runtime = {"path": "savedmodel", "reason": why}
        if why != "no model.tflite":
            log.warning("%s/%d: TFLite fast path refused: %s", model.name, model.version, why)
        return
    model.lite = lite
    model.runtime = {"path": "tflite", "delegate": "XNNPACK", "threads": 1, "max_batch": LITE_MAX_BATCH,
                     "batch": "one image at a time" if lite.converted_with_a_batch_of_one() else "any",
                     "probe_max_abs_diff": float(f"{worst:.3g}")}


def load_model(name: str, version: int, versions: list[int], path: Path) -> ServedModel:
    """Load one SavedModel and its companion files, then warm its signatures with one call each."""
    import tensorflow as tf

    started = time.perf_counter()
    loaded = tf.saved_model.load(str(path))
    signatures = loaded.signatures
    latent_map = _latent_map(path)
    sprite = path / "latent_map_sprite.png"
    has_posterior = "log_variance" in signatures["encode"].structured_outputs and "decode" in signatures
    model = ServedModel(
        name=name, version=version, versions=versions, path=path,
        metadata=_read_json(path / "metadata.json") or {}, latent_map=latent_map,
        examples=_read_json(path / "examples.json"),
        loaded=loaded, denoise_fn=signatures["denoise"], encode_fn=signatures["encode"],
        decode_fn=signatures.get("decode"),
        sprite=sprite.read_bytes() if latent_map is not None and sprite.is_file() else None,
        typicality=_read_json(path / "typicality.json") if has_posterior else None,
        baselines=TunedBaselines.load(path),
    )
    enable_fast_path(model)
    warm = np.zeros((1, 28, 28, 1), dtype=np.float32)
    model.denoise(warm)
    latent = model.encode(warm)
    if model.can_decode:
        model.decode(latent)
    log.info("loaded model %s version %d from %s in %.0f ms", name, version, path,
             (time.perf_counter() - started) * 1000)
    return model


class Registry:
    """The models of one worker, by name."""

    def __init__(self, models: dict[str, ServedModel], default: str, readers: dict[str, Reader] | None = None):
        self.models = models
        self.readers = readers or {}  # {dataset: its classifier}
        self.default = default if default in models or not models else sorted(models)[0]

    @property
    def ready(self) -> bool:
        """True once at least one model is loaded and warmed."""
        return bool(self.models)

    @classmethod
    def load(cls, model_dir: Path, default: str, pinned: dict[str, int] | None = None) -> Registry:
        """Load the highest version (or the pinned one) of every model under `model_dir`."""
        pinned = pinned or {}
        models = {}
        for name, versions in discover(model_dir).items():
            version = pinned.get(name, versions[-1])
            if version not in versions:
                raise ValueError(f"model {name} has no version {version} (found {versions})")
            models[name] = load_model(name, version, versions, model_dir / name / str(version))
        if default not in models:
            log.warning("default model %r not found under %s", default, model_dir)
        return cls(models, default, load_readers(model_dir))

    def typicality_model(self, dataset: str | None) -> ServedModel | None:
        """The served, calibrated VAE of `dataset` (its score says how digit-like an input is), if any."""
        candidates = [m for _, m in sorted(self.models.items()) if m.typicality and m.dataset == dataset]
        return candidates[0] if candidates else None

    def reader_of(self, dataset: str | None) -> Reader | None:
        """The served classifier of `dataset` (what /denoise's `reading` uses), if any."""
        return self.readers.get(dataset) if dataset else None

    def of_dataset(self, dataset: str | None) -> list[ServedModel]:
        """The served models trained on `dataset`, by name."""
        return [model for _, model in sorted(self.models.items()) if model.dataset == dataset]

    def tuned_baselines(self, model: ServedModel) -> TunedBaselines | None:
        """The tuned baselines saved with `model`, else with another served model of its dataset."""
        if model.baselines is not None:
            return model.baselines
        return next((m.baselines for m in self.of_dataset(model.dataset) if m.baselines is not None), None)

    def decoders(self) -> list[str]:
        """Names of the served models that can decode."""
        return sorted(name for name, model in self.models.items() if model.can_decode)

    def get(self, name: str | None) -> ServedModel:
        """The model called `name` (the default when None); 503 when none is loaded, 404 when unknown."""
        if not self.models:
            raise ApiError(503, "not_ready", "no model is loaded yet")
        name = self.default if name is None else name
        if name not in self.models:
            raise ApiError(404, "model_not_found",
                           f"unknown model {name[:64]!r}; available: {', '.join(sorted(self.models))}")
        return self.models[name]
