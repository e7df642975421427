"""Compiled (numba) versions of the steps that dominate preprocessing a small upload.

Each kernel gives the same answer, to the bit, as the library call it replaces (the docstrings name it;
tests/api/test_kernels.py checks each against it on thousands of masks, and tests/api/test_preprocess_answers.py
checks whole uploads). What makes them faster is visiting only the pixels that matter (a skeleton's
thinning only ever removes pixels on the strokes' border) and doing in one loop what took several numpy
calls, each paying numpy's per-call cost on arrays of a few thousand pixels.

Compiled machine code is cached on disk (numba's `cache=True`: beside this file, else in `NUMBA_CACHE_DIR`
or the user's cache directory), so the kernels compile once per installation (a few seconds), not at every
start; where no cache directory is writable they compile at every start instead. `warm_up()` loads or compiles
every kernel before the first request (the API calls it once models are loaded).
"""

from __future__ import annotations

import logging

import numba
import numpy as np

log = logging.getLogger(__name__)


def _compiled(function):
    """numba's nopython compilation of `function`, cached on disk where a cache directory is writable."""
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError as error:  # no writable cache directory (a read-only file system, no NUMBA_CACHE_DIR)
        log.warning("compiled kernels not cached", extra={"fields": {"kernel": function.__name__,
                                                                     "error": str(error)}})
        return numba.njit(nogil=True)(function)

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


@_compiled
def _pattern(padded, at, stride):
    """The 8-neighbour pattern of the pixel at flat index `at` of a padded image (ZHANG_SUEN_RULE's bits)."""
    return (padded[at - stride - 1] + 2 * padded[at - stride] + 4 * padded[at - stride + 1] + 8 * padded[at + 1]
            + 16 * padded[at + stride + 1] + 32 * padded[at + stride] + 64 * padded[at + stride - 1]
            + 128 * padded[at - 1])


@_compiled
def _thin(mask, rule):
    """Zhang-Suen thinning of a 2-D bool mask, visiting only the pixels on the strokes' current border."""
    height, width = mask.shape
    stride = width + 2
    padded = np.zeros((height + 2) * stride, np.uint8)  # a frame of background, as scikit-image pads
    listed = np.zeros((height + 2) * stride, np.uint8)
    border = np.empty(height * width, np.int32)  # flat indices into `padded`
    gone = np.empty(height * width, np.int32)
    for row in range(height):
        for col in range(width):
            if mask[row, col]:
                padded[(row + 1) * stride + col + 1] = 1
    count = 0  # the border: set pixels with a background neighbour (pattern 255 is never removed)
    for row in range(1, height + 1):
        for at in range(row * stride + 1, row * stride + width + 1):
            if padded[at] and _pattern(padded, at, stride) != 255:
                border[count], listed[at] = at, 1
                count += 1
    removed = True
    while removed:
        removed = False
        for step in range(2):
            removing = 0
            for index in range(count):  # decide on the pattern as the sub-iteration found it ...
                kind = rule[_pattern(padded, border[index], stride)]
                if kind == 3 or kind == step + 1:
                    gone[removing] = border[index]
                    removing += 1
            if removing == 0:
                continue
            removed = True
            for index in range(removing):  # ... then remove
                padded[gone[index]] = 0
            kept = 0
            for index in range(count):
                if padded[border[index]]:
                    border[kept] = border[index]
                    kept += 1
                else:
                    listed[border[index]] = 0
            count = kept
            for index in range(removing):  # the removed pixels' set neighbours are now on the border
                for above in (-stride, 0, stride):
                    for at in range(gone[index] + above - 1, gone[index] + above + 2):
                        if padded[at] and not listed[at]:
                            border[count], listed[at] = at, 1
                            count += 1
    return padded.reshape(height + 2, stride)[1:height + 1, 1:width + 1].astype(np.bool_)


def skeleton(mask: np.ndarray) -> np.ndarray:
    """`skimage.morphology.skeletonize(mask)` of a 2-D bool mask (Zhang and Suen's thinning)."""
    return _thin(np.ascontiguousarray(mask, dtype=np.bool_), ZHANG_SUEN_RULE)


@_compiled
def _distance_at(mask, where):
    height, width = mask.shape
    far = height + width  # farther than any pixel: a column without background never wins
    vertical = np.empty((height, width), np.int64)  # distance to the nearest background pixel in the column
    for col in range(width):
        last = -far
        for row in range(height):
            if not mask[row, col]:
                last = row
            vertical[row, col] = row - last
        following = 2 * far
        for row in range(height - 1, -1, -1):
            if not mask[row, col]:
                following = row
            if following - row < vertical[row, col]:
                vertical[row, col] = following - row
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


