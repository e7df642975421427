"""The reference classifier of a dataset: a small CNN that says which class an image reads as.

It judges the denoisers: what the input, the noisy and the denoised image read as (`reading`), and whether
denoising changed the class. It is exported like a denoiser, as its own versioned SavedModel under
`models/<dataset>-classifier/<version>/`, with one `classify` signature (images [N, 28, 28, 1] in [0, 1] ->
`probabilities` [N, classes]) and a card whose `kind` is "classifier" (store.discover keeps such folders
out of the denoisers).
"""

from __future__ import annotations

from pathlib import Path

import keras
import tensorflow as tf

from denoiser.models import lite
from denoiser.models.base import INPUT_SHAPE
from denoiser.models.export import IMAGES_SPEC, write_json

KIND = "classifier"
SUFFIX = "-classifier"


def name_for(dataset: str) -> str:
    """The folder name under models/ of `dataset`'s classifier."""
    return f"{dataset}{SUFFIX}"


def build(classes: int = 10, width: int = 16, dropout: float = 0.3) -> keras.Model:
    """Two 3x3 conv blocks (width, 2 x width channels, each pooled to half size), a dense layer and a softmax:
    at width 16, 0.22 M parameters and 4.8 M multiply-adds, 99.2% of MNIST's validation digits from 9,000
    training images. Width 32 read 99.5% but cost 0.9 ms of CPU per two images, against 0.3 ms: the reading
    must stay under 1 ms per request (benchmarks/trust.py)."""
    inputs = keras.Input(INPUT_SHAPE, name="images")
    x = inputs
    for channels in (width, 2 * width):
        x = keras.layers.Conv2D(channels, 3, padding="same", activation="relu")(x)
        x = keras.layers.Conv2D(channels, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.Dense(128, activation="relu")(x)
    x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="classifier")


def export_classifier(model: keras.Model, directory: str | Path, metadata: dict) -> Path:
    """Write the SavedModel (`classify` and `serving_default`), metadata.json (kind: classifier) and the
    TFLite fast path into `directory`, which must not hold a model yet."""
    directory = Path(directory)
    if (directory / "saved_model.pb").exists():
        raise FileExistsError(f"{directory} already holds a SavedModel; pick a new version")
    archive = keras.export.ExportArchive()

    def classify(images):
        return {"probabilities": model(tf.clip_by_value(images, 0.0, 1.0), training=False)}

    archive.add_endpoint("serving_default", classify, input_signature=[IMAGES_SPEC])
    archive.add_endpoint("classify", classify, input_signature=[IMAGES_SPEC])
    directory.mkdir(parents=True, exist_ok=True)
    archive.write_out(str(directory), verbose=False)
    write_json(directory / "metadata.json", {**metadata, "kind": KIND})
    lite.write(directory)
    return directory
