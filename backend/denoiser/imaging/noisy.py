"""Noisy uploads: find the digit on a smoothed copy, hand the model the upload's own pixels.

Thresholds and stroke repairs built for clean drawings read noise as ink (or as nothing), so a noisy upload
takes this path instead (`prepare` decides, from `noise_level`):

1. locate: a copy of at most LOCATE_SIDE pixels (OpenCV's area resize, which averages fine-grained noise
   away), a 3x3 median where there are specks, a Gaussian blur scaled to the noise left; its polarity, Otsu's
   threshold and the digit's components (the clean path's rules, `ink.digit_components`). The centre of mass
   and the box are then measured on the upload's own pixels inside those components, less the paper's mean,
   where the noise averages out;
2. crop: a square around the digit's centre of mass, the digit's longer side 20/28 of it (MNIST's framing),
   taken from the upload's own pixels (inverted when dark on light) and area-resized to 28x28. Where the
   square runs past the image, the margin is filled with the upload's own background pixels, drawn at
   random, so the noise looks the same across the frame (the model, which is blind to the noise level,
   under-cleans a digit framed by clean margins). An upload that is already framed like MNIST (square, the
   digit centred and of MNIST's size) is resized whole, and a 28x28 file is used as it is;
3. levels: the paper's level (median of the background) is taken to 0 and the ink's to 1, so grain averaged
   by the resize or a dim photo reach the model at MNIST's contrast; noise clipped at 0, as in training.

A noisy image is refused only when nothing at all stands out of its noise once smoothed ("only noise ... no
digit"); where something does but no digit-shaped ink, the whole image is used (`located` is False) and the
answer's typicality says how digit-like it is. No threshold on the smoothed copy tells a heavily noisy digit
from pure noise reliably (measured: the contrast of Otsu's two classes over the paper's noise is 2.4-3.3 for
10x scans of digits at sigma 0.5, 2.3-8 for pure noise).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from denoiser.imaging import noise_level, robust
from denoiser.imaging.errors import BlankImageError
from denoiser.imaging.ink import digit_components

LOCATE_SIDE = 64  # the located copy's longer side at most
FIT_SIZE, IMAGE_SIZE, CENTRE = 20, 28, 14.0
SPECKS = 0.03  # a share of specks (noise_level.impulses) above this gets a median filter first
MIN_CONTRAST = 0.1
LEVELS_KEPT = 0.05  # paper within this of 0 and ink within twice this of 1 are left as they are
# the digit's box holds the ink's mass from a share to 1 - that share along each axis: a small share where
# little noise is left on the locating copy (a tight crop's box is then the ink's own), a larger one under
# heavy noise, whose tails would otherwise widen the box (measured on noisyinputs' scans)
NOISE_FOR_EXTENT = (0.03, 0.07)
EXTENT = (0.002, 0.02)
# an upload whose digit is framed as MNIST's (the square it needs from SNAP_SMALLER below to SNAP_LARGER above
# the image's side: heavy noise widens a measured box, never shrinks it) ...
SNAP_SMALLER, SNAP_LARGER = 0.15, 0.3
SNAP_CENTRE = 2.0  # ... and this many output pixels of MNIST_CENTRE, is resized whole


@dataclass
class Located:
    """A digit found on a noisy upload: its box and centre of mass in the upload's working pixels."""

    box: tuple[int, int, int, int]  # x, y, width, height
    centre: tuple[float, float]  # x, y
    inverted: bool
    components_kept: int
    located: bool = True  # False: no digit-shaped ink stood out of the noise, the whole image is used


def small_copy(grey: np.ndarray, side: int = LOCATE_SIDE) -> tuple[np.ndarray, float]:
    """(an area-averaged copy whose longer side is at most `side`, its scale factor to `grey`)."""
    height, width = grey.shape
    factor = max(1.0, max(height, width) / side)
    if factor == 1:
        return grey, factor
    size = (max(1, round(width / factor)), max(1, round(height / factor)))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA), max(height, width) / max(size)


