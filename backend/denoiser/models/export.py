"""Export per DESIGN.md contract 1: a SavedModel with denoise/encode(/decode) signatures + model card."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf

from denoiser.models import lite
from denoiser.models.base import Autoencoder

IMAGES_SPEC = tf.TensorSpec([None, 28, 28, 1], tf.float32, name="images")


def next_version(models_dir: str | Path, name: str) -> int:
    """1 + the highest numeric version under models_dir/name (1 when there is none)."""
    root = Path(models_dir) / name
    versions = [int(p.name) for p in root.glob("*") if p.is_dir() and re.fullmatch(r"\d+", p.name)]
    return max(versions, default=0) + 1


def export_model(autoencoder: Autoencoder, directory: str | Path, metadata: dict) -> Path:
    """Write the SavedModel and metadata.json into `directory` (created; must not hold a model yet)."""
    directory = Path(directory)
    if (directory / "saved_model.pb").exists():
        raise FileExistsError(f"{directory} already holds a SavedModel; pick a new version")
    denoiser, encoder, decoder = autoencoder.denoiser, autoencoder.encoder, autoencoder.decoder

    # No archive.track(): it would store every weight twice (keras-team/keras#23553: the tracked Keras
    # variables and the tf.Variables the endpoints capture are different objects), doubling the files and
    # the memory of every process that loads them. The endpoints' captured variables are all it needs.
    archive = keras.export.ExportArchive()

    def denoise(images):
        return {"denoised": tf.clip_by_value(denoiser(images, training=False), 0.0, 1.0)}

    posterior = autoencoder.posterior

    def encode(images):
        if posterior is None:
            return {"latent": encoder(images, training=False)}
        # The VAE: the posterior's log-variance too (the typicality score needs it).
        mean, log_variance = posterior(images, training=False)
        return {"latent": mean, "log_variance": log_variance}

    archive.add_endpoint("serving_default", denoise, input_signature=[IMAGES_SPEC])
    archive.add_endpoint("denoise", denoise, input_signature=[IMAGES_SPEC])
    archive.add_endpoint("encode", encode, input_signature=[IMAGES_SPEC])
    if decoder is not None:
        latent_spec = tf.TensorSpec([None, decoder.input.shape[-1]], tf.float32, name="latent")

        def decode(latent):
            return {"images": tf.clip_by_value(decoder(latent, training=False), 0.0, 1.0)}

        archive.add_endpoint("decode", decode, input_signature=[latent_spec])
    directory.mkdir(parents=True, exist_ok=True)
    archive.write_out(str(directory), verbose=False)
    write_json(directory / "metadata.json", {**metadata, "has_decode": decoder is not None})
    lite.write(directory)  # the API's fast path; when conversion fails, the SavedModel serves alone
    return directory


def write_json(path: str | Path, payload: dict) -> None:
    """Write pretty JSON (the model card and its companions are read by people too)."""
    Path(path).write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")


def read_metadata(directory: str | Path) -> dict:
    """Read a model directory's metadata.json."""
    return json.loads((Path(directory) / "metadata.json").read_text())


def publish(autoencoder: Autoencoder, root: Path, metadata: dict, history: dict,
            complete: Callable[[Path], None] | None = None,
            exporter: Callable[[Any, Path, dict], Path] | None = None) -> Path:
    """Export into a staging folder beside the versions, `complete` it (`denoiser train` adds the report,
    examples, latent map and tuned baselines for your own images), then rename it to the next free version.
    A failure on the way (a full disk, an interrupt) removes the staging folder: the API only loads numbered
    folders, so nothing half written is ever served. `exporter` writes other models (the classifier's)."""
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{time.strftime('%Y%m%d-%H%M%S')}-{id(metadata):x}"
    try:
        (exporter or export_model)(autoencoder, staging, metadata)
        write_json(staging / "history.json", history)
        if complete is not None:
            complete(staging)
        while True:
            version = next_version(root.parent, root.name)
            card = read_metadata(staging)
            card["version"] = version
            write_json(staging / "metadata.json", card)
            try:
                staging.rename(root / str(version))  # atomic on one filesystem; fails if the version appeared
                break
            except OSError:
                if not (root / str(version)).exists():
                    raise
        metadata["version"] = version
        return root / str(version)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
