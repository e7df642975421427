"""Find the digit's ink in a grey photo, scan or drawing: paper and light removed, lines and specks dropped.

`find_ink(grey)` estimates the background (paper colour, uneven light, shadows) on a small copy at a scale
much larger than a stroke, divides it out, thresholds the ink with Otsu (never below a noise floor),
removes ruled lines that cross the whole image, and keeps the connected components that form the digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from denoiser.imaging import robust
from denoiser.imaging.errors import BlankImageError

SMALL_SIDE = 128  # the background is estimated on a copy this large (longer side)
OPENING_FRACTION = 1 / 6  # opening size on the small copy, as a fraction of its longer side
MAX_OPENING_FRACTION = 1 / 2  # ... at most, however wide the strokes look
STRONG_INK = 0.6  # strokes darken the paper by more than this; shadows and uneven light by less
MIN_CONTRAST = 0.1  # ink must darken (or lighten) the paper by this fraction, else the image is blank
LINE_COVER = 0.75  # a row (column) inked over this fraction of its length is part of a ruled line
LINE_THICKNESS = 0.02  # ... when its band of such rows is at most this fraction of the height thick
NEAR = 0.35  # components within this fraction of the digit's size of it belong to it
MIN_PART = 0.02  # ... and must hold at least this fraction of the main component's ink
MIN_DIGIT = 0.03  # the digit's longer side must reach this fraction of the image's longer side
CROSS = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))


@dataclass
class Ink:
    """The digit's ink at working scale and what was done to find it."""

    ink: np.ndarray  # float32 [h, w] in [0, 1] inside `box`, 1 = full ink, 0 outside the digit's strokes
    box: tuple[int, int, int, int]  # (left, top, width, height) of the digit in the working image
    inverted: bool
    background_removed: bool
    threshold: float
    components_kept: int
    components_dropped: int
    lines_removed: int


def _small(grey: np.ndarray) -> np.ndarray:
    """An area-averaged copy whose longer side is at most SMALL_SIDE."""
    height, width = grey.shape
    factor = max(height, width) / SMALL_SIDE
    if factor <= 1:
        return grey
    size = (max(1, round(width / factor)), max(1, round(height / factor)))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA)


def _upsample(small: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    if small.shape == shape:
        return small
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)


def _is_dark_on_light(grey: np.ndarray, small: np.ndarray) -> bool:
    """Dark ink on light paper? The ink is the extreme farther from the typical (median) level."""
    median, low, high = (float(value) for value in np.percentile(small, [50, 0.2, 99.8]))
    if max(median - low, high - median) < MIN_CONTRAST / 2:  # faint ink: fall back to the border's level
        border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
        return robust.median(border) > 0.5
    return median - low > high - median


