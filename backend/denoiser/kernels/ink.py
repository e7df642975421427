"""denoiser.ink's kernels: the background's erosion and dilation, the rough stroke width, components, crop."""

from __future__ import annotations

import numpy as np

from denoiser.kernels.compiling import compiled
from denoiser.kernels.statistics import median_of, percentile32


@compiled
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


def erosion(image: np.ndarray, size: int) -> np.ndarray:
    """`scipy.ndimage.grey_erosion(image, size=(size, size), mode="nearest")`."""
    return _extreme_filter(np.ascontiguousarray(image), int(size), int(size) // 2, True)


def dilation(image: np.ndarray, size: int) -> np.ndarray:
    """`scipy.ndimage.grey_dilation(image, size=(size, size), mode="nearest")` (its window mirrors the erosion's)."""
    return _extreme_filter(np.ascontiguousarray(image), int(size), (int(size) - 1) // 2, False)


@compiled
def _dark_stroke_width(image, strong):
    median = median_of(image.reshape(-1))
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


@compiled
def _components(mask, weights):
    height, width = mask.shape
    stride = width + 2  # labels in a frame of background: no edge checks
    padded = np.zeros((height + 2) * stride, np.int32)  # -1: ink not labelled yet; 0: background
    for row in range(height):
        for col in range(width):
            if mask[row, col]:
                padded[(row + 1) * stride + col + 1] = -1
    stack = np.empty(height * width, np.int64)
    count = 0
    for row in range(1, height + 1):  # a flood fill from each unlabelled pixel, in raster order
        for start in range(row * stride + 1, row * stride + width + 1):
            if padded[start] != -1:
                continue
            count += 1
            padded[start] = count
            stack[0], depth = start, 1
            while depth:
                depth -= 1
                at = stack[depth]
                for near in (at - stride - 1, at - stride, at - stride + 1, at - 1, at + 1, at + stride - 1,
                             at + stride, at + stride + 1):
                    if padded[near] == -1:
                        padded[near] = count
                        stack[depth] = near
                        depth += 1
    labels = np.empty((height, width), np.int32)
    mass = np.zeros(count + 1, np.float64)
    boxes = np.empty((count, 4), np.int64)  # top, bottom, left, right (bottom and right exclusive)
    boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3] = height, 0, width, 0
    for row in range(height):  # raster order, as np.bincount adds the weights
        for col in range(width):
            label = padded[(row + 1) * stride + col + 1]
            labels[row, col] = label
            if label:
                mass[label] += np.float64(weights[row, col])
                boxes[label - 1, 0] = min(boxes[label - 1, 0], row)
                boxes[label - 1, 1] = max(boxes[label - 1, 1], row + 1)
                boxes[label - 1, 2] = min(boxes[label - 1, 2], col)
                boxes[label - 1, 3] = max(boxes[label - 1, 3], col + 1)
    return labels, count, mass, boxes


def components(mask: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """The 8-connected components of a 2-D bool mask: (labels, count, mass, boxes).

    `labels, count` are `scipy.ndimage.label(mask, structure=np.ones((3, 3)))`; `mass` is
    `np.bincount(labels[mask], weights=weights[mask], minlength=count + 1)` (float64, bin 0 unused);
    `boxes[k - 1]` is (top, bottom, left, right) of component k, as `scipy.ndimage.find_objects` slices it.
    """
    return _components(np.ascontiguousarray(mask, dtype=np.bool_), np.ascontiguousarray(weights))


@compiled
def _cross(image, height, width, stride):
    """Binary dilation with the 3x3 cross of an image held in a frame of zeros (flat, `stride` per row)."""
    out = np.zeros_like(image)
    for row in range(1, height + 1):
        for at in range(row * stride + 1, row * stride + width + 1):
            out[at] = image[at] | image[at - 1] | image[at + 1] | image[at - stride] | image[at + stride]
    return out


@compiled
def _digit_crop(ink, labels, kept):
    height, width = ink.shape
    highest = 0
    for label in kept:
        highest = max(highest, label)
    is_kept = np.zeros(highest + 1, np.bool_)
    for label in kept:
        is_kept[label] = True
    stride = width + 2
    strokes = np.zeros((height + 2) * stride, np.uint8)
    count = 0
    for row in range(height):
        for col in range(width):
            label = labels[row, col]
            if 0 < label <= highest and is_kept[label]:
                strokes[(row + 1) * stride + col + 1] = 1
                count += 1
    grown = _cross(_cross(strokes, height, width, stride), height, width, stride)
    values = np.empty(count, np.float32)  # the ink on the strokes (inside the grown mask)
    index = 0
    for row in range(height):
        for col in range(width):
            if strokes[(row + 1) * stride + col + 1]:
                values[index] = ink[row, col]
                index += 1
    scale = np.float32(max(np.float64(percentile32(values, 90.0)), 1e-3))
    crop = np.zeros((height, width), np.float32)
    for row in range(height):
        for col in range(width):
            if grown[(row + 1) * stride + col + 1]:
                crop[row, col] = min(max(ink[row, col] / scale, np.float32(0)), np.float32(1))
    return crop


def digit_crop(ink: np.ndarray, labels: np.ndarray, kept: list[int]) -> np.ndarray:
    """denoiser.ink's digit: the float32 ink (values >= 0) on the `kept` components of `labels` and two pixels
    around them (binary dilation with the 3x3 cross, twice), divided by the 90th percentile of the ink on
    the components (at least 1e-3) and clipped to [0, 1]; what its numpy steps give, in one call."""
    return _digit_crop(np.ascontiguousarray(ink, dtype=np.float32), np.ascontiguousarray(labels),
                       np.asarray(kept, dtype=labels.dtype))
