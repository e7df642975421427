"""denoiser.small_ops gives what the numpy, SciPy and scikit-image calls it replaces give, to the bit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage
from skimage.filters import threshold_otsu

from denoiser import small_ops


def arrays(seed: int):
    """Float32 images like preprocessing's: odd and even sizes, ties, many zeros, one value."""
    rng = np.random.default_rng(seed)
    largest = 300 if seed % 2 else 90  # canvases and photos, and 28x28 digits
    height, width = int(rng.integers(1, largest)), int(rng.integers(1, largest))
    image = rng.random((height, width), dtype=np.float32) ** int(rng.integers(1, 8))
    if seed % 3 == 0:
        image = np.clip(image - rng.uniform(0.3, 0.9), 0, 1)  # ink maps: mostly (or half) zeros
    if seed % 7 == 0:
        image = np.round(image * 4) / 4  # many ties
    if seed % 5 == 0:
        image = np.minimum(image * rng.uniform(1, 4), 1)  # white paper: mostly (or half) the maximum
    return image


def same(ours, theirs) -> bool:
    """Equal values of the same type (numpy scalar or array, and dtype)."""
    return type(ours) is type(theirs) and np.asarray(ours).dtype == np.asarray(theirs).dtype \
        and np.array_equal(ours, theirs)


@pytest.mark.parametrize("seed", range(60))
def test_median_and_percentiles_equal_numpy(seed):
    image = arrays(seed)
    assert same(small_ops.median(image), np.median(image))
    for kind in (np.float64, np.uint8, np.int64):  # other types than preprocessing's float32
        other = (image * 255).astype(kind)
        assert same(small_ops.median(other), np.median(other)), kind
    for q in (90, 95, [0.2, 99.8], 0.0, 100, 50.0, [10, 50, 90], (0.2, 99.8), 99.9, 100.0):
        assert same(small_ops.percentile(image, q), np.percentile(image, q)), q
        for kind in (np.float64, np.int64):
            other = (image * 255).astype(kind)
            assert same(small_ops.percentile(other, q), np.percentile(other, q)), (q, kind)
    assert same(small_ops.percentile(image, np.float64(90)), np.percentile(image, np.float64(90)))


@pytest.mark.parametrize("seed", range(60))
def test_otsu_equals_scikit_image(seed):
    image = arrays(seed)
    assert same(small_ops.otsu_threshold(image), threshold_otsu(image))


@pytest.mark.parametrize("seed", range(60))
def test_histogram_within_the_values_range_equals_numpy(seed):
    image = arrays(seed).ravel()
    lowest, highest = image.min(), image.max()
    if lowest == highest:
        return
    for values in (image, image[image > lowest], image.astype(np.float64)):
        low, high = values.dtype.type(lowest), values.dtype.type(highest)
        counts, edges = small_ops.histogram_within(values, low, high, 256)
        expected_counts, expected_edges = np.histogram(values, bins=256, range=(low, high))
        assert same(counts, expected_counts) and same(edges, expected_edges)


def test_histogram_within_a_range_too_narrow_for_its_bins_raises_as_numpy():
    low = np.float32(0.5)
    values = np.array([low, np.nextafter(low, np.float32(1))], np.float32)
    with pytest.raises(ValueError, match="Too many bins"):
        np.histogram(values, bins=256, range=(values.min(), values.max()))
    with pytest.raises(ValueError, match="Too many bins"):
        small_ops.histogram_within(values, values.min(), values.max(), 256)


def test_otsu_of_a_uniform_image_is_its_value():
    image = np.full((5, 7), 0.25, np.float32)
    assert same(small_ops.otsu_threshold(image), threshold_otsu(image))


@pytest.mark.parametrize("seed", range(40))
def test_cross_erosion_equals_scipy(seed):
    mask = arrays(seed) > 0.3
    assert np.array_equal(small_ops.erode_cross(mask), ndimage.binary_erosion(mask))
