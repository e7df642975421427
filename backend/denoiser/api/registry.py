"""The models served: every `models/<name>/<version>/` SavedModel, loaded once per worker.

Only names discovered on disk are ever looked up, so no path from a request reaches the filesystem.
Models are loaded with plain `tf.saved_model.load` and called through their concrete signatures.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from denoiser.api.errors import ApiError

log = logging.getLogger("denoiser.api")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _read_json(path: Path) -> Any:
    """The parsed JSON file, or None when it does not exist."""
    return json.loads(path.read_text()) if path.is_file() else None


def discover(model_dir: Path) -> dict[str, list[int]]:
    """{name: sorted versions} for every `<model_dir>/<name>/<int>/saved_model.pb`."""
    found: dict[str, list[int]] = {}
    if not model_dir.is_dir():
        return found
    for entry in sorted(model_dir.iterdir()):
        if not entry.is_dir() or not NAME_PATTERN.match(entry.name):
            continue
        versions = sorted(int(v.name) for v in entry.iterdir()
                          if v.name.isdigit() and (v / "saved_model.pb").is_file())
        if versions:
            found[entry.name] = versions
    return found


@dataclass
class ServedModel:
    """One loaded model with its card, latent map, examples and signature functions."""

    name: str
    version: int
    versions: list[int]
    path: Path
    metadata: dict
    latent_map: dict | None
    examples: dict | None
    loaded: Any = field(repr=False)
    denoise_fn: Any = field(repr=False)
    encode_fn: Any = field(repr=False)

    def denoise(self, images: np.ndarray) -> np.ndarray:
        """float32 [N, 28, 28, 1] in [0, 1] -> denoised float32 [N, 28, 28, 1] in [0, 1]."""
        import tensorflow as tf

        output = self.denoise_fn(images=tf.constant(images, dtype=tf.float32))["denoised"]
        return np.clip(output.numpy(), 0.0, 1.0)

    def encode(self, images: np.ndarray) -> np.ndarray:
        """float32 [N, 28, 28, 1] -> latent float32 [N, D]."""
        import tensorflow as tf

        return self.encode_fn(images=tf.constant(images, dtype=tf.float32))["latent"].numpy()

    def project(self, latent: np.ndarray) -> np.ndarray | None:
        """Latent [N, D] -> [N, 2] on the latent map, `(z - mean) @ components.T`; None without a map."""
        if not self.latent_map:
            return None
        mean = np.asarray(self.latent_map["mean"], dtype=np.float32)
        components = np.asarray(self.latent_map["components"], dtype=np.float32)
        return (latent - mean) @ components.T

    def card(self) -> dict:
        """metadata.json plus the served name and version."""
        return {**self.metadata, "name": self.name, "version": self.version}


def load_model(name: str, version: int, versions: list[int], path: Path) -> ServedModel:
    """Load one SavedModel and its JSON files, then warm both signatures with one call."""
    import tensorflow as tf

    started = time.perf_counter()
    loaded = tf.saved_model.load(str(path))
    model = ServedModel(
        name=name, version=version, versions=versions, path=path,
        metadata=_read_json(path / "metadata.json") or {},
        latent_map=_read_json(path / "latent_map.json"),
        examples=_read_json(path / "examples.json"),
        loaded=loaded, denoise_fn=loaded.signatures["denoise"], encode_fn=loaded.signatures["encode"],
    )
    warm = np.zeros((1, 28, 28, 1), dtype=np.float32)
    model.denoise(warm)
    model.encode(warm)
    log.info("loaded model %s version %d from %s in %.0f ms", name, version, path,
             (time.perf_counter() - started) * 1000)
    return model


class Registry:
    """The models of one worker, by name."""

    def __init__(self, models: dict[str, ServedModel], default: str):
        self.models = models
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
        return cls(models, default)

    def get(self, name: str | None) -> ServedModel:
        """The model called `name` (the default when None); 503 when none is loaded, 404 when unknown."""
        if not self.models:
            raise ApiError(503, "not_ready", "no model is loaded yet")
        name = self.default if name is None else name
        if name not in self.models:
            raise ApiError(404, "model_not_found",
                           f"unknown model {name[:64]!r}; available: {', '.join(sorted(self.models))}")
        return self.models[name]
