"""Training CLI: denoiser train --dataset mnist --arch unet --epochs 40, or on your own images:
denoiser train --data my-images/ --name mine [--init-from models/mnist/5].

Trains on the training split minus a validation split (the test split is never read here),
with fresh noise every epoch, early stopping on validation loss (best weights restored),
then exports models/<name>/<version>/ with its model card and history. The export is written
to a staging folder that becomes models/<name>/<version>/ only once complete: a failed run
leaves nothing a server would load. With --data, `denoiser train` also evaluates the new
version on its test split (report, examples, latent map) and tunes its baselines first.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import shlex
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from denoiser.models import architectures, export
from denoiser.models.reexport import load_served_weights
from denoiser.models.scoring import score
from denoiser.models.store import NAME_PATTERN
from denoiser.training import data, sources
from denoiser.training.class_keeping import class_keeping_loss
from denoiser.training.config import TrainConfig, parse_noise_weights
from denoiser.training.distribute import STRATEGIES, devices, make_strategy
from denoiser.training.pipeline import steps_per_epoch, training_dataset, validation_arrays

VALIDATION_LEVELS = (("none", 0.0), ("gaussian", 0.3), ("gaussian", 0.5), ("gaussian", 0.7),
                     ("salt_pepper", 0.2), ("speckle", 0.5))


def parse_args(argv: list[str] | None = None) -> TrainConfig:
    """Command-line flags -> a validated TrainConfig."""
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(prog="denoiser train", description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--data", default=None, metavar="PATH",
                        help="train on your own images: a folder (flat, class subfolders, or train/ test/ [val/]), "
                             "an .npz with x [and y], or a folder of IDX files; needs --name")
    parser.add_argument("--preprocess", default=None, choices=("mnist", "resize"),
                        help="with --data: how images become 28x28 (default: chosen from the images, with the "
                             "reason printed)")
    parser.add_argument("--init-from", default=None, metavar="MODEL_DIR",
                        help="fine-tune: start from this model version's weights and architecture "
                             "(e.g. models/mnist/5)")
    parser.add_argument("--dry-run", action="store_true", help="say what would be trained on, then stop")
    parser.add_argument("--with-vae", action="store_true",
                        help="with --data: also train NAME-vae (a VAE of the same images) for the latent map's "
                             "decoding and the typicality score")
    parser.add_argument("--dataset", default=defaults.dataset, choices=data.DATASET_NAMES)
    parser.add_argument("--data-dir", default=None,
                        help="directory with the IDX .gz files (default: $DENOISER_DATA_DIR, "
                             "../shared/datasets, Debian's package dir, then Keras' cache/download)")
    parser.add_argument("--arch", default=defaults.arch, choices=architectures.ARCHITECTURES)
    parser.add_argument("--latent-dim", type=int, default=defaults.latent_dim)
    parser.add_argument("--width", type=int, default=defaults.width, help="base channel count (unet, vae)")
    parser.add_argument("--beta", type=float, default=defaults.beta,
                        help="vae: weight of the KL term (1 = the evidence bound)")
    parser.add_argument("--noise", default=",".join(f"{k}={v}" for k, v in defaults.noise_weights.items()),
                        help="training noise mix as type=weight pairs")
    parser.add_argument("--level-min", type=float, default=defaults.level_min)
    parser.add_argument("--level-max", type=float, default=defaults.level_max)
    parser.add_argument("--augment-shift", type=int, default=defaults.augment_shift,
                        help="random translation in pixels (0 disables)")
    parser.add_argument("--augment-probability", type=float, default=defaults.augment_probability,
                        help="share of images that also get affine/elastic/thickness/crisp-edge augmentation "
                             "(0 disables)")
    parser.add_argument("--keep-class", type=float, default=defaults.keep_class, metavar="WEIGHT",
                        help="add WEIGHT x KL(teacher(clean) || teacher(denoised)) to the loss (0: MSE only)")
    parser.add_argument("--teacher", default=None, metavar="CLASSIFIER_DIR",
                        help="with --keep-class: the frozen classifier's version directory")
    parser.add_argument("--class-weight", type=float, default=defaults.class_weight,
                        help="unet-class: weight of its reader's cross-entropy against the labels")
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    parser.add_argument("--patience", type=int, default=defaults.patience)
    parser.add_argument("--val-fraction", type=float, default=defaults.val_fraction)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--name", default=None, help="model name under the output dir (default: dataset)")
    parser.add_argument("--output-dir", default=defaults.output_dir)
    parser.add_argument("--distribute", default=defaults.distribute, choices=STRATEGIES,
                        help="mirrored: one model copy per local GPU, gradients averaged; --batch-size per GPU")
    args = parser.parse_args(argv)
    config = TrainConfig(
        dataset=args.dataset, data_dir=args.data_dir, arch=args.arch, latent_dim=args.latent_dim,
        width=args.width, beta=args.beta, noise_weights=parse_noise_weights(args.noise), level_min=args.level_min,
        level_max=args.level_max, augment_shift=args.augment_shift,
        augment_probability=args.augment_probability, epochs=args.epochs,
        batch_size=args.batch_size, learning_rate=args.learning_rate, patience=args.patience,
        val_fraction=args.val_fraction, seed=args.seed, limit=args.limit, name=args.name,
        output_dir=args.output_dir, distribute=args.distribute, data=args.data, preprocess=args.preprocess,
        init_from=args.init_from, keep_class=args.keep_class, teacher=args.teacher,
        class_weight=args.class_weight)
    if config.name and not NAME_PATTERN.match(config.name):
        parser.error(f"--name {config.name!r}: use letters, digits, '.', '_' or '-' (at most 64)")
    if config.init_from:
        config = starting_point(config)
    try:
        config.validate()
    except ValueError as error:
        parser.error(str(error))
    if args.with_vae and config.data is None:
        parser.error("--with-vae goes with --data (the committed datasets have their VAEs)")
    return config


def run_options(argv: list[str] | None) -> argparse.Namespace:
    """The flags that say what to do rather than how to train (--dry-run, --with-vae); parse_args checks them."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--with-vae", action="store_true")
    return parser.parse_known_args(argv)[0]


