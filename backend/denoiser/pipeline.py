"""tf.data input pipelines: augmentation and fresh noise every epoch."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from .config import TrainConfig
from .noise import NOISE_TYPES, add_noise, tf_add_noise
from .preprocess import to_model_input


def _noise_probabilities(config: TrainConfig) -> np.ndarray:
    weights = np.array([config.noise_weights.get(name, 0.0) for name in NOISE_TYPES], dtype=np.float64)
    return weights / weights.sum()


def _shift(images: tf.Tensor, max_shift: int) -> tf.Tensor:
    """Random translation by up to `max_shift` pixels per image (pad with black, random crop)."""
    if max_shift <= 0:
        return images
    padded = tf.pad(images, [[max_shift, max_shift], [max_shift, max_shift], [0, 0]])
    return tf.image.random_crop(padded, tf.shape(images))


def training_dataset(images: np.ndarray, config: TrainConfig) -> tf.data.Dataset:
    """(noisy, clean) batches; shuffle, shift and noise are redrawn every epoch."""
    clean = to_model_input(images)
    logits = tf.math.log(tf.constant(_noise_probabilities(config), dtype=tf.float32))[None, :]

    def add_batch_noise(batch):
        size = tf.shape(batch)[0]
        kinds = tf.random.categorical(tf.tile(logits, [size, 1]), 1, dtype=tf.int32)[:, 0]
        levels = tf.random.uniform([size], config.level_min, config.level_max)
        return tf_add_noise(batch, kinds, levels), batch

    return (tf.data.Dataset.from_tensor_slices(clean)
            .shuffle(len(clean), seed=config.seed, reshuffle_each_iteration=True)
            .map(lambda x: _shift(x, config.augment_shift), num_parallel_calls=tf.data.AUTOTUNE)
            .batch(config.batch_size)
            .map(add_batch_noise, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE))


def validation_arrays(images: np.ndarray, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """A fixed noisy validation set drawn from the training mix (same seed, same noise every epoch)."""
    clean = to_model_input(images)
    rng = np.random.default_rng(config.seed + 1)
    kinds = rng.choice(len(NOISE_TYPES), size=len(clean), p=_noise_probabilities(config))
    levels = rng.uniform(config.level_min, config.level_max, size=len(clean))
    noisy = np.stack([add_noise(x, NOISE_TYPES[k], lv, rng) for x, k, lv in zip(clean, kinds, levels)])
    return noisy.astype(np.float32), clean
