"""Sums, order statistics and Otsu's threshold of float arrays, with numpy's and denoiser.small_ops' arithmetic."""

from __future__ import annotations

import numpy as np

from denoiser.kernels.compiling import compiled


@compiled
def _block_sum(values, start, count):
    """numpy's sum of at most 128 values: eight running sums, combined pairwise, then the rest in turn."""
    if count < 8:
        total = values.dtype.type(0)
        for index in range(start, start + count):
            total += values[index]
        return total
    r0, r1, r2, r3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    r4, r5, r6, r7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    index = start + 8
    while index < start + count - count % 8:
        r0 += values[index]
        r1 += values[index + 1]
        r2 += values[index + 2]
        r3 += values[index + 3]
        r4 += values[index + 4]
        r5 += values[index + 5]
        r6 += values[index + 6]
        r7 += values[index + 7]
        index += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while index < start + count:
        total += values[index]
        index += 1
    return total


@compiled
def _pairwise(values):
    """numpy's pairwise summation (loops_utils.h) of a 1-D array, in its type: blocks of at most 128 values,
    halves (cut at a multiple of 8) added together. Without recursion, which numba cannot cache."""
    pending = np.empty((64, 3), np.int64)  # (start, count, halves done?) still to evaluate, depth-first
    sums = np.empty(64, values.dtype)
    pending[0, 0], pending[0, 1], pending[0, 2] = 0, values.size, 0
    waiting, done = 1, 0
    while waiting:
        waiting -= 1
        start, count, halves_done = pending[waiting, 0], pending[waiting, 1], pending[waiting, 2]
        if count <= 128:
            sums[done] = _block_sum(values, start, count)
            done += 1
        elif halves_done:
            done -= 1
            sums[done - 1] = sums[done - 1] + sums[done]
        else:
            half = count // 2
            half -= half % 8
            pending[waiting, 2] = 1  # add the two halves once both are done (the second is done last)
            pending[waiting + 1, 0], pending[waiting + 1, 1], pending[waiting + 1, 2] = start + half, count - half, 0
            pending[waiting + 2, 0], pending[waiting + 2, 1], pending[waiting + 2, 2] = start, half, 0
            waiting += 3
    return sums[0]


@compiled
def numpy_sum(values):
    """`values.sum()` of a contiguous array, to the bit: numpy's own pairwise summation."""
    flat = values.reshape(-1)
    return flat.dtype.type(0) + _pairwise(flat)


@compiled
def _select(values, rank):
    """Reorder `values` (a 1-D array) in place so that values[rank] is what a sort would put there, with
    nothing larger before it and nothing smaller after it (Hoare's selection, median-of-three pivots)."""
    low, high = 0, values.size - 1
    while low < high:
        middle = (low + high) // 2
        a, b, c = values[low], values[middle], values[high]
        pivot = max(min(a, b), min(max(a, b), c))
        left, right = low, high
        while left <= right:
            while values[left] < pivot:
                left += 1
            while values[right] > pivot:
                right -= 1
            if left <= right:
                values[left], values[right] = values[right], values[left]
                left += 1
                right -= 1
        if rank <= right:
            high = right
        elif rank >= left:
            low = left
        else:
            break
    return values[rank]


@compiled
def _pair(values, below):
    """The values a sort of `values` would put at positions `below` and `below + 1` (the last one twice)."""
    work = values.copy()
    low = _select(work, below)
    if below + 1 >= work.size:
        return low, low
    return low, work[below + 1:].min()


@compiled
def median_of(values):
    """`small_ops.median` of a float array: the middle value, or the mean of the two in the array's type."""
    half = values.size // 2
    if values.size % 2:
        return _select(values.copy(), half)
    low, high = _pair(values, half - 1)
    return (low + high) / values.dtype.type(2)


@compiled
def _neighbours(count, q):
    """numpy's linear percentile of `count` sorted values: (position below, weight of the one above)."""
    virtual = (count - 1) * (q / 100.0)
    if virtual >= count - 1:
        return count - 1, virtual + 1.0
    below = int(np.floor(virtual))
    return below, virtual - below


@compiled
def percentile32(values, q):
    """`small_ops.percentile(values, q)` of float32 values for a Python-number q: interpolated in float32."""
    below, gamma = _neighbours(values.size, q)
    low, high = _pair(values, below)
    step = high - low
    if gamma >= 0.5:
        return high - step * np.float32(1.0 - gamma)
    return low + step * np.float32(gamma)


@compiled
def percentile64(values, q):
    """One value of `small_ops.percentile(values, [q, ...])` of float32 values: the step taken in float32,
    the interpolation in float64."""
    below, gamma = _neighbours(values.size, q)
    low, high = _pair(values, below)
    step = np.float64(high - low)
    if gamma >= 0.5:
        return np.float64(high) - step * (1.0 - gamma)
    return np.float64(low) + step * gamma


@compiled
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


@compiled
def _ink_threshold(sample, contrast):
    median = median_of(sample)
    noise = 1.4826 * np.float64(median_of(np.abs(sample - median)))
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


@compiled
def _order_statistics(flat, low_q, high_q):
    return np.float64(median_of(flat)), percentile64(flat, low_q), percentile64(flat, high_q)


def order_statistics(image: np.ndarray, low_q: float, high_q: float) -> tuple[float, float, float]:
    """(median, low_q-th and high_q-th percentiles) of a float32 image: `small_ops.median(image)` and
    `small_ops.percentile(image, [low_q, high_q])`."""
    flat = np.ascontiguousarray(image, dtype=np.float32).reshape(-1)
    return _order_statistics(flat, float(low_q), float(high_q))
