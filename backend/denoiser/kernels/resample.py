"""Pillow's resampling of float ("F") images (libImaging/Resample.c, Pillow 13), for the resizes of a working digit."""

from __future__ import annotations

import numpy as np

from denoiser.kernels.compiling import compiled

BOX, BICUBIC, LANCZOS = 0, 1, 2  # the filters preprocessing resizes with
_SUPPORT = np.array([0.5, 2.0, 3.0])


@compiled
def _sinc(x):
    if x == 0.0:
        return 1.0
    x = x * np.pi
    return np.sin(x) / x


@compiled
def _weight(kind, x):
    """Pillow's filter functions (box, bicubic with a = -0.5, Lanczos-3), with its arithmetic."""
    if kind == BOX:
        return 1.0 if -0.5 < x <= 0.5 else 0.0
    if kind == BICUBIC:
        x = -x if x < 0.0 else x
        if x < 1.0:
            return ((-0.5 + 2.0) * x - (-0.5 + 3.0)) * x * x + 1
        if x < 2.0:
            return (((x - 5) * x + 8) * x - 4) * -0.5
        return 0.0
    if -3.0 <= x < 3.0:
        return _sinc(x) * _sinc(x / 3)
    return 0.0


@compiled
def _coefficients(in_size, out_size, kind):
    """Pillow's precompute_coeffs: per output pixel, (first input pixel, their count, normalised weights)."""
    scale = np.float64(in_size) / out_size
    filter_scale = max(scale, 1.0)
    support = _SUPPORT[kind] * filter_scale
    size = int(np.ceil(support)) * 2 + 1
    first = np.empty(out_size, np.int64)
    count = np.empty(out_size, np.int64)
    weights = np.zeros((out_size, size), np.float64)
    for out in range(out_size):
        centre = 0.0 + (out + 0.5) * scale
        inverse = 1.0 / filter_scale
        low = max(int(centre - support + 0.5), 0)
        high = min(int(centre + support + 0.5), in_size) - low
        total = 0.0
        for index in range(high):
            weight = _weight(kind, (index + low - centre + 0.5) * inverse)
            weights[out, index] = weight
            total += weight
        if total != 0.0:
            for index in range(high):
                weights[out, index] /= total
        first[out], count[out] = low, high
    return first, count, weights


@compiled
def _across(image, first, count, weights):
    """Pillow's horizontal pass: each row resampled with the weights, summed in float64, stored as float32."""
    rows = image.shape[0]
    out = np.empty((rows, first.size), np.float32)
    for row in range(rows):
        for col in range(first.size):
            total = 0.0
            for index in range(count[col]):
                total += np.float64(image[row, first[col] + index]) * weights[col, index]
            out[row, col] = total
    return out


@compiled
def _down(image, first, count, weights):
    """Pillow's vertical pass: each column resampled (each output pixel's sum in the same order, whole rows
    at a time)."""
    cols = image.shape[1]
    out = np.empty((first.size, cols), np.float32)
    total = np.empty(cols, np.float64)
    for row in range(first.size):
        total[:] = 0.0
        for index in range(count[row]):
            weight = weights[row, index]
            source = image[first[row] + index]
            for col in range(cols):
                total[col] += np.float64(source[col]) * weight
        for col in range(cols):
            out[row, col] = total[col]
    return out


@compiled
def _resize(image, horizontal, vertical, horizontal_first):
    if horizontal_first and horizontal[0].size:
        image = _across(image, *horizontal)
    if vertical[0].size:
        image = _down(image, *vertical)
    if not horizontal_first and horizontal[0].size:
        image = _across(image, *horizontal)
    return image


_WEIGHTS: dict[tuple[int, int, int], tuple] = {}  # (input size, output size, kind) -> _coefficients(...)
_NONE = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 1), np.float64))  # a pass not needed


def _weights(in_size: int, out_size: int, kind: int) -> tuple:
    """_coefficients, remembered: a digit's sizes repeat, and Lanczos' sines are most of a resize's work."""
    if in_size == out_size:
        return _NONE
    key = (in_size, out_size, kind)
    found = _WEIGHTS.get(key)
    if found is None:
        if len(_WEIGHTS) >= 4096:  # bounded: a few hundred sizes occur in practice
            _WEIGHTS.clear()
        found = _WEIGHTS[key] = _coefficients(in_size, out_size, kind)
    return found


def resize(image: np.ndarray, width: int, height: int, kind: int) -> np.ndarray:
    """`Image.fromarray(image, "F").resize((width, height), filter)` as a float32 array, for kind BOX,
    BICUBIC or LANCZOS: Pillow's weights, its double-precision sums and its order of the two passes."""
    image = np.ascontiguousarray(image, dtype=np.float32)
    rows, cols = image.shape
    if (width, height) == (cols, rows):
        return image.copy()
    # Pillow resamples the columns first when the height shrinks by more than twice what the width does
    horizontal_first = not (rows - height > 0 and rows - height > (cols - width) * 2)
    return _resize(image, _weights(cols, int(width), kind), _weights(rows, int(height), kind), horizontal_first)