def starting_point(config: TrainConfig) -> TrainConfig:
    """A fine-tuning config: the architecture of the model in `config.init_from` (its card says which)."""
    card_path = Path(config.init_from) / "metadata.json"
    if not card_path.is_file():
        raise SystemExit(f"--init-from {config.init_from}: not a model version directory (no metadata.json)")
    card = json.loads(card_path.read_text())
    trained = card.get("training", {}).get("config", {})
    # an extension of the card's architecture (unet-class of unet) is kept: its new layers start fresh
    arch = config.arch if config.arch.startswith(f"{card['arch']}-") else card["arch"]
    return dataclasses.replace(config, arch=arch, latent_dim=card["latent_dim"],
                               width=trained.get("width", config.width), beta=trained.get("beta", config.beta))


class EpochTimer(keras.callbacks.Callback):
    """Records each epoch's wall time in seconds into the history (`epoch_seconds`)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["epoch_seconds"] = time.perf_counter() - self.started


def make_deterministic(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's kernels deterministic (CPU and GPU)."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def fit(config: TrainConfig, train_x: np.ndarray, val_x: np.ndarray,
        builder: Callable[[], architectures.Autoencoder] | None = None,
        labels: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[architectures.Autoencoder, dict]:
    """Build and train the configured model; returns it (best weights) and its history.

    `builder` makes a model `architectures.build` cannot (the studies' dense nets of a chosen width or L1
    penalty); it runs right after seeding, like `architectures.build`, so its weights are as reproducible.
    The same config and data give the same weights, bit for bit, on the same machine and library versions.
    `labels` (train, validation) feed the class-guided U-Net (unet-class).
    """
    make_deterministic(config.seed)
    strategy = make_strategy(config.distribute)
    replicas = strategy.num_replicas_in_sync
    per_step = dataclasses.replace(config, batch_size=config.batch_size * replicas)  # the global batch
    with_labels = config.arch in architectures.LEARNS_THE_CLASS
    if with_labels and labels is None:
        raise SystemExit(f"denoiser train: --arch {config.arch} learns the class and needs labelled data")
    train_ds = training_dataset(train_x, per_step, labels[0] if with_labels else None)
    val_noisy, val_clean = validation_arrays(val_x, config)
    steps = steps_per_epoch(len(train_x), per_step)
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps * config.epochs, alpha=0.02)
    with strategy.scope():  # variables made here are mirrored on every device
        autoencoder = builder() if builder else architectures.build(config.arch, config.latent_dim, config.width,
                                                              config.beta)
        trained = autoencoder.training_model
        loss = class_keeping_loss(config.teacher, config.keep_class) if config.keep_class else autoencoder.loss
        if with_labels:
            trained.compile(optimizer=keras.optimizers.Adam(schedule), loss=loss,
                            loss_weights={"denoised": 1.0, "class_head": config.class_weight},
                            metrics={"denoised": ["mae"], "class_head": ["accuracy"]})
        else:
            trained.compile(optimizer=keras.optimizers.Adam(schedule), loss=loss, metrics=["mae"])
    val_inputs, val_target = val_noisy, val_clean
    if with_labels:
        val_inputs = {"images": val_noisy, "class": np.eye(10, dtype=np.float32)[labels[1]]}
        val_target = {"denoised": val_clean, "class_head": labels[1]}
    if replicas > 1:
        print(f"MirroredStrategy: {replicas} replicas, global batch {per_step.batch_size}", flush=True)
    stop = keras.callbacks.EarlyStopping(patience=config.patience, restore_best_weights=True, verbose=1)
    history = trained.fit(
        train_ds, validation_data=(val_inputs, val_target), epochs=config.epochs, steps_per_epoch=steps,
        callbacks=[EpochTimer(), stop], shuffle=False, verbose=1 if sys.stdout.isatty() else 2)
    return autoencoder, {key: [float(v) for v in values] for key, values in history.history.items()}


def validation_report(autoencoder: architectures.Autoencoder, val_x: np.ndarray, seed: int) -> dict:
    """PSNR/SSIM on the validation split at the card's reference noise levels."""
    from denoiser.imaging import to_model_input

    clean = to_model_input(val_x)

    def predict(batch):
        return np.clip(autoencoder.denoiser(batch, training=False).numpy(), 0.0, 1.0)

    return {f"{noise}:{level}": score(predict, clean, noise, level, seed)
            for noise, level in VALIDATION_LEVELS}


