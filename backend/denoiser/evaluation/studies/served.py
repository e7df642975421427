"""The served exports the studies score, loaded as the API loads them, and their speed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from denoiser.evaluation.studies.common import Context
from denoiser.models.export import read_metadata
from denoiser.models.scoring import Denoise, in_batches, signature_function


@dataclass
class ServedModel:
    """One exported model: where it is, its card and its `denoise` signature as numpy -> numpy."""

    name: str
    version: int
    path: Path
    card: dict
    denoise: Denoise

    @property
    def label(self) -> str:
        """`name/version (arch)`, as the tables print it."""
        return f"{self.name}/{self.version} ({self.card.get('arch', '?')})"


def _found(directory: Path | None) -> dict[str, Path]:
    """{name: highest version dir} of the exports under `directory` that have a model card."""
    from denoiser.models.store import discover

    if directory is None:
        return {}
    return {name: directory / name / str(versions[-1]) for name, versions in discover(directory).items()
            if (directory / name / str(versions[-1]) / "metadata.json").is_file()}


def served_cards(context: Context) -> list[tuple[str, int, Path, dict]]:
    """(name, version, path, card) of the highest version of every denoiser under models/ (the API's choice,
    only there: no fallback), read without loading any model; `context.model_names` restricts them."""
    found = sorted(_found(context.models_dir).items())
    return [(name, int(path.name), path, read_metadata(path)) for name, path in found
            if not context.model_names or name in context.model_names]


def served_models(context: Context, dataset: str | None = None) -> list[ServedModel]:
    """The highest version of every model under models/ (the API's choice) whose card names `dataset`.

    Names not (yet) under models/ are taken from the fallback directory (runs/seed, where the seed
    architectures are trained before they are committed); each table prints the path it scored.
    """
    import tensorflow as tf

    found = {**_found(context.fallback_models_dir), **_found(context.models_dir)}
    chosen = []
    for name, path in sorted(found.items()):
        if context.model_names and name not in context.model_names:
            continue
        card = read_metadata(path)
        if dataset is not None and card.get("dataset") != dataset:
            continue
        loaded = tf.saved_model.load(str(path))
        chosen.append(ServedModel(name, int(path.name), path, card, signature_function(loaded)))
    if not chosen:
        raise FileNotFoundError(f"no exported {dataset or ''} model under {context.models_dir} "
                                f"or {context.fallback_models_dir} (train one: make train)")
    return chosen


def latency_ms(denoise: Denoise, image: np.ndarray, repeats: int = 100) -> float:
    """Median wall time in ms of one call on a batch of one image (after a warm-up call)."""
    batch = np.asarray(image, np.float32)[None]
    denoise(batch)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        denoise(batch)
        times.append(time.perf_counter() - started)
    return 1000.0 * float(np.median(times))


def throughput(denoise: Denoise, images: np.ndarray) -> float:
    """Images per second through `in_batches` (batches of 500), after a warm-up batch."""
    denoise(images[:500])
    started = time.perf_counter()
    in_batches(denoise, images)
    return len(images) / (time.perf_counter() - started)
