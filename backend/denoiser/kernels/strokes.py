"""denoiser.strokes' kernels: the skeleton of a stroke mask, distances to the background, the width's measures."""

from __future__ import annotations

import numpy as np

from denoiser.kernels.compiling import compiled
from denoiser.kernels.statistics import median_of, numpy_sum, percentile32

# Zhang and Suen's removal rule for each pattern of a pixel's 8 neighbours, as scikit-image's
# skeletonize (skimage/morphology/_skeletonize_various_cy.pyx) tabulates it: 1 = removed in the first
# sub-iteration, 2 = in the second, 3 = in both, 0 = kept. The pattern's bits, from bit 0: up-left, up,
# up-right, right, down-right, down, down-left, left.
ZHANG_SUEN_RULE = np.array([
    0, 0, 0, 1, 0, 0, 1, 3, 0, 0, 3, 1, 1, 0, 1, 3, 0, 0, 0, 0, 0, 0,
    0, 0, 2, 0, 2, 0, 3, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 2, 2, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0,
    0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 3, 0, 2, 0, 0, 0, 3, 1,
    0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 1, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 1, 3, 0, 0,
    1, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 2, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3,
    0, 1, 0, 0, 0, 0, 2, 2, 0, 0, 2, 0, 0, 0], dtype=np.uint8)
# ... as two tables of 0/1: removable in the first sub-iteration, and in the second
REMOVABLE = np.stack([np.isin(ZHANG_SUEN_RULE, (1, 3)), np.isin(ZHANG_SUEN_RULE, (2, 3))]).astype(np.uint8)


@compiled
def _pattern(padded, at, stride):
    """The 8-neighbour pattern of the pixel at flat index `at` of a padded image (ZHANG_SUEN_RULE's bits)."""
    return (padded[at - stride - 1] + 2 * padded[at - stride] + 4 * padded[at - stride + 1] + 8 * padded[at + 1]
            + 16 * padded[at + stride + 1] + 32 * padded[at + stride] + 64 * padded[at + stride - 1]
            + 128 * padded[at - 1])


@compiled
def _thin(mask, removable_by_step):
    """Zhang-Suen thinning of a 2-D bool mask, visiting only the pixels on the strokes' current border; each
    pixel's neighbour pattern is kept up to date as its neighbours go, rather than read again."""
    height, width = mask.shape
    stride = width + 2
    padded = np.zeros((height + 2) * stride, np.uint8)  # a frame of background, as scikit-image pads
    pattern = np.zeros((height + 2) * stride, np.uint8)
    listed = np.zeros((height + 2) * stride, np.uint8)
    border = np.empty(height * width, np.int32)  # flat indices into `padded`
    gone = np.empty(height * width, np.int32)
    # a removed pixel's neighbours, and the bit the removed pixel is in each one's pattern
    near = (-stride - 1, -stride, -stride + 1, 1, stride + 1, stride, stride - 1, -1)
    bits = (16, 32, 64, 128, 1, 2, 4, 8)
    for row in range(height):
        for col in range(width):
            if mask[row, col]:
                padded[(row + 1) * stride + col + 1] = 1
    count = 0  # the border: set pixels with a background neighbour (pattern 255 is never removed)
    for row in range(1, height + 1):
        for at in range(row * stride + 1, row * stride + width + 1):
            if padded[at]:
                pattern[at] = _pattern(padded, at, stride)
                if pattern[at] != 255:
                    border[count], listed[at] = at, 1
                    count += 1
    removed = True
    while removed:  # (branch-free appends: which pixels go follows no pattern a CPU could predict)
        removed = False
        for step in range(2):
            removable = removable_by_step[step]
            removing = 0
            for index in range(count):  # decide on the patterns as the sub-iteration found them ...
                gone[removing] = border[index]
                removing += removable[pattern[border[index]]]
            if removing == 0:
                continue
            removed = True
            for index in range(removing):  # ... then remove, and clear their bits in their neighbours' patterns
                padded[gone[index]] = 0
                for direction in range(8):
                    pattern[gone[index] + near[direction]] &= ~np.uint8(bits[direction])
            kept = 0
            for index in range(count):
                at = border[index]
                border[kept] = at
                kept += padded[at]
                listed[at] = padded[at]
            count = kept
            for index in range(removing):  # the removed pixels' set neighbours are now on the border
                for direction in range(8):
                    at = gone[index] + near[direction]
                    added = padded[at] & (1 - listed[at])
                    border[count] = at
                    listed[at] |= added
                    count += added
    return padded.reshape(height + 2, stride)[1:height + 1, 1:width + 1].astype(np.bool_)