def library_versions() -> dict:
    """Versions recorded in the model card."""
    return {"python": platform.python_version(), "tensorflow": tf.__version__,
            "keras": keras.__version__, "numpy": np.__version__}


def load_training_data(config: TrainConfig) -> tuple[data.Dataset, list[str], sources.Loaded | None]:
    """The dataset to train on, its class names and, for your own images, how they were loaded."""
    if config.data is None:
        dataset = data.load_dataset(config.dataset, config.data_dir)
        return dataset, data.CLASS_NAMES[config.dataset], None
    try:
        loaded = sources.load(config.data, config.preprocess, config.seed)
    except sources.DataError as error:
        raise SystemExit(f"denoiser train: {error}") from None
    print(sources.summary(loaded), flush=True)
    return loaded.dataset, loaded.class_names, loaded


def fine_tuned_builder(config: TrainConfig) -> Callable[[], architectures.Autoencoder]:
    """Build the configured architecture with the weights of `config.init_from`."""
    def build() -> architectures.Autoencoder:
        autoencoder = architectures.build(config.arch, config.latent_dim, config.width, config.beta)
        load_served_weights(autoencoder, Path(config.init_from))
        return autoencoder
    return build


def main(argv: list[str] | None = None, complete: Callable[[Path], None] | None = None) -> Path | None:
    """Train, validate and export; returns the exported model directory (None for --dry-run). For your own
    images, `complete(staging_dir)` runs before the version is published (the command line's evaluation)."""
    config = parse_args(argv)
    dataset, class_names, loaded = load_training_data(config)
    images, labels = dataset.x_train, dataset.y_train
    if config.limit:
        images, labels = images[:config.limit], labels[:config.limit]
    if loaded is not None and loaded.x_val is not None:
        train_x, val_x, split_labels = images, loaded.x_val, None
    else:
        train_x, train_y, val_x, val_y = data.split_validation(images, labels, config.val_fraction, config.seed)
        split_labels = (train_y, val_y)
    start = f"fine-tuning {config.init_from}" if config.init_from else "from scratch"
    print(f"{config.dataset_name} from {dataset.source}: {len(train_x)} train, {len(val_x)} validation images; "
          f"arch {config.arch}, latent {config.latent_dim}, {start}", flush=True)
    options = run_options(argv)
    vae = vae_config(config) if options.with_vae else None
    if options.dry_run:
        for planned in filter(None, (config, vae)):
            print(f"dry run: would export {Path(planned.output_dir) / planned.model_name}/"
                  f"{export.next_version(planned.output_dir, planned.model_name)} ({planned.arch})", flush=True)
        return None
    command = "denoiser train " + shlex.join(argv if argv is not None else sys.argv[1:])
    directory = train_and_publish(config, dataset.source, class_names, loaded, train_x, val_x, complete, command,
                                  split_labels)
    if vae is not None:
        print(f"training {vae.model_name}: a VAE of the same images", flush=True)
        train_and_publish(vae, dataset.source, class_names, loaded, train_x, val_x, complete, command)
    return directory


