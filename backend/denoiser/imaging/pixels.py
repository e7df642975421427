"""Pixel conventions: white strokes on black, float32 in [0, 1], shaped [N, 28, 28, 1] for the model."""

from __future__ import annotations

import base64

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
    """float [.., H, W(, 1)] in [0, 1] -> uint8 with the channel axis dropped."""
    x = np.asarray(images, dtype=np.float32)
    if x.ndim >= 3 and x.shape[-1] == 1:
        x = x[..., 0]
    return np.round(np.clip(x, 0.0, 1.0) * 255.0).astype(np.uint8)


def encode_png(image: np.ndarray) -> bytes:
    """uint8 or float [H, W(, 1)] image -> PNG bytes (8-bit grey)."""
    import cv2

    pixels = np.asarray(image if np.asarray(image).dtype == np.uint8 else to_uint8(image))
    if pixels.ndim == 3:
        pixels = pixels[..., 0]
    ok, encoded = cv2.imencode(".png", np.ascontiguousarray(pixels))
    if not ok:
        raise ValueError(f"could not encode a {pixels.shape} image as PNG")
    return encoded.tobytes()


def to_data_url(png: bytes) -> str:
    """PNG bytes -> `data:image/png;base64,...`."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
