"""tf.data input pipelines: augmentation and fresh noise every epoch, reproducible from the seed."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from denoiser.imaging import to_model_input
from denoiser.imaging.noise import NOISE_TYPES, add_noise, tf_add_noise
from denoiser.training.augment import AugmentSettings, augment
from denoiser.training.config import TrainConfig

CLASS_SWAPS = 0.05  # the class-guided U-Net's training: the share of images given a random class


def _noise_probabilities(config: TrainConfig) -> np.ndarray:
    weights = np.array([config.noise_weights.get(name, 0.0) for name in NOISE_TYPES], dtype=np.float64)
    return weights / weights.sum()


def steps_per_epoch(count: int, config: TrainConfig) -> int:
    """Batches that make one pass over `count` training images."""
    return int(np.ceil(count / config.batch_size))


def augment_settings(config: TrainConfig) -> AugmentSettings:
    """The augmentation a training config asks for."""
    return AugmentSettings(probability=config.augment_probability, max_shift=config.augment_shift)


def training_dataset(images: np.ndarray, config: TrainConfig, labels: np.ndarray | None = None) -> tf.data.Dataset:
    """An endless stream of (noisy, clean) batches; shuffle, augmentation and noise are fresh every epoch.

    Deterministic for a seed: the shuffle is seeded, and each batch draws its augmentation and noise
    from stateless ops seeded by (config.seed, batch number), whatever thread runs it. Use
    `steps_per_epoch` batches per epoch. With `labels` (the class-guided U-Net), the inputs are
    {"images": noisy, "class": `forced_classes`} and the targets {"denoised": clean, "class_head": label}.
    """
    clean = to_model_input(images)
    logits = tf.math.log(tf.constant(_noise_probabilities(config), dtype=tf.float32))[None, :]
    settings = augment_settings(config)

    def make_pair(step, batch):
        if labels is not None:
            batch, batch_labels = batch
        seed = tf.stack([tf.constant(config.seed, tf.int64), step])
        augment_seed, kind_seed, level_seed, noise_seed, class_seed = tf.unstack(
            tf.random.experimental.stateless_split(seed, 5))
        batch = augment(batch, augment_seed, settings)
        size = tf.shape(batch)[0]
        kinds = tf.random.stateless_categorical(tf.tile(logits, [size, 1]), 1, seed=kind_seed, dtype=tf.int32)[:, 0]
        levels = tf.random.stateless_uniform([size], seed=level_seed, minval=config.level_min, maxval=config.level_max)
        noisy = tf_add_noise(batch, kinds, levels, noise_seed)
        if labels is None:
            return noisy, batch
        return ({"images": noisy, "class": forced_classes(batch_labels, class_seed)},
                {"denoised": batch, "class_head": batch_labels})

    return (tf.data.Dataset.from_tensor_slices(clean if labels is None else (clean, labels))
            .shuffle(len(clean), seed=config.seed, reshuffle_each_iteration=True)
            .repeat()
            .batch(config.batch_size)
            .enumerate()
            .map(make_pair, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
            .prefetch(tf.data.AUTOTUNE))


def forced_classes(labels: tf.Tensor, seed: tf.Tensor, classes: int = 10) -> tf.Tensor:
    """The one-hot classes a class-guided decoder is trained on: the labels, but a random class for a share
    CLASS_SWAPS of them, so that where the image itself is clear the decoder keeps to it."""
    swap_seed, class_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    size = tf.shape(labels)[0]
    swapped = tf.random.stateless_uniform([size], seed=swap_seed) < CLASS_SWAPS
    random = tf.random.stateless_uniform([size], seed=class_seed, maxval=classes, dtype=tf.int32)
    return tf.one_hot(tf.where(swapped, random, tf.cast(labels, tf.int32)), classes)


def validation_arrays(images: np.ndarray, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """A fixed noisy validation set drawn from the training mix (same seed, same noise every epoch)."""
    clean = to_model_input(images)
    rng = np.random.default_rng(config.seed + 1)
    kinds = rng.choice(len(NOISE_TYPES), size=len(clean), p=_noise_probabilities(config))
    levels = rng.uniform(config.level_min, config.level_max, size=len(clean))
    noisy = np.stack([add_noise(x, NOISE_TYPES[k], lv, rng) for x, k, lv in zip(clean, kinds, levels)])
    return noisy.astype(np.float32), clean