def vae_config(config: TrainConfig) -> TrainConfig:
    """--with-vae: NAME-vae, a VAE of the committed VAEs' shape, grouped with NAME (the API pairs them)."""
    return dataclasses.replace(config, arch="vae", latent_dim=16, width=32, beta=1.0, init_from=None,
                               name=f"{config.model_name}-vae", group=config.dataset_name)


def train_and_publish(config: TrainConfig, source: str, class_names: list[str], loaded: sources.Loaded | None,
                      train_x: np.ndarray, val_x: np.ndarray, complete: Callable[[Path], None] | None,
                      command: str, labels: tuple[np.ndarray, np.ndarray] | None = None) -> Path:
    """Fit, validate and publish one model (see `publish`); returns its version directory."""
    started = time.time()
    autoencoder, history = fit(config, train_x, val_x, fine_tuned_builder(config) if config.init_from else None,
                               labels)
    seconds = time.time() - started
    best_epoch = int(np.argmin(history["val_loss"])) + 1
    metadata = {
        "name": config.model_name, "version": None, "dataset": config.dataset_name,
        "arch": config.arch, "latent_dim": config.latent_dim,
        "params": int(autoencoder.denoiser.count_params()),
        "class_names": class_names,
        "input_spec": {"images": {"dtype": "float32", "shape": [None, 28, 28, 1], "range": [0, 1],
                                  "polarity": "white strokes on black"}},
        "training": {"config": config.to_dict(), "epochs_run": len(history["loss"]), "best_epoch": best_epoch,
                     "seconds": round(seconds, 1), "n_train": len(train_x), "n_validation": len(val_x),
                     "data_source": source, "replicas": len(devices(config.distribute)),
                     "command": command,
                     "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")},
        "metrics": {"validation": validation_report(autoencoder, val_x, config.seed)},
        "library_versions": library_versions(),
    }
    if config.init_from:
        metadata["training"]["init_from"] = str(config.init_from)
    if loaded is not None:
        metadata["data"] = loaded.card()
        metadata["preprocess"] = loaded.preprocess
    directory = export.publish(autoencoder, Path(config.output_dir) / config.model_name, metadata, history,
                               complete if loaded is not None else None)
    val = metadata["metrics"]["validation"]["gaussian:0.5"]["denoised"]
    print(f"exported {directory} in {seconds:.0f} s training; validation gaussian 0.5: "
          f"PSNR {val['psnr']:.2f} dB, SSIM {val['ssim']:.3f}", flush=True)
    print(json.dumps({"model_dir": str(directory)}), flush=True)
    return directory


if __name__ == "__main__":
    main()
