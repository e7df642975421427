"""Lean versions of the numpy, SciPy and scikit-image calls that preprocessing makes on small images.

A request's images are small (28x28 to 640 pixels a side), so most of the time these library calls take
goes into their general-purpose wrappers (argument checks, axis handling, lazy imports), not into the
work. Each function here does the same arithmetic in the same order as the call it replaces, so the
results are equal to the bit (tests/api/test_small_ops.py checks each against the library on many
arrays, and tests/api/test_preprocess_answers.py checks whole uploads). Inputs are finite: no NaN
handling, unlike numpy's median and percentile.
"""

from __future__ import annotations

import numpy as np


def _ranked(flat: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """The values a sort of `flat` puts at positions `ranks` (integers, -1 for the last), shaped like `ranks`.

    Preprocessing's large arrays are mostly paper, one extreme value: positions inside the run of the minimum
    or of the maximum are known without partitioning the array.
    """
    count = flat.size
    ranks = np.asarray(ranks) % count
    if count > 4096:
        lowest, highest = flat.min(), flat.max()
        low_run = np.count_nonzero(flat == lowest)
        high_start = count - np.count_nonzero(flat == highest)
        at_low, at_high = ranks < low_run, ranks >= high_start
        if (at_low | at_high).all():
            return np.where(at_low, lowest, highest).astype(flat.dtype)
    ordered = np.partition(flat, sorted(set(ranks.ravel().tolist())))
    return ordered[ranks]


def median(values: np.ndarray):
    """`np.median(values)` for finite values: the mean of the middle one or two of the flattened array."""
    flat = np.asarray(values).ravel()
    half = flat.size // 2
    middle = [half] if flat.size % 2 else [half - 1, half]
    picked = _ranked(flat, np.array(middle))
    if flat.dtype not in (np.float32, np.float64):
        return np.mean(picked, axis=0)
    # np.mean's own arithmetic for one or two values of a float type: their sum in that type, divided
    total = picked[0] if len(middle) == 1 else picked[0] + picked[1]
    return flat.dtype.type(total / len(middle))


def percentile(values: np.ndarray, q):
    """`np.percentile(values, q)` (linear method) for finite values; `q` a number or a sequence."""
    weak = type(q) in (int, float)  # numpy keeps the input's float type for a Python-number q
    flat = np.asarray(values).ravel()
    if flat.dtype in (np.float32, np.float64) and flat.size and (
            weak or (type(q) in (list, tuple) and all(type(value) in (int, float) for value in q))):
        return _float_percentile(flat, q, weak)
    quantiles = np.true_divide(q, 100)
    count = flat.size
    virtual = np.asanyarray((count - 1) * quantiles)
    previous = np.floor(virtual, out=...)
    following = np.add(previous, 1, out=...)
    above = virtual >= count - 1
    if above.any():
        previous[above] = -1
        following[above] = -1
    previous, following = previous.astype(np.intp), following.astype(np.intp)
    low, high = _ranked(flat, np.stack([previous, following]))  # one partition for both neighbours
    gamma = np.asanyarray(virtual - previous, dtype=virtual.dtype)
    gamma = float(gamma) if weak else gamma.reshape(virtual.shape)
    step = high - low
    result = np.add(low, step * gamma, out=...)
    np.subtract(high, step * (1 - gamma), out=result, where=gamma >= 0.5, casting="unsafe",
                dtype=type(result.dtype))
    return result[()] if result.ndim == 0 else result


def _float_percentile(flat: np.ndarray, q, weak: bool):
    """`percentile` of a float array for Python-number q, with numpy's arithmetic done on scalars: numpy's
    virtual index and interpolation weight are float64 (Python floats here), the step between the two
    neighbours is taken in the array's type, and the interpolation is in the array's type for a number q
    (a Python float is "weak") and in float64 for a sequence, as numpy promotes it."""
    count = flat.size
    ranks, gammas = [], []
    for value in ((q,) if weak else q):
        virtual = (count - 1) * (value / 100)
        previous = -1 if virtual >= count - 1 else int(np.floor(virtual))
        ranks += [previous, -1 if previous == -1 else previous + 1]
        gammas.append(virtual - previous)
    picked = _ranked(flat, np.array(ranks))
    results = []
    for index, gamma in enumerate(gammas):
        low, high = picked[2 * index], picked[2 * index + 1]
        step = high - low
        if not weak:
            low, high, step = float(low), float(high), float(step)
        results.append(high - step * (1 - gamma) if gamma >= 0.5 else low + step * gamma)
    return results[0] if weak else np.array(results, dtype=np.float64)


def otsu_threshold(image: np.ndarray):
    """`skimage.filters.threshold_otsu(image)` for a float image (256 bins over the image's range)."""
    flat = image.reshape(-1)
    lowest, highest = flat.min(), flat.max()
    if lowest == highest:  # one value (finite values: the same test as skimage's all-equal check)
        return flat[0]
    # np.histogram's bins are the image's range in 256 steps and each value's bin depends on the value
    # alone, so the values at the minimum (most of an ink map: paper) are counted into the first bin
    # directly and only the others are binned
    above_lowest = flat != lowest
    counts, edges = histogram_within(flat[above_lowest], lowest, highest, 256)
    counts[0] += flat.size - np.count_nonzero(above_lowest)
    centres = (edges[:-1] + edges[1:]) / 2.0
    if counts[0] == 0 or counts[-1] == 0:  # cannot happen with the image's own range; kept as skimage has it
        inside = counts > 0
        start, end = np.argmax(inside), inside.size - np.argmax(inside[::-1])
        counts, centres = counts[start:end], centres[start:end]
    counts = counts.astype("float32", copy=False)
    weight1 = np.cumsum(counts)
    weight2 = np.cumsum(counts[::-1])[::-1]
    mean1 = np.cumsum(counts * centres) / weight1
    mean2 = (np.cumsum((counts * centres)[::-1]) / weight2[::-1])[::-1]
    variance12 = weight1[:-1] * weight2[1:] * (mean1[:-1] - mean2[1:]) ** 2
    return centres[np.argmax(variance12)]


def histogram_within(values: np.ndarray, lowest, highest, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """`np.histogram(values, bins, range=(lowest, highest))` for values known to lie in that range, lowest < highest.

    numpy's own steps for equal-width bins (its edges, each value's bin from its offset, the corrections at
    the edges), without its general argument handling and range filtering, which cost more than the binning.
    """
    if values.dtype.kind != "f":
        return np.histogram(values, bins=bins, range=(lowest, highest))
    edges = np.linspace(lowest, highest, bins + 1, endpoint=True, dtype=np.result_type(lowest, highest, values))
    if np.any(edges[:-1] >= edges[1:]):
        raise ValueError(f"Too many bins for data range. Cannot create {bins} finite-sized bins.")
    offsets = np.subtract(values.astype(edges.dtype, copy=False), lowest, dtype=np.result_type(edges.dtype, lowest))
    indices = ((offsets / np.subtract(highest, lowest, dtype=np.result_type(highest, lowest))) * bins).astype(np.intp)
    indices[indices == bins] -= 1
    indices[values < edges[indices]] -= 1
    indices[(values >= edges[indices + 1]) & (indices != bins - 1)] += 1
    return np.bincount(indices, minlength=bins).astype(np.intp, copy=False), edges


def _neighbours_padded(mask: np.ndarray, fill: bool) -> tuple[np.ndarray, ...]:
    """The mask and its four cross neighbours (up, down, left, right), outside pixels set to `fill`."""
    padded = np.full((mask.shape[0] + 2, mask.shape[1] + 2), fill)
    padded[1:-1, 1:-1] = mask
    return (padded[1:-1, 1:-1], padded[:-2, 1:-1], padded[2:, 1:-1], padded[1:-1, :-2], padded[1:-1, 2:])


def erode_cross(mask: np.ndarray) -> np.ndarray:
    """`scipy.ndimage.binary_erosion(mask)`: 3x3 cross, pixels outside the image count as background."""
    centre, up, down, left, right = _neighbours_padded(np.asarray(mask, bool), False)
    kept = centre & up
    kept &= down
    kept &= left
    kept &= right
    return kept