@_compiled
def _components(mask, weights):
    height, width = mask.shape
    labels = np.zeros((height, width), np.int32)
    stack = np.empty(height * width, np.int64)
    count = 0
    for start in range(height * width):  # a flood fill from each unlabelled pixel, in raster order
        if not mask.flat[start] or labels.flat[start]:
            continue
        count += 1
        labels.flat[start] = count
        stack[0], depth = start, 1
        while depth:
            depth -= 1
            row, col = divmod(stack[depth], width)
            for near_row in range(max(row - 1, 0), min(row + 2, height)):
                for near_col in range(max(col - 1, 0), min(col + 2, width)):
                    if mask[near_row, near_col] and not labels[near_row, near_col]:
                        labels[near_row, near_col] = count
                        stack[depth] = near_row * width + near_col
                        depth += 1
    mass = np.zeros(count + 1, np.float64)
    boxes = np.empty((count, 4), np.int64)  # top, bottom, left, right (bottom and right exclusive)
    boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3] = height, 0, width, 0
    for row in range(height):  # raster order, as np.bincount adds the weights
        for col in range(width):
            label = labels[row, col]
            if label:
                mass[label] += np.float64(weights[row, col])
                box = boxes[label - 1]
                box[0], box[1] = min(box[0], row), max(box[1], row + 1)
                box[2], box[3] = min(box[2], col), max(box[3], col + 1)
    return labels, count, mass, boxes


