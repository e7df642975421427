"""Stroke width: estimate it and bring it towards MNIST's, so a hairline pen and a fat marker look alike.

Widths are measured on a digit image scaled so that its longer side is `DIGIT_PX` pixels (4x the 20 px
box MNIST fits digits into), as ink mass divided by skeleton length, and reported in pixels of the
final 28x28 image (the same pixel size as MNIST's 20x20 box).
"""

from __future__ import annotations

import numpy as np

FIT_SIZE = 20
DIGIT_PX = 80  # the working digit's longer side: 4 working pixels per output pixel
SCALE = DIGIT_PX / FIT_SIZE

# MNIST's stroke width in 28x28 pixels, measured with `stroke_width` on the 10,000 training digits of
# /work/shared/datasets/mnist (each cropped to its ink, fitted to DIGIT_PX, then measured; see
# `mnist_widths`): 10th percentile 1.92, median 2.66, 90th percentile 3.77 (mean 2.77). Widths inside
# [MNIST_LOW, MNIST_HIGH] are left alone (people's pens vary as MNIST's did); widths outside are brought
# to MNIST_MEDIAN.
MNIST_LOW = 1.92
MNIST_MEDIAN = 2.66
MNIST_HIGH = 3.77


def _core(digit: np.ndarray) -> np.ndarray:
    """The pixels that count as stroke for the skeleton: above 40% of the ink's typical peak."""
    ink = digit[digit > 0.05]
    if ink.size == 0:
        return np.zeros(digit.shape, bool)
    return digit >= 0.4 * float(np.percentile(ink, 95))


def stroke_width(digit: np.ndarray) -> float:
    """Stroke width of a white-on-black digit at the working scale: ink mass / skeleton length, in pixels."""
    from skimage.morphology import skeletonize

    skeleton = skeletonize(_core(digit))
    length = int(skeleton.sum())
    if length == 0:
        return 0.0
    return float(np.clip(digit, 0, 1).sum()) / length


def _disk(radius: int) -> np.ndarray:
    span = np.arange(-radius, radius + 1)
    return span[:, None] ** 2 + span[None, :] ** 2 <= radius * radius + radius * 0.5


def _morph(digit: np.ndarray, radius: float, grow: bool) -> np.ndarray:
    """Grey dilation (grow) or erosion by a disk of fractional `radius` (blend of the two nearest disks)."""
    from scipy import ndimage

    operation = ndimage.grey_dilation if grow else ndimage.grey_erosion
    low = int(np.floor(radius))
    weight = radius - low
    below = digit if low == 0 else operation(digit, footprint=_disk(low), mode="constant", cval=0.0)
    if weight < 0.05:
        return below
    above = operation(digit, footprint=_disk(low + 1), mode="constant", cval=0.0)
    return (1 - weight) * below + weight * above


def normalise(digit: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Bring the stroke width of `digit` (longer side DIGIT_PX, values in [0, 1]) into MNIST's range.

    Returns (the new digit, width before, width after), widths in output (28x28) pixels.
    """
    digit = np.clip(np.asarray(digit, np.float32), 0, 1)
    before = stroke_width(digit) / SCALE
    if MNIST_LOW <= before <= MNIST_HIGH or before == 0:
        return digit, round(before, 3), round(before, 3)
    if before < MNIST_LOW:
        solid = _core(digit).astype(np.float32)  # faint hairlines: make the core solid first
        digit = np.maximum(digit, solid)
        width = stroke_width(digit) / SCALE
        radius = max(0.0, (MNIST_MEDIAN - width) * SCALE / 2)
        digit = _morph(digit, radius, grow=True)
    else:
        radius = (before - MNIST_MEDIAN) * SCALE / 2
        digit = _morph(digit, radius, grow=False)
    return digit, round(before, 3), round(stroke_width(digit) / SCALE, 3)


def fit_digit(crop: np.ndarray) -> np.ndarray:
    """A cropped ink image [H, W] in [0, 1] resized so that its longer side is DIGIT_PX (aspect kept)."""
    from PIL import Image

    height, width = crop.shape
    scale = DIGIT_PX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    method = Image.Resampling.BOX if scale < 1 else Image.Resampling.BICUBIC
    resized = Image.fromarray(crop.astype(np.float32), "F").resize(size, method)
    return np.clip(np.asarray(resized, np.float32), 0, 1)


def mnist_widths(images: np.ndarray) -> np.ndarray:
    """Stroke widths (output pixels) of uint8 MNIST-form digits, measured as `normalise` measures inputs."""
    widths = []
    for image in images:
        rows, cols = np.nonzero(image > 50)
        crop = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1].astype(np.float32) / 255
        widths.append(stroke_width(fit_digit(crop)) / SCALE)
    return np.asarray(widths)