def skeleton(mask: np.ndarray) -> np.ndarray:
    """`skimage.morphology.skeletonize(mask)` of a 2-D bool mask (Zhang and Suen's thinning)."""
    return _thin(np.ascontiguousarray(mask, dtype=np.bool_), REMOVABLE)


@compiled
def _distance_at(mask, where):
    height, width = mask.shape
    far = height + width  # farther than any pixel: a column without background never wins
    vertical = np.empty((height, width), np.int64)  # distance to the nearest background pixel in the column
    last = np.full(width, -far, np.int64)  # the latest background row of each column, row by row (in memory order)
    for row in range(height):
        for col in range(width):
            if not mask[row, col]:
                last[col] = row
            vertical[row, col] = row - last[col]
    last[:] = 2 * far  # the next background row below, from the bottom up
    for row in range(height - 1, -1, -1):
        for col in range(width):
            if not mask[row, col]:
                last[col] = row
            vertical[row, col] = min(vertical[row, col], last[col] - row)
    total = 0
    for row in range(height):
        for col in range(width):
            total += where[row, col]
    out = np.empty(total, np.float64)
    index = 0
    for row in range(height):
        for col in range(width):
            if where[row, col]:
                best = vertical[row, col] * vertical[row, col]
                step = 1  # columns farther than sqrt(best) cannot hold a nearer background pixel
                while step * step < best and (col - step >= 0 or col + step < width):
                    if col - step >= 0:
                        best = min(best, vertical[row, col - step] ** 2 + step * step)
                    if col + step < width:
                        best = min(best, vertical[row, col + step] ** 2 + step * step)
                    step += 1
                out[index] = np.sqrt(np.float64(best))
                index += 1
    return out


def distance_to_background_at(mask: np.ndarray, where: np.ndarray) -> np.ndarray:
    """`scipy.ndimage.distance_transform_edt(mask)[where]` for a 2-D bool `mask`: the exact Euclidean distance
    to the nearest False pixel, at the True pixels of `where`, in row-major order.

    The squared distance is the least, over all columns c, of (the vertical distance to the nearest False
    pixel in column c)^2 + (column - c)^2, searched outwards from the pixel's own column; the squares are
    exact integers, so their float64 square roots are SciPy's.
    """
    if np.all(mask):  # no background: SciPy then measures to a point outside the image; keep its answer
        from scipy import ndimage

        return ndimage.distance_transform_edt(mask)[where]
    return _distance_at(np.ascontiguousarray(mask, dtype=np.bool_), np.ascontiguousarray(where, dtype=np.bool_))


@compiled
def _skeleton_measures(digit, removable_by_step, ink_level, core_fraction, core_percentile):
    height, width = digit.shape
    count = 0
    for value in digit.flat:
        count += value > np.float32(ink_level)
    if count == 0:
        return 0, 0.0, 0.0
    ink = np.empty(count, np.float32)
    index = 0
    for value in digit.flat:
        if value > np.float32(ink_level):
            ink[index] = value
            index += 1
    level = np.float32(core_fraction * np.float64(percentile32(ink, core_percentile)))
    core = np.empty((height, width), np.bool_)
    for row in range(height):
        for col in range(width):
            core[row, col] = digit[row, col] >= level
    if core.all():
        return -1, 0.0, 0.0  # no background: the caller measures with SciPy
    skeleton = _thin(core, removable_by_step)
    distances = _distance_at(core, skeleton)
    if distances.size == 0:
        return 0, 0.0, 0.0
    clipped = np.empty((height, width), np.float32)
    for row in range(height):
        for col in range(width):
            clipped[row, col] = min(max(digit[row, col], np.float32(0)), np.float32(1))
    return distances.size, median_of(distances), np.float64(numpy_sum(clipped))


def skeleton_measures(digit: np.ndarray, ink_level: float, core_fraction: float, core_percentile: float
                      ) -> tuple[int, float, float] | None:
    """For denoiser.strokes' width of a float32 digit: (skeleton length, median distance to the background
    along it, ink mass `np.clip(digit, 0, 1).sum()`), the skeleton and distances those of its core (the pixels
    at or above `core_fraction` of the `core_percentile`-th percentile of the values above `ink_level`), as
    `skeleton` and `distance_to_background_at` measure them; (0, 0.0, 0.0) without a skeleton, None when the
    core has no background (then SciPy's transform decides the distance)."""
    length, median, mass = _skeleton_measures(np.ascontiguousarray(digit, dtype=np.float32), REMOVABLE,
                                              float(ink_level), float(core_fraction), float(core_percentile))
    return None if length < 0 else (int(length), float(median), float(mass))