def _rough_width(small: np.ndarray) -> float:
    """A first guess of the width of ink-dark strokes on the small copy: 2 x area / perimeter of the pixels
    that darken the paper by more than STRONG_INK (shadows and uneven light never do)."""
    median = robust.median(small)
    mask = ((small - median) / max(1.0 - median, 0.05) > STRONG_INK).astype(np.uint8)
    if not mask.any():
        return 0.0
    eroded = cv2.erode(mask, CROSS, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    edge = int(mask.sum()) - int(eroded.sum())
    return 2.0 * float(mask.sum()) / max(edge, 1)


def _background(bright: np.ndarray, small: np.ndarray) -> np.ndarray | None:
    """The background of an ink-is-bright image: grey opening of the small copy, upsampled; None when it is
    zero everywhere (clean paper).

    The opening is OPENING_FRACTION of the copy, or 2.5 widths of the ink-dark strokes where they are
    wider (a fat marker), at most MAX_OPENING_FRACTION.
    """
    side = max(small.shape)
    # grey_opening is an erosion then a dilation; on clean paper (a drawing pad, an MNIST digit) the erosion
    # is already all zero, and so are the opening and its upsampled copy: the same result, without the work.
    # The window is never smaller than the least one below, and a larger window's erosion (a minimum over a
    # window that holds the smaller one) of values >= 0 is all zero when the smaller one's is: try that first
    least = max(3, round(side * OPENING_FRACTION))
    eroded = _grey_erosion(small, least)
    if not eroded.any() and float(small.min()) >= 0:
        return None
    size = max(3, round(min(max(side * OPENING_FRACTION, 2.5 * _rough_width(small)), side * MAX_OPENING_FRACTION)))
    if size != least:
        eroded = _grey_erosion(small, size)
    if not eroded.any():
        return None
    return _upsample(_grey_dilation(eroded, size), bright.shape)


def _grey_erosion(image: np.ndarray, size: int) -> np.ndarray:
    """Minimum over a size x size window, edges repeated (scipy's grey_erosion, mode "nearest")."""
    return cv2.erode(image, np.ones((size, size), np.uint8), borderType=cv2.BORDER_REPLICATE)


def _grey_dilation(image: np.ndarray, size: int) -> np.ndarray:
    """Maximum over a size x size window, edges repeated."""
    return cv2.dilate(image, np.ones((size, size), np.uint8), borderType=cv2.BORDER_REPLICATE)


def _line_bands(mask: np.ndarray) -> list[tuple[int, int]]:
    """Bands [start, stop) of rows inked across LINE_COVER of the width and thin enough to be ruled lines."""
    covered = mask.mean(axis=1) >= LINE_COVER
    if not covered.any():
        return []
    bands, start = [], None
    for index, flag in enumerate(np.append(covered, False)):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            if index - start <= max(3, LINE_THICKNESS * mask.shape[0]):
                bands.append((start, index))
            start = None
    return bands


def _remove_lines(ink: np.ndarray, mask: np.ndarray, low: np.ndarray) -> int:
    """Erase ruled lines (rows, then columns) in place, bridging strokes that cross them; returns the count."""
    count = 0
    for ink_view, mask_view, low_view in ((ink, mask, low), (ink.T, mask.T, low.T)):
        for start, stop in _line_bands(low_view):
            above, below = max(start - 1, 0), min(stop, len(ink_view) - 1)
            ink_view[start:stop] = np.minimum(ink_view[above], ink_view[below])
            mask_view[start:stop] = mask_view[above] & mask_view[below]
            count += 1
    return count


def _threshold(ink: np.ndarray) -> float:
    """Otsu's threshold of the ink map, never below the paper's noise floor or half MIN_CONTRAST."""
    step = max(1, int(np.sqrt(ink.size / 20_000)))
    sample = ink[::step, ::step]
    median = robust.median(sample)
    noise = 1.4826 * robust.median(np.abs(sample - median))
    floor = max(median + 6 * noise, MIN_CONTRAST)
    # Otsu on the 8-bit ink map (OpenCV; scikit-image's float version bins the same range 10x slower)
    otsu, _ = cv2.threshold(np.round(sample * 255).astype(np.uint8), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return max((otsu + 0.5) / 255, floor)


def digit_components(slices: list, mass: np.ndarray, shape) -> tuple[list[int], int]:
    """Labels of the components that form the digit, and how many were dropped (BlankImageError: specks)."""
    count = len(slices)
    main = int(np.argmax(mass[1:])) + 1
    top, left = slices[main - 1][0].start, slices[main - 1][1].start
    bottom, right = slices[main - 1][0].stop, slices[main - 1][1].stop
    if max(bottom - top, right - left) < max(4, MIN_DIGIT * max(shape)) or mass[main] < 6:
        raise BlankImageError("only small specks were found, no digit")
    kept, changed = {main}, True
    while changed:
        changed = False
        margin = NEAR * max(bottom - top, right - left)
        for label in range(1, count + 1):
            if label in kept or mass[label] < MIN_PART * mass[main]:
                continue
            rows, cols = slices[label - 1]
            if (rows.start < bottom + margin and rows.stop > top - margin
                    and cols.start < right + margin and cols.stop > left - margin):
                kept.add(label)
                top, left = min(top, rows.start), min(left, cols.start)
                bottom, right = max(bottom, rows.stop), max(right, cols.stop)
                changed = True
    return sorted(kept), count - len(kept)


def _nothing(lines: int, paper: bool, specks: bool) -> BlankImageError:
    """The error for an image without a digit, saying what was seen."""
    if lines:
        return BlankImageError("only ruled lines were found, no digit")
    if paper:
        found = "blank paper and small specks" if specks else "blank paper (uneven light or a shadow, no ink)"
        return BlankImageError(f"only {found} were found, no digit")
    if specks:
        return BlankImageError("only small specks were found, no digit")
    return BlankImageError("the image has no strokes (it is blank or nearly uniform)")


def _ink_map(grey: np.ndarray) -> tuple[np.ndarray, bool, float]:
    """(ink in [0, 1] with paper and light divided out, dark-on-light?, spread of the background)."""
    small = _small(grey)
    inverted = _is_dark_on_light(grey, small)
    bright, small = (1.0 - grey, 1.0 - small) if inverted else (grey, small)
    background = _background(bright, small)
    if background is None:  # clean paper: subtracting 0 and dividing by 1 would leave every value as it is
        return np.clip(bright, 0.0, 1.0), inverted, 0.0
    spread = float(background.max() - background.min())
    ink = bright - background
    if inverted:  # reflected light: ink divides the paper's brightness
        ink /= np.maximum(1.0 - background, 0.05)
    return np.clip(ink, 0.0, 1.0, out=ink), inverted, spread


def find_ink(grey: np.ndarray) -> Ink:
    """Grey [H, W] in [0, 1] (any polarity, lit unevenly) -> the digit's ink; BlankImageError when none."""
    ink, inverted, spread = _ink_map(np.asarray(grey, np.float32))
    paper = spread > MIN_CONTRAST
    threshold = _threshold(ink)
    mask = ink > threshold
    lines = _remove_lines(ink, mask, ink > 0.5 * threshold) if min(ink.shape) >= 32 else 0
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise _nothing(lines, paper, False)
    # components are labelled inside the ink's bounding box only (a drawing's canvas or a photo's sheet is
    # mostly paper): the same components, numbered in the same raster order, their boxes shifted back
    row0, col0 = int(rows[0]), int(cols[0])
    inked = (slice(row0, int(rows[-1]) + 1), slice(col0, int(cols[-1]) + 1))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask[inked].astype(np.uint8), connectivity=8)
    # ink per component; only labelled pixels (the mask) count, so the background's bin stays 0 (unused)
    mass = np.bincount(labels.ravel(), weights=np.where(mask[inked], ink[inked], 0).ravel(), minlength=count)
    slices = [(slice(top + row0, top + height + row0), slice(left + col0, left + width + col0))
              for left, top, width, height, _ in stats[1:].tolist()]
    try:
        kept, dropped = digit_components(slices, mass, ink.shape)
    except BlankImageError as error:
        raise _nothing(lines, paper, True) from error
    top = min(slices[k - 1][0].start for k in kept)
    bottom = max(slices[k - 1][0].stop for k in kept)
    left = min(slices[k - 1][1].start for k in kept)
    right = max(slices[k - 1][1].stop for k in kept)
    region = labels[top - row0:bottom - row0, left - col0:right - col0]
    strokes = np.isin(region, kept).astype(np.uint8)
    near = cv2.dilate(strokes, CROSS, iterations=2, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    crop = ink[top:bottom, left:right] * near
    peak = float(np.percentile(crop[strokes.view(bool)], 90))
    crop = np.clip(crop / max(peak, 1e-3), 0.0, 1.0).astype(np.float32)
    return Ink(crop, (int(left), int(top), int(right - left), int(bottom - top)), bool(inverted),
               bool(spread > MIN_CONTRAST / 2), round(float(threshold), 4), len(kept), int(dropped), int(lines))
