"""The served classifiers (models/classifier.py), one per dataset: what /denoise and /compare read images as.

A classifier is found like a denoiser, as `models/<dataset>-classifier/<version>/`, but its card's kind keeps
it out of the denoisers (store.discover). It runs through its model.tflite when that agrees with the
SavedModel, as the denoisers do: three images (input, noisy, denoised) per result must cost well under a
millisecond (docs/performance.md).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from denoiser.models import reading
from denoiser.models.lite import LiteModel, probe_batch, verified
from denoiser.models.store import discover

log = logging.getLogger("denoiser.serving")


@dataclass
class Reader:
    """One loaded classifier."""

    name: str
    version: int
    metadata: dict
    classify_fn: Any = field(repr=False)
    lite: LiteModel | None = field(default=None, repr=False)

    @property
    def dataset(self) -> str | None:
        return self.metadata.get("dataset")

    @property
    def class_names(self) -> list[str]:
        return self.metadata["class_names"]

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """float32 [N, 28, 28, 1] in [0, 1] -> class probabilities [N, classes]."""
        if self.lite is not None:
            return self.lite.run("classify", images=images)["probabilities"]
        return self._savedmodel(images)

    def _savedmodel(self, images: np.ndarray) -> np.ndarray:
        return self._outputs("classify", images=images)["probabilities"]

    def _outputs(self, signature: str, **inputs: np.ndarray) -> dict[str, np.ndarray]:
        """The SavedModel's `classify` outputs by name (the contract, and the fast path's reference)."""
        import tensorflow as tf

        outputs = self.classify_fn(**{key: tf.constant(value, tf.float32) for key, value in inputs.items()})
        return {key: value.numpy() for key, value in outputs.items()}

    def read(self, input_: np.ndarray, noisy: np.ndarray | None, denoised: np.ndarray,
             clean_reference: bool) -> list[dict]:
        """Per image: the `reading` of /denoise (schemas/answers.py): what the input, the noisy (None: the
        input itself) and the denoised image read as, the risk that the denoised class is wrong, and whether
        denoising changed the class. One classifier call for all of them."""
        parts = [input_, denoised] if noisy is None else [input_, denoised, noisy]
        count = len(input_)
        probabilities = self.probabilities(np.concatenate(parts))
        of_input, of_denoised = probabilities[:count], probabilities[count:2 * count]
        of_noisy = of_input if noisy is None else probabilities[2 * count:]
        inputs, denoiseds, noisys = (reading.described(p, self.class_names) for p in (of_input, of_denoised, of_noisy))
        changed, why = reading.changed(of_input, of_denoised, clean_reference)
        risks = reading.risk(of_denoised)
        return [{"classifier": {"name": self.name, "version": self.version}, "input": inputs[i], "noisy": noisys[i],
                 "denoised": denoiseds[i], "risk": round(float(risks[i]), 4), "changed": bool(changed[i]),
                 "why": why[i]} for i in range(count)]


def load_reader(name: str, version: int, path: Path) -> Reader:
    """Load one classifier, with its TFLite fast path when that agrees with the SavedModel on the probe batch."""
    import tensorflow as tf

    loaded = tf.saved_model.load(str(path))
    reader = Reader(name, version, json.loads((path / "metadata.json").read_text()), loaded.signatures["classify"])
    reader.loaded = loaded  # keeps the variables alive
    reader.lite, _, why = verified(path, reader._outputs, lambda: [("classify", {"images": probe_batch()})])
    if reader.lite is None and why != "no model.tflite":
        log.warning("%s/%d: TFLite fast path refused: %s", name, version, why)
    reader.probabilities(np.zeros((1, 28, 28, 1), np.float32))  # warm
    return reader


def load_readers(model_dir: Path) -> dict[str, Reader]:
    """{dataset: its classifier} for the highest version of every classifier under `model_dir`."""
    readers = {}
    for name, versions in discover(model_dir, kind="classifier").items():
        reader = load_reader(name, versions[-1], Path(model_dir) / name / str(versions[-1]))
        if reader.dataset:
            readers[reader.dataset] = reader
    return readers
