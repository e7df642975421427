"""Pixel conventions shared by training, evaluation and serving.

Images are white strokes on black, float32 in [0, 1], shaped [N, 28, 28, 1] for the model.
Decoding user images and the MNIST-style normalisation (the API's `preprocess` option) live
here too, so that training and serving cannot drift apart.
"""

from __future__ import annotations

import numpy as np

IMAGE_SIZE = 28


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 [N, 28, 28] (or float in [0, 1]) -> float32 [N, 28, 28, 1] in [0, 1]."""
    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    if x.ndim == 2:
        x = x[None]
    if x.ndim == 3:
        x = x[..., None]
    if x.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE, 1):
        raise ValueError(f"expected images of 28x28 pixels, got shape {x.shape}")
    return np.clip(x, 0.0, 1.0)


def to_uint8(images: np.ndarray) -> np.ndarray:
    """float [.., 28, 28(, 1)] in [0, 1] -> uint8 with the channel axis dropped."""
    x = np.asarray(images, dtype=np.float32)
    if x.ndim >= 3 and x.shape[-1] == 1:
        x = x[..., 0]
    return np.round(np.clip(x, 0.0, 1.0) * 255.0).astype(np.uint8)