def _smoothed(grey: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(the locating copy: small, despeckled and blurred, its scale factor to `grey`, the noise on the small
    copy before the blur)."""
    small, factor = small_copy(grey)
    if noise_level.impulses(small) > SPECKS:
        small = cv2.medianBlur(np.round(small * 255).astype(np.uint8), 3).astype(np.float32) / 255
    # the noise left on it; a scan's coarse (blocky) noise shows better on a copy half as large
    left = max(noise_level.sigma(small), noise_level.sigma(small_copy(grey, LOCATE_SIDE // 2)[0]))
    blur = float(np.clip(4 * left, 0.7, 2.0)) * max(small.shape) / IMAGE_SIZE
    return cv2.GaussianBlur(small, (0, 0), blur, borderType=cv2.BORDER_REFLECT), factor, left


def locate(grey: np.ndarray) -> Located:
    """The digit on a noisy grey image; BlankImageError when it holds only noise or nothing."""
    from skimage.filters import threshold_otsu

    smooth, factor, left = _smoothed(grey)
    median, low, high = (float(v) for v in np.percentile(smooth, [50, 1, 99]))
    inverted = median - low > high - median
    bright = 1.0 - smooth if inverted else smooth
    if float(bright.max() - bright.min()) < MIN_CONTRAST / 2:  # nothing stands out once the noise is smoothed
        raise BlankImageError(f"only {_what_noise(grey)} found, no digit")
    threshold = float(threshold_otsu(bright))
    mask = bright > threshold
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    mass = np.bincount(labels.ravel(), weights=np.where(mask, bright - threshold, 0).ravel(), minlength=count)
    slices = [(slice(top, top + h), slice(left, left + w)) for left, top, w, h, _ in stats[1:].tolist()]
    try:
        kept, _ = digit_components(slices, mass, bright.shape)
    except BlankImageError:  # nothing digit-shaped: the whole image, centred
        height, width = grey.shape
        side = max(height, width) * FIT_SIZE / IMAGE_SIZE
        return Located((int((width - side) / 2), int((height - side) / 2), int(side), int(side)),
                       ((width - 1) / 2, (height - 1) / 2), bool(inverted), 0, located=False)
    # The digit's mass is measured on the upload's own pixels, inside the kept components (grown by a pixel of
    # the small copy), less the paper's mean: the noise then averages out instead of pulling the centre and the
    # box towards the blur's spread or the image's edges.
    digit = cv2.dilate(np.isin(labels, kept).astype(np.uint8), np.ones((3, 3), np.uint8))
    digit = cv2.resize(digit, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_NEAREST).astype(bool)
    raw = 1.0 - grey if inverted else grey
    weights = np.where(digit, raw - float(raw[~digit].mean()) if (~digit).any() else raw, 0)
    share = float(np.interp(left, NOISE_FOR_EXTENT, EXTENT))
    (first_x, last_x), centre_x = _extent(weights.sum(axis=0), share)
    (first_y, last_y), centre_y = _extent(weights.sum(axis=1), share)
    box = (first_x, first_y, last_x - first_x, last_y - first_y)
    return Located(box, (centre_x, centre_y), bool(inverted), len(kept))


def _extent(mass: np.ndarray, share: float) -> tuple[tuple[int, int], float]:
    """((first, last + 1) of the cells between `share` and 1 - `share` of the mass, its centre) along one axis.

    Noise that the blur joins to the strokes widens a thresholded box but holds little of the ink's mass."""
    cumulative = np.cumsum(mass) / mass.sum()  # not monotonic: the noise left in `mass` averages out in the sum
    first = int(np.argmax(cumulative >= share))
    last = mass.size - 1 - int(np.argmax(cumulative[::-1] <= 1 - share))
    return (first, last + 2), float((mass * np.arange(mass.size)).sum() / mass.sum())


def _what_noise(grey: np.ndarray) -> str:
    """The noise of an image in words, for a refusal."""
    specks = noise_level.impulses(grey)
    if specks > SPECKS and noise_level.sigma(grey) < 0.01:
        return f"specks ({100 * specks:.0f}% of the pixels) were"
    return f"noise (about σ {noise_level.sigma(grey):.2f} per pixel) was"


def _region(grey: np.ndarray, found: Located) -> tuple[float, float, float]:
    """(left, top, side) of the square that frames the digit as MNIST does, in working pixels."""
    height, width = grey.shape
    side = max(found.box[2], found.box[3]) * IMAGE_SIZE / FIT_SIZE
    # pixel centres: working pixel c is at c + 0.5, output pixel CENTRE at CENTRE + 0.5 of the square's 28 steps
    left = found.centre[0] + 0.5 - (CENTRE + 0.5) * side / IMAGE_SIZE
    top = found.centre[1] + 0.5 - (CENTRE + 0.5) * side / IMAGE_SIZE
    whole = float(max(height, width))
    if (height, width) == (IMAGE_SIZE, IMAGE_SIZE):
        return 0.0, 0.0, whole  # the model's own size: re-sampling 784 noisy pixels loses more than re-centring gains
    # how far the centre of mass lies from where MNIST puts it, in output pixels, were the image resized whole
    offset = max(abs((found.centre[0] + 0.5) * IMAGE_SIZE / width - (CENTRE + 0.5)),
                 abs((found.centre[1] + 0.5) * IMAGE_SIZE / height - (CENTRE + 0.5)))
    framed = -SNAP_SMALLER * whole <= side - whole <= SNAP_LARGER * whole and offset <= SNAP_CENTRE
    if not found.located or (abs(height - width) <= 0.1 * whole and framed):
        return 0.0, 0.0, whole  # already framed like MNIST: resized whole, nothing shifts
    return left, top, side


def crop(grey: np.ndarray, found: Located, seed: int = 0) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """(the 28x28 float32 crop of the upload's own pixels, white on black, levels not yet set; the square's
    integer box (x, y, w, h) in working pixels)."""
    bright = 1.0 - grey if found.inverted else grey
    left, top, side = _region(grey, found)
    x0, y0 = int(np.floor(left)), int(np.floor(top))
    size = max(1, int(round(side)))
    height, width = bright.shape
    inside = bright[max(y0, 0):min(y0 + size, height), max(x0, 0):min(x0 + size, width)]
    square = np.empty((size, size), np.float32)
    covered = (slice(max(y0, 0) - y0, max(y0, 0) - y0 + inside.shape[0]),
               slice(max(x0, 0) - x0, max(x0, 0) - x0 + inside.shape[1]))
    if inside.shape != square.shape:  # the margin: the upload's own paper, pixels drawn at random
        paper = _paper(bright, found)
        square[:] = np.random.default_rng(seed).choice(paper, size=square.shape)
    square[covered] = inside
    interpolation = cv2.INTER_AREA if size > IMAGE_SIZE else cv2.INTER_LINEAR
    resized = cv2.resize(square, (IMAGE_SIZE, IMAGE_SIZE), interpolation=interpolation)
    return np.clip(resized, 0, 1), (x0, y0, size, size)


def _paper(bright: np.ndarray, found: Located) -> np.ndarray:
    """The upload's pixels outside the digit's box (all of them when the box fills the image)."""
    x, y, w, h = found.box
    outside = np.ones(bright.shape, bool)
    outside[y:y + h, x:x + w] = False
    return bright[outside] if outside.any() else bright.ravel()


def levels(frame: np.ndarray) -> np.ndarray:
    """The 28x28 crop with the paper's level at 0 and the ink's at 1 (see the module's docstring)."""
    from skimage.filters import threshold_otsu

    smooth = cv2.GaussianBlur(frame, (0, 0), 1.0, borderType=cv2.BORDER_REFLECT)
    if float(smooth.max() - smooth.min()) <= 1e-6:
        return frame
    threshold = float(threshold_otsu(smooth))
    paper = robust.median(frame[smooth <= threshold])
    core = smooth >= threshold + 0.5 * (float(smooth.max()) - threshold)
    ink = robust.median(frame[core])
    if ink - paper < MIN_CONTRAST or (paper <= LEVELS_KEPT and ink >= 1 - 2 * LEVELS_KEPT):
        return frame  # too faint to measure, or already at MNIST's levels (the estimates are noisy themselves)
    return np.clip((frame - paper) / (ink - paper), 0, 1).astype(np.float32)
