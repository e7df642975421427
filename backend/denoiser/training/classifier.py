"""`denoiser train-classifier --dataset mnist` (or `--data my-images --name mine`): train the dataset's reference
classifier (models/classifier.py) on the training split minus the same validation split the denoisers hold out
(the test split is never read here), and publish it as models/<dataset>-classifier/<version>/. `denoiser train
--data` runs it too when your images come in two or more classes, so their model gets readings.

The classifier sees clean images, shifted by up to two pixels: it is the judge of what a clean-looking image
reads as, so that a denoised digit drawn cleanly as the wrong class is read as that wrong class.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import keras
import numpy as np

from denoiser.imaging import to_model_input
from denoiser.models import classifier, export
from denoiser.training import data, sources
from denoiser.training.train import EpochTimer, library_versions, make_deterministic


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="denoiser train-classifier", description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--dataset", default="mnist", choices=data.DATASET_NAMES)
    parser.add_argument("--data-dir", default=None, help="directory with the IDX .gz files (as denoiser train)")
    parser.add_argument("--data", default=None, metavar="PATH",
                        help="your own labelled images (class subfolders, an .npz with y, IDX files), as denoiser "
                             "train --data takes them; needs --name, the model's name")
    parser.add_argument("--name", default=None, help="with --data: the dataset's name (the model's --name)")
    parser.add_argument("--preprocess", default=None, choices=("mnist", "resize"),
                        help="with --data: how images become 28x28 (default: chosen as denoiser train does)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--patience", type=int, default=3, help="epochs without a better validation accuracy")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--width", type=int, default=16, help="channels of the first conv block")
    parser.add_argument("--shift", type=int, default=2, help="random translation in pixels while training")
    parser.add_argument("--noise-max", type=float, default=0.0,
                        help="also train on noisy copies: gaussian noise of sigma drawn from [0, NOISE_MAX] per image "
                             "(a teacher for train --keep-class; the served readers see clean images: 0)")
    parser.add_argument("--val-fraction", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--output-dir", default="models")
    return parser.parse_args(argv)


class RandomGaussianNoise(keras.layers.Layer):
    """While training: gaussian noise of a sigma drawn per image from [0, maximum], clipped to [0, 1]."""

    def __init__(self, maximum: float, seed: int, **kwargs):
        super().__init__(**kwargs)
        self.maximum = maximum
        self.seeds = keras.random.SeedGenerator(seed)

    def call(self, images, training=None):
        if not training:
            return images
        sigma = keras.random.uniform((keras.ops.shape(images)[0], 1, 1, 1), 0.0, self.maximum, seed=self.seeds)
        noise = keras.random.normal(keras.ops.shape(images), seed=self.seeds)
        return keras.ops.clip(images + sigma * noise, 0.0, 1.0)


def fit(args: argparse.Namespace, train_x: np.ndarray, train_y: np.ndarray, val_x: np.ndarray,
        val_y: np.ndarray, classes: int) -> tuple[keras.Model, dict]:
    """Train the classifier (best validation accuracy restored); returns it and its history."""
    make_deterministic(args.seed)
    model = classifier.build(classes, args.width)
    shift = args.shift / 28
    layers = [keras.layers.RandomTranslation(shift, shift, fill_mode="constant", seed=args.seed)] if args.shift else []
    if args.noise_max:
        layers.append(RandomGaussianNoise(args.noise_max, args.seed))
    trainer = keras.Sequential([*layers, model]) if layers else model
    trainer.compile(optimizer=keras.optimizers.Adam(args.learning_rate),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=args.patience,
                                         restore_best_weights=True, verbose=1)
    history = trainer.fit(to_model_input(train_x), train_y, validation_data=(to_model_input(val_x), val_y),
                          epochs=args.epochs, batch_size=args.batch_size, callbacks=[EpochTimer(), stop],
                          verbose=1 if sys.stdout.isatty() else 2)
    return model, {key: [float(v) for v in values] for key, values in history.history.items()}


def load_labelled(args: argparse.Namespace) -> tuple[data.Dataset, str, list[str], dict]:
    """(training data, the dataset's name, class names, extra card entries) of --dataset or --data."""
    if args.data is None:
        return data.load_dataset(args.dataset, args.data_dir), args.dataset, data.CLASS_NAMES[args.dataset], {}
    if not args.name:
        raise SystemExit("denoiser train-classifier: --data needs --name, the name of the model it reads for")
    try:
        loaded = sources.load(args.data, args.preprocess, args.seed)
    except sources.DataError as error:
        raise SystemExit(f"denoiser train-classifier: {error}") from None
    if len(loaded.class_names) < 2:
        raise SystemExit(f"denoiser train-classifier: {args.data} has one class; a classifier needs two or more "
                         "(one subfolder per class, or y in the .npz)")
    return loaded.dataset, args.name, loaded.class_names, {"data": loaded.card(), "preprocess": loaded.preprocess}


def main(argv: list[str] | None = None) -> Path:
    """Train, validate and publish; returns the new version directory."""
    args = parse_args(argv)
    dataset, dataset_name, class_names, extra = load_labelled(args)
    images, labels = dataset.x_train, dataset.y_train
    if args.limit:
        images, labels = images[:args.limit], labels[:args.limit]
    train_x, train_y, val_x, val_y = data.split_validation(images, labels, args.val_fraction, args.seed)
    print(f"{dataset_name} classifier from {dataset.source}: {len(train_x)} train, {len(val_x)} validation images",
          flush=True)
    started = time.time()
    model, history = fit(args, train_x, train_y, val_x, val_y, len(class_names))
    seconds = time.time() - started
    probabilities = model.predict(to_model_input(val_x), batch_size=512, verbose=0)
    accuracy = float(np.mean(np.argmax(probabilities, axis=1) == val_y))
    command = "denoiser train-classifier " + shlex.join(argv if argv is not None else sys.argv[1:])
    metadata = {
        "name": classifier.name_for(dataset_name), "version": None, "dataset": dataset_name,
        "arch": "cnn", "params": int(model.count_params()), "class_names": class_names,
        "input_spec": {"images": {"dtype": "float32", "shape": [None, 28, 28, 1], "range": [0, 1],
                                  "polarity": "white strokes on black"}},
        "training": {"config": vars(args), "epochs_run": len(history["loss"]),
                     "best_epoch": int(np.argmax(history["val_accuracy"])) + 1, "seconds": round(seconds, 1),
                     "n_train": len(train_x), "n_validation": len(val_x), "data_source": dataset.source,
                     "command": command, "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")},
        "metrics": {"validation": {"accuracy": round(accuracy, 4)}},
        "library_versions": library_versions(), **extra,
    }
    directory = export.publish(model, Path(args.output_dir) / metadata["name"], metadata, history,
                               exporter=classifier.export_classifier)
    print(f"exported {directory} in {seconds:.0f} s; validation accuracy {accuracy:.2%}", flush=True)
    return directory


if __name__ == "__main__":
    main()
