"""Stroke width: estimate it and bring it towards MNIST's, so a hairline pen and a fat marker look alike.

Widths are measured on a digit image scaled so that its longer side is `DIGIT_PX` pixels (4x the 20 px
box MNIST fits digits into), as ink mass divided by skeleton length, and reported in pixels of the
final 28x28 image (the same pixel size as MNIST's 20x20 box).
"""

from __future__ import annotations

import cv2
import numpy as np

from denoiser.imaging import robust

FIT_SIZE = 20
DIGIT_PX = 80  # the working digit's longer side: 4 working pixels per output pixel
SCALE = DIGIT_PX / FIT_SIZE
CROP_LEVEL = 0.4  # after normalising, the digit is cropped to the pixels above this level

# MNIST's stroke width in 28x28 pixels, measured with `stroke_width` on the 10,000 training digits of
# /work/shared/datasets/mnist (each cropped to its ink, fitted to DIGIT_PX, then measured; see
# `mnist_widths`): 10th percentile 1.75, median 2.43, 90th percentile 3.36 (mean 2.52). Widths inside
# [MNIST_LOW, MNIST_HIGH] are left alone (people's pens vary as MNIST's did); widths outside are brought
# to MNIST_MEDIAN.
MNIST_LOW = 1.75
MNIST_MEDIAN = 2.43
MNIST_HIGH = 3.36


# The core, the pixels that count as stroke for the skeleton: at or above CORE_FRACTION of the ink's typical
# peak (the CORE_PERCENTILE-th percentile of the values above INK_LEVEL)
INK_LEVEL = 0.05
CORE_FRACTION = 0.4
CORE_PERCENTILE = 95


def _core(digit: np.ndarray) -> np.ndarray:
    """The pixels that count as stroke for the skeleton: above 40% of the ink's typical peak."""
    ink = digit[digit > INK_LEVEL]
    if ink.size == 0:
        return np.zeros(digit.shape, bool)
    return digit >= CORE_FRACTION * float(np.percentile(ink, CORE_PERCENTILE))


def stroke_width(digit: np.ndarray) -> float:
    """Stroke width of a white-on-black digit at the working scale, in pixels.

    The smaller of ink mass / skeleton length (exact for thin anti-aliased strokes) and the median
    thickness along the skeleton, 2 x distance-to-background - 1 (robust where a fat stroke's skeleton
    is short or a loop is filled in).
    """
    from skimage.morphology import skeletonize

    core = _core(digit)
    skeleton = skeletonize(core)
    length = int(skeleton.sum())
    if length == 0:
        return 0.0
    by_mass = float(np.clip(digit, 0, 1).sum()) / length
    thickness = 2 * robust.median(_distance_to_background(core)[skeleton]) - 1
    return min(by_mass, max(thickness, 1.0))


def _distance_to_background(mask: np.ndarray) -> np.ndarray:
    """Exact Euclidean distance of every pixel of `mask` to the nearest pixel of the image outside it (0 outside):
    OpenCV's precise transform (scipy's distance_transform_edt gives the same, 2.3x slower on 80x80 digits)."""
    return cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)


def _morph(digit: np.ndarray, radius: float, grow: bool) -> np.ndarray:
    """Strokes grown (or shrunk) by `radius` pixels on each side, by exact Euclidean distance to the stroke's
    edge (the pixels above half intensity); the new edge is anti-aliased over one pixel."""
    inside = digit > 0.5
    if grow:
        outside = _distance_to_background(~inside)
        return np.clip(radius + 1.0 - outside, 0.0, 1.0).astype(np.float32)
    return np.clip(_distance_to_background(inside) - radius, 0.0, 1.0).astype(np.float32)


def _trim(digit: np.ndarray, level: float = CROP_LEVEL) -> np.ndarray:
    """Crop to the bounding box of the pixels above `level` (the whole image when none is)."""
    rows, cols = np.nonzero(digit > level)
    if rows.size == 0:
        return digit
    return digit[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def normalise(digit: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Bring the stroke width of `digit` (longer side DIGIT_PX, values in [0, 1]) into MNIST's range.

    Widths inside [MNIST_LOW, MNIST_HIGH] are kept; others become MNIST_MEDIAN by grey dilation (after
    making faint hairlines solid) or erosion with a disk. The result is cropped again to its ink, so a
    thinned digit still fills the 20x20 box. Returns (digit, width before, width after), widths in
    output (28x28) pixels.
    """
    digit = np.clip(np.asarray(digit, np.float32), 0, 1)
    before = stroke_width(digit) / SCALE
    if MNIST_LOW <= before <= MNIST_HIGH or before == 0:
        return digit, round(before, 3), round(before, 3)
    if before < MNIST_LOW:
        digit = np.maximum(digit, _core(digit).astype(np.float32))  # faint hairlines: make the core solid
        radius = max(0.0, (MNIST_MEDIAN - stroke_width(digit) / SCALE) * SCALE / 2)
    else:  # blurred edges (a small digit scaled up) would stay blurred and bold: sharpen them first
        digit = np.clip((digit - 0.3) / 0.4, 0, 1)
        radius = max(0.0, (stroke_width(digit) / SCALE - MNIST_MEDIAN) * SCALE / 2)
    grow = before < MNIST_LOW
    padded = np.pad(digit, int(np.ceil(radius * 2)) + 1)
    start = _final_width(padded)
    tried = [(0.0, *start)]
    for _ in range(3):  # secant steps: the width once refitted into the 20x20 box reaches the median
        result, after = _final_width(_morph(padded, radius, grow))
        tried.append((radius, result, after))
        (r0, _, w0), (r1, _, w1) = tried[-2], tried[-1]
        if abs(after - MNIST_MEDIAN) < 0.15 or abs(w1 - w0) < 0.05 or (w1 - w0) * (1 if grow else -1) < 0:
            break  # close enough, stuck, or going the wrong way (a filled loop left as a blob)
        radius = float(np.clip(r1 + (MNIST_MEDIAN - w1) * (r1 - r0) / (w1 - w0), 0, 2 * tried[1][0] + 1))
    sensible = [t for t in tried if (t[2] >= start[1] if grow else t[2] <= start[1])]
    _, result, after = min(sensible, key=lambda t: abs(t[2] - MNIST_MEDIAN))
    return result, round(before, 3), round(after, 3)


def _final_width(digit: np.ndarray) -> tuple[np.ndarray, float]:
    """(digit cropped to its ink, its stroke width in output pixels once refitted to the 20x20 box)."""
    trimmed = _trim(digit)
    return trimmed, stroke_width(trimmed) / SCALE * DIGIT_PX / max(trimmed.shape)


def fit_digit(crop: np.ndarray) -> np.ndarray:
    """A cropped ink image [H, W] in [0, 1] resized so that its longer side is DIGIT_PX (aspect kept)."""
    height, width = crop.shape
    scale = DIGIT_PX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    from PIL import Image

    method = Image.Resampling.BOX if scale < 1 else Image.Resampling.BICUBIC
    resized = Image.fromarray(np.asarray(crop, np.float32), "F").resize(size, method)
    return np.clip(np.asarray(resized, np.float32), 0, 1)


def mnist_widths(images: np.ndarray) -> np.ndarray:
    """Stroke widths (output pixels) of uint8 MNIST-form digits, measured as `normalise` measures inputs."""
    widths = []
    for image in images:
        rows, cols = np.nonzero(image > 50)
        crop = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1].astype(np.float32) / 255
        widths.append(stroke_width(fit_digit(crop)) / SCALE)
    return np.asarray(widths)
