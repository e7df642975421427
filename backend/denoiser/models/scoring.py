"""Score a denoising function on clean images at given noise settings (shared by train and evaluate)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from denoiser.imaging.metrics import image_metrics
from denoiser.imaging.noise import add_noise

Denoise = Callable[[np.ndarray], np.ndarray]


def in_batches(function: Denoise, images: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """Apply `function` to [N, 28, 28, 1] float32 images in batches and stack the results."""
    outputs = [np.asarray(function(images[i:i + batch_size])) for i in range(0, len(images), batch_size)]
    return np.concatenate(outputs).astype(np.float32)


def noisy_copy(clean: np.ndarray, noise: str, level: float, seed: int) -> np.ndarray:
    """The noisy images every method is scored on: one fixed draw per (noise, level, seed)."""
    return add_noise(clean, noise, level, np.random.default_rng(seed))


def score(function: Denoise, clean: np.ndarray, noise: str, level: float, seed: int = 0) -> dict:
    """Metrics of the noisy input and of `function`'s output, both against `clean`."""
    noisy = noisy_copy(clean, noise, level, seed)
    denoised = in_batches(function, noisy)
    return {"noisy": image_metrics(clean, noisy), "denoised": image_metrics(clean, denoised)}


def signature_function(loaded, name: str = "denoise", output: str = "denoised") -> Denoise:
    """Wrap a loaded SavedModel signature as numpy -> numpy."""
    import tensorflow as tf

    signature = loaded.signatures[name]
    return lambda images: signature(images=tf.constant(images, tf.float32))[output].numpy()


def signature_outputs(loaded, name: str):
    """Wrap a loaded SavedModel signature as numpy -> {output name: numpy} (`decode` takes `latent`,
    the others `images`)."""
    import tensorflow as tf

    signature = loaded.signatures[name]
    argument = "latent" if name == "decode" else "images"
    return lambda tensor: {key: value.numpy()
                           for key, value in signature(**{argument: tf.constant(tensor, tf.float32)}).items()}