def components(mask: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """The 8-connected components of a 2-D bool mask: (labels, count, mass, boxes).

    `labels, count` are `scipy.ndimage.label(mask, structure=np.ones((3, 3)))`; `mass` is
    `np.bincount(labels[mask], weights=weights[mask], minlength=count + 1)` (float64, bin 0 unused);
    `boxes[k - 1]` is (top, bottom, left, right) of component k, as `scipy.ndimage.find_objects` slices it.
    """
    return _components(np.ascontiguousarray(mask, dtype=np.bool_), np.ascontiguousarray(weights))


@_compiled
def _skeleton_measures(digit, rule):
    height, width = digit.shape
    count = 0
    for value in digit.flat:
        count += value > np.float32(0.05)
    if count == 0:
        return 0, 0.0
    ink = np.empty(count, np.float32)
    index = 0
    for value in digit.flat:
        if value > np.float32(0.05):
            ink[index] = value
            index += 1
    level = np.float32(0.4 * np.float64(_percentile32(ink, 95.0)))
    core = np.empty((height, width), np.bool_)
    for row in range(height):
        for col in range(width):
            core[row, col] = digit[row, col] >= level
    if core.all():
        return -1, 0.0  # no background: the caller measures with SciPy
    skeleton = _thin(core, rule)
    distances = _distance_at(core, skeleton)
    if distances.size == 0:
        return 0, 0.0
    return distances.size, _median(distances)


def skeleton_measures(digit: np.ndarray) -> tuple[int, float] | None:
    """For denoiser.strokes' width of a float32 digit: (skeleton length, median distance to the background
    along it) of its core (the pixels at or above 40% of the 95th percentile of the values above 0.05), as
    `skeleton` and `distance_to_background_at` measure them; (0, 0.0) without a skeleton, None when the
    core has no background (then SciPy's transform decides the distance)."""
    length, median = _skeleton_measures(np.ascontiguousarray(digit, dtype=np.float32), ZHANG_SUEN_RULE)
    return None if length < 0 else (int(length), float(median))


# --- Order statistics and Otsu's threshold of small float32 images (denoiser.small_ops' arithmetic) -------

# Above this many pixels, small_ops' shortcuts for images that are mostly paper (and SciPy's filters) are faster.
SORTED_AT_MOST = 4096

@_compiled
def _pair(values, below):
    """The values a sort of `values` would put at positions `below` and `below + 1` (the last one twice)."""
    part = np.partition(values, below)
    if below + 1 >= values.size:
        return part[below], part[below]
    return part[below], part[below + 1:].min()


@_compiled
def _median(values):
    """`small_ops.median` of a float array: the middle value, or the mean of the two in the array's type."""
    half = values.size // 2
    if values.size % 2:
        return np.partition(values, half)[half]
    low, high = _pair(values, half - 1)
    return (low + high) / values.dtype.type(2)


@_compiled
def _neighbours(count, q):
    """numpy's linear percentile of `count` sorted values: (position below, weight of the one above)."""
    virtual = (count - 1) * (q / 100.0)
    if virtual >= count - 1:
        return count - 1, virtual + 1.0
    below = int(np.floor(virtual))
    return below, virtual - below


@_compiled
def _percentile32(values, q):
    """`small_ops.percentile(values, q)` of float32 values for a Python-number q: interpolated in float32."""
    below, gamma = _neighbours(values.size, q)
    low, high = _pair(values, below)
    step = high - low
    if gamma >= 0.5:
        return high - step * np.float32(1.0 - gamma)
    return low + step * np.float32(gamma)


@_compiled
def _percentile64(values, q):
    """One value of `small_ops.percentile(values, [q, ...])` of float32 values: the step taken in float32,
    the interpolation in float64."""
    below, gamma = _neighbours(values.size, q)
    low, high = _pair(values, below)
    step = np.float64(high - low)
    if gamma >= 0.5:
        return np.float64(high) - step * (1.0 - gamma)
    return np.float64(low) + step * gamma


@_compiled
def _otsu32(flat, lowest, highest):
    """`small_ops.otsu_threshold` of a float32 array whose values span [lowest, highest], lowest < highest;
    NaN where numpy's 256 bins would not be finite-sized (np.histogram's ValueError)."""
    bins = 256
    # np.linspace(lowest, highest, 257, dtype=float32): float32 arithmetic, the last edge set to `highest`
    edges = np.empty(bins + 1, np.float32)
    delta = highest - lowest
    step = delta / np.float32(bins)
    for index in range(bins + 1):
        if step == 0:
            edges[index] = np.float32(index) / np.float32(bins) * delta + lowest
        else:
            edges[index] = np.float32(index) * step + lowest
    edges[bins] = highest
    for index in range(bins):
        if edges[index] >= edges[index + 1]:
            return np.nan
    counts = np.zeros(bins, np.float32)
    for value in flat:
        if value == lowest:
            counts[0] += 1
            continue
        index = int((value - lowest) / delta * np.float32(bins))  # np.histogram's bin, then its edge checks
        if index == bins:
            index -= 1
        if value < edges[index]:
            index -= 1
        if value >= edges[index + 1] and index != bins - 1:
            index += 1
        counts[index] += 1
    start, stop = 0, bins  # skimage drops empty end bins (which the image's own range never leaves)
    while counts[start] == 0:
        start += 1
    while counts[stop - 1] == 0:
        stop -= 1
    centres = np.empty(bins, np.float32)
    for index in range(bins):
        centres[index] = (edges[index] + edges[index + 1]) / np.float32(2)
    weighted = counts * centres
    weight1, mean1 = np.empty(bins, np.float32), np.empty(bins, np.float32)
    weight2, mean2 = np.empty(bins, np.float32), np.empty(bins, np.float32)
    total, moment = np.float32(0), np.float32(0)
    for index in range(start, stop):  # cumulative sums from the left ...
        total += counts[index]
        moment += weighted[index]
        weight1[index], mean1[index] = total, moment / total
    total, moment = np.float32(0), np.float32(0)
    for index in range(stop - 1, start - 1, -1):  # ... and from the right
        total += counts[index]
        moment += weighted[index]
        weight2[index], mean2[index] = total, moment / total
    best, best_value = start, np.float32(-np.inf)
    for index in range(start, stop - 1):
        difference = mean1[index] - mean2[index + 1]
        value = weight1[index] * weight2[index + 1] * (difference * difference)
        if value > best_value:
            best, best_value = index, value
    return np.float64(centres[best])


@_compiled
def _ink_threshold(sample, contrast):
    median = _median(sample)
    noise = 1.4826 * np.float64(_median(np.abs(sample - median)))
    floor = max(np.float64(median) + 6 * noise, contrast)
    lowest, highest = sample.min(), sample.max()
    if lowest == highest:
        return max(np.float64(sample[0]), floor)
    otsu = _otsu32(sample, lowest, highest)
    return floor if np.isnan(otsu) else max(otsu, floor)


def ink_threshold(sample: np.ndarray, contrast: float) -> float:
    """denoiser.ink's threshold of a float32 sample of the ink map: Otsu's threshold, never below the paper's
    noise floor (median + 6 x 1.4826 x the median absolute deviation) or `contrast`; what `small_ops.median`
    and `small_ops.otsu_threshold` give, in one call."""
    return float(_ink_threshold(np.ascontiguousarray(sample, dtype=np.float32).reshape(-1), float(contrast)))


@_compiled
def _order_statistics(flat, low_q, high_q):
    return np.float64(_median(flat)), _percentile64(flat, low_q), _percentile64(flat, high_q)


def order_statistics(image: np.ndarray, low_q: float, high_q: float) -> tuple[float, float, float]:
    """(median, low_q-th and high_q-th percentiles) of a float32 image: `small_ops.median(image)` and
    `small_ops.percentile(image, [low_q, high_q])`."""
    flat = np.ascontiguousarray(image, dtype=np.float32).reshape(-1)
    return _order_statistics(flat, float(low_q), float(high_q))


@_compiled
def _extreme_filter(image, size, before, minimum):
    """The least (or greatest) value in a size x size window starting `before` pixels above and to the left
    of each pixel, pixels outside taken from the nearest edge (SciPy's mode="nearest"); rows, then columns."""
    height, width = image.shape
    across = np.empty((height, width), image.dtype)
    for row in range(height):
        for col in range(width):
            best = image[row, min(max(col - before, 0), width - 1)]
            for near in range(col - before + 1, col - before + size):
                value = image[row, min(max(near, 0), width - 1)]
                best = min(best, value) if minimum else max(best, value)
            across[row, col] = best
    out = np.empty((height, width), image.dtype)
    for row in range(height):
        for col in range(width):
            best = across[min(max(row - before, 0), height - 1), col]
            for near in range(row - before + 1, row - before + size):
                value = across[min(max(near, 0), height - 1), col]
                best = min(best, value) if minimum else max(best, value)
            out[row, col] = best
    return out


@_compiled
def _opening(image, size):
    eroded = _extreme_filter(image, size, size // 2, True)
    if not eroded.any():
        return False, eroded
    return True, _extreme_filter(eroded, size, (size - 1) // 2, False)  # grey_dilation mirrors the window


def opening(image: np.ndarray, size: int) -> np.ndarray | None:
    """`scipy.ndimage.grey_opening`'s two steps with a size x size window, mode="nearest":
    `grey_dilation(grey_erosion(image, size), size)`, or None when the erosion is zero everywhere."""
    opened, result = _opening(np.ascontiguousarray(image), int(size))
    return result if opened else None


@_compiled
def _dark_stroke_width(image, strong):
    median = _median(image.reshape(-1))
    scale = np.float32(max(1.0 - np.float64(median), 0.05))
    height, width = image.shape
    mask = np.zeros((height + 2, width + 2), np.bool_)  # a frame of background around the image
    area = 0
    for row in range(height):
        for col in range(width):
            if (image[row, col] - median) / scale > np.float32(strong):
                mask[row + 1, col + 1] = True
                area += 1
    if area == 0:
        return 0.0
    edge = 0  # the mask's pixels with a background pixel above, below, left or right
    for row in range(1, height + 1):
        for col in range(1, width + 1):
            if mask[row, col] and not (mask[row - 1, col] and mask[row + 1, col] and mask[row, col - 1]
                                       and mask[row, col + 1]):
                edge += 1
    return 2.0 * area / max(edge, 1)


def dark_stroke_width(image: np.ndarray, strong: float) -> float:
    """denoiser.ink's first guess of the width of the strokes darker than `strong` (relative to the paper)
    in a float32 image: 2 x area / perimeter, perimeter counted as `small_ops.erode_cross` does."""
    return float(_dark_stroke_width(np.ascontiguousarray(image, dtype=np.float32), float(strong)))


def warm_up() -> None:
    """Load (or compile) every kernel for the types preprocessing calls them with."""
    mask = np.zeros((4, 4), np.bool_)
    mask[1:3, 1:3] = True
    skeleton(mask)
    skeleton_measures(mask.astype(np.float32))
    distance_to_background_at(mask, mask)
    components(mask, np.ones((4, 4), np.float32))
    ramp = np.linspace(0, 1, 16, dtype=np.float32).reshape(4, 4)
    ink_threshold(ramp, 0.1)
    order_statistics(ramp, 0.2, 99.8)
    opening(ramp, 3)
    dark_stroke_width(ramp, 0.6)
