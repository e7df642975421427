"""Blind noise estimates: how noisy an image is, with no clean reference.

`sigma(image)`: Immerkær's noise operator (the difference of two Laplacians, which answers zero on flat and
sloping regions and on straight edges) run by OpenCV over the image, its absolute responses' median (robust to
the strokes and edges that a mean would count as noise) divided by the operator's gain on white Gaussian
noise. `impulses(image)`: the share of pixels that a 3x3 median filter (OpenCV) replaces by something far
off, i.e. salt-and-pepper specks. `model_sigma(digit)` turns the raw estimate of a 28x28 model input into
the level of DESIGN.md's gaussian noise `clip(x + sigma * N(0, 1))` that gives it, on MNIST digits:
clipping at 0 and 1 hides part of the noise, so the raw estimate reads low.
"""

from __future__ import annotations

import cv2
import numpy as np

from denoiser.imaging import robust

OPERATOR = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
# |response| of the operator on white Gaussian noise of std 1 has std 6 (the kernel's norm); its median is
# 0.6745 of that
GAIN = 6.0 * 0.6745
SAMPLE = 20_000  # responses the median is taken over, at most about
IMPULSE_JUMP = 0.5  # a pixel that differs from its 3x3 median by more than this is a speck
# the share of such pixels in clean MNIST training digits (stroke ends and corners): 99th percentile 0.019;
# salt and pepper at 0.1 gives 0.055
CLEAN_SPECKS = 0.02

# model_sigma's calibration: the raw `sigma` of 28x28 inputs against the gaussian level that made them,
# medians over the 10,000 MNIST training digits (`calibrate`)
LEVEL = (0.0, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9)
RAW = (0.0, 0.0213, 0.0382, 0.0678, 0.0956, 0.1229, 0.1498, 0.1765, 0.2026, 0.2279, 0.2522, 0.2749, 0.3149, 0.3471,
       0.3734, 0.3947)


def sigma(image: np.ndarray) -> float:
    """The raw noise estimate of a grey image in [0, 1] (a std on the same scale; 0 for a clean drawing)."""
    image = np.asarray(image, np.float32)
    if min(image.shape) < 3:
        return 0.0
    response = cv2.filter2D(image, cv2.CV_32F, OPERATOR, borderType=cv2.BORDER_REFLECT)[1:-1, 1:-1]
    step = max(1, int(np.sqrt(response.size / SAMPLE)))  # a median of SAMPLE values is as good, and cheaper
    return robust.median(np.abs(response[::step, ::step])) / GAIN


def impulses(image: np.ndarray) -> float:
    """The share of pixels that are specks: far from the median of their 3x3 neighbourhood."""
    pixels = np.round(np.clip(np.asarray(image, np.float32), 0, 1) * 255).astype(np.uint8)
    if min(pixels.shape) < 3:
        return 0.0
    jump = np.abs(pixels.astype(np.int16) - cv2.medianBlur(pixels, 3))
    return float(np.count_nonzero(jump > IMPULSE_JUMP * 255)) / jump.size


def model_sigma(digit: np.ndarray) -> float:
    """The noise level that a 28x28 white-on-black input appears to carry: the gaussian level (DESIGN.md's
    definition) that gives its raw `sigma`, or, where specks stand out (salt and pepper, which a median-based
    estimate does not see), the std they add, sqrt of their share beyond CLEAN_SPECKS; the larger of the two."""
    raw = sigma(digit)
    if raw <= RAW[-1]:
        level = float(np.interp(raw, RAW, LEVEL))
    else:
        level = LEVEL[-1] + (raw - RAW[-1]) * (LEVEL[-1] - LEVEL[-2]) / (RAW[-1] - RAW[-2])
    return max(level, float(np.sqrt(max(0.0, impulses(digit) - CLEAN_SPECKS))))


def calibrate(digits: np.ndarray, levels=LEVEL, seed: int = 1) -> tuple[float, ...]:
    """RAW for `levels`: the median raw `sigma` of `digits` (uint8 [N, 28, 28] training digits) under
    gaussian noise of each level, drawn with `seed`."""
    rng = np.random.default_rng(seed)
    clean = digits.astype(np.float32) / 255.0
    medians = []
    for level in levels:
        noisy = np.clip(clean + level * rng.standard_normal(clean.shape, dtype=np.float32), 0, 1)
        medians.append(round(robust.median(np.array([sigma(image) for image in noisy])), 4))
    return tuple(medians)
