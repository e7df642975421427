"""Noise models shared by training, evaluation and the API (definitions from DESIGN.md).

Pixels are float32 in [0, 1]. Levels: gaussian and speckle take a standard deviation,
salt-and-pepper a per-pixel probability. numpy versions serve evaluation and the API;
`tf_add_noise` is the graph version used inside tf.data during training.
"""

from __future__ import annotations

import numpy as np

NOISE_TYPES = ("none", "gaussian", "salt_pepper", "speckle")


def validate(noise: str, level: float) -> None:
    """Raise ValueError for an unknown noise type or a level outside [0, 1]."""
    if noise not in NOISE_TYPES:
        raise ValueError(f"unknown noise {noise!r}; choose one of {', '.join(NOISE_TYPES)}")
    if not 0.0 <= float(level) <= 1.0:
        raise ValueError(f"noise level must be within [0, 1], got {level}")


def add_noise(images: np.ndarray, noise: str, level: float,
              rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Return a noisy float32 copy of `images` (values in [0, 1]); `rng` may be a seed."""
    validate(noise, level)
    rng = np.random.default_rng(rng)
    x = np.asarray(images, dtype=np.float32)
    if noise == "none" or level == 0:
        return x.copy()
    if noise == "gaussian":
        return np.clip(x + level * rng.standard_normal(x.shape, dtype=np.float32), 0.0, 1.0)
    if noise == "speckle":
        return np.clip(x + x * level * rng.standard_normal(x.shape, dtype=np.float32), 0.0, 1.0)
    hit = rng.random(x.shape) < level
    salt = rng.random(x.shape) < 0.5
    return np.where(hit, salt.astype(np.float32), x).astype(np.float32)


def parse_spec(spec: str) -> tuple[str, float]:
    """Parse "gaussian:0.5" (or "none") into ("gaussian", 0.5)."""
    noise, _, level = spec.partition(":")
    level_value = float(level) if level else 0.0
    validate(noise, level_value)
    return noise, level_value


def tf_add_noise(images, noise_type, level, seed):
    """Graph version for tf.data: `noise_type` is an int index into NOISE_TYPES (a tensor).

    `images` is a float32 batch [N, 28, 28, 1]; `level` a float32 tensor of shape [N]; `seed` a
    shape-[2] int tensor. Only stateless random ops are used, so the same seed gives the same noise
    whatever thread or order tf.data runs it in (training is reproducible).
    """
    import tensorflow as tf

    normal_seed, hit_seed, salt_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 3))
    shape = tf.shape(images)
    level = tf.reshape(level, [-1, 1, 1, 1])
    normal = tf.random.stateless_normal(shape, seed=normal_seed)
    gaussian = tf.clip_by_value(images + level * normal, 0.0, 1.0)
    speckle = tf.clip_by_value(images + images * level * normal, 0.0, 1.0)
    hit = tf.random.stateless_uniform(shape, seed=hit_seed) < level
    salt = tf.cast(tf.random.stateless_uniform(shape, seed=salt_seed) < 0.5, tf.float32)
    salt_pepper = tf.where(hit, salt, images)
    kind = tf.reshape(noise_type, [-1, 1, 1, 1])
    out = tf.where(kind == 1, gaussian, images)
    out = tf.where(kind == 2, salt_pepper, out)
    return tf.where(kind == 3, speckle, out)
