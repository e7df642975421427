"""The forward path from an upload to the model's input: decode -> grey -> noise estimate -> locate -> crop ->
fit -> centre. Training (`denoiser.training.data` on a folder of images), evaluation and the API all call it.

Clean uploads (drawings, photos, scans without visible noise) take the MNIST normalisation: paper and light
removed, the ink found (`ink`), stroke width brought into MNIST's range (`strokes`), fitted into 20x20 and
centred by mass in 28x28. Uploads that carry noise (`NOISY`, measured by `noise_level`) are located on a
smoothed copy and cropped from their own pixels (`noisy`): noise is never thresholded or re-stroked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from denoiser.imaging import ink as inks
from denoiser.imaging import noise_level, noisy, robust, strokes
from denoiser.imaging.decode import DEFAULT_MAX_PIXELS, open_image_sized, to_grey
from denoiser.imaging.errors import BlankImageError
from denoiser.imaging.pixels import IMAGE_SIZE, to_uint8

FIT_SIZE = 20
MIN_CONTRAST = 0.1  # ink must differ from the background by this much, else the image is blank
# Where MNIST's centre of mass lies: (row, column) 13.996, 14.004 on average over the 10,000 training digits
# (standard deviation 0.29), i.e. pixel 14, not the geometric middle 13.5 of a 28-pixel frame.
MNIST_CENTRE = 14.0
BORDER = 1  # the digit stays this far from the frame's edge (98.8% of MNIST training digits leave row 27 black)
PREPROCESS_MODES = ("mnist", "resize")
# An upload is noisy when its raw noise estimate (per pixel, or on the locating copy, where averaging has
# taken away fine grain but not coarse, scanned noise) passes NOISY, or when specks cover SPECKS of it. Clean
# drawings read 0.000 and phone photos 0.002-0.004; noisy digits from 0.012 (a 10x scan at sigma 0.3, cropped
# tight, whose blocks the copies average unevenly) up. Copies smaller than 32 px read clean strokes as noise.
NOISY = 0.008
SPECKS = 0.03
COARSE = (64, 48, 32)  # longer sides of the copies where coarse noise is looked for


@dataclass
class Prepared:
    """A preprocessed upload: the model's 28x28 digit, where it came from, and what was done.

    `crop` is [x, y, width, height] in the pixels of the uploaded image (after EXIF rotation, before any
    reduction to the working size); `report` is the JSON-ready account of the preprocessing.
    """

    digit: np.ndarray
    crop: list[int]
    report: dict


def _resize(grey: np.ndarray, width: int, height: int) -> np.ndarray:
    """Anti-aliased resize of a float image (Pillow's Lanczos), clipped to [0, 1]."""
    from PIL import Image

    resized = Image.fromarray(np.asarray(grey, np.float32), "F").resize((width, height), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)


def _centre(fitted: np.ndarray) -> np.ndarray:
    """Place a digit (at most 20x20) in a 28x28 frame with its centre of mass at MNIST_CENTRE -> uint8.

    The digit is divided by its peak, and stays BORDER pixels from the frame's edges."""
    peak = float(fitted.max())
    if peak <= 0:
        raise BlankImageError("the strokes vanish at 20x20 pixels")
    from scipy import ndimage

    fitted = fitted / peak
    centre_y, centre_x = ndimage.center_of_mass(fitted)
    height, width = fitted.shape
    top = min(max(round(MNIST_CENTRE - centre_y), BORDER), max(BORDER, IMAGE_SIZE - BORDER - height))
    left = min(max(round(MNIST_CENTRE - centre_x), BORDER), max(BORDER, IMAGE_SIZE - BORDER - width))
    frame = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    frame[top:top + height, left:left + width] = fitted
    return to_uint8(frame)


def mnist_digit(grey: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int], dict]:
    """Clean grey [H, W] in [0, 1] -> (uint8 [28, 28] digit, (x, y, w, h) box of the ink in `grey`, report).

    Removes paper colour and uneven light, finds the ink (Otsu), drops ruled lines and specks (`ink`),
    brings the stroke width towards MNIST's (`strokes`), fits the digit into 20x20 keeping its aspect and
    moves its centre of mass to MNIST_CENTRE. Raises BlankImageError (saying what was seen) when there is
    no digit.
    """
    found = inks.find_ink(np.asarray(grey, dtype=np.float32))
    digit, before, after = strokes.normalise(strokes.fit_digit(found.ink))
    height, width = digit.shape
    scale = FIT_SIZE / max(height, width)
    fitted = _resize(digit, max(1, round(width * scale)), max(1, round(height * scale)))
    report = {"mode": "mnist", "path": "clean", "inverted": found.inverted,
              "background_removed": found.background_removed, "ink_threshold": found.threshold,
              "stroke_px_before": before, "stroke_px_after": after,
              "stroke_px_target": [strokes.MNIST_LOW, strokes.MNIST_HIGH],
              "components_kept": found.components_kept, "components_dropped": found.components_dropped,
              "lines_removed": found.lines_removed}
    return _centre(fitted), found.box, report


def noisy_digit(grey: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int], dict]:
    """Noisy grey [H, W] in [0, 1] -> (uint8 [28, 28] digit from the upload's own pixels, the square's box,
    report); see `noisy`."""
    found = noisy.locate(grey)
    frame, box = noisy.crop(grey, found, seed=grey.shape[0] * 7919 + grey.shape[1])
    report = {"mode": "mnist", "path": "noisy", "inverted": found.inverted, "digit_located": found.located,
              "components_kept": found.components_kept}
    return to_uint8(noisy.levels(frame)), box, report


def mnist_framed(grey: np.ndarray) -> np.ndarray | None:
    """The 28x28 white-on-black digit when a clean `grey` is already one framed as MNIST frames its digits (28x28,
    either polarity, the ink's box FIT_SIZE +- 2 pixels on its longer side, the centre of mass within a pixel of
    MNIST_CENTRE), else None: such an upload is used as it is, since cropping and refitting it again only
    resamples it (an MNIST file, or the app's own 28x28 download of a digit)."""
    if grey.shape != (IMAGE_SIZE, IMAGE_SIZE):
        return None
    digit = 1.0 - grey if robust.median(grey) > 0.5 else grey
    ink = digit > 0.1 * float(digit.max())
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0 or float(digit.max() - digit.min()) < MIN_CONTRAST:
        return None
    longer = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
    mass = float(digit.sum())
    centre_y = float(digit.sum(axis=1) @ np.arange(IMAGE_SIZE)) / mass
    centre_x = float(digit.sum(axis=0) @ np.arange(IMAGE_SIZE)) / mass
    if abs(longer - FIT_SIZE) > 2 or max(abs(centre_y - MNIST_CENTRE), abs(centre_x - MNIST_CENTRE)) > 1.0:
        return None
    return digit


def is_noisy(grey: np.ndarray) -> tuple[bool, float]:
    """(whether `grey` carries noise that the clean path would read as ink, the largest raw estimate: per
    pixel, or on area-averaged copies of COARSE sides, where a scan's coarse noise shows)."""
    estimate = max([noise_level.sigma(grey)] + [noise_level.sigma(noisy.small_copy(grey, side)[0]) for side in COARSE])
    return estimate > NOISY or noise_level.impulses(grey) > SPECKS, estimate


def resize_form(grey: np.ndarray) -> np.ndarray:
    """Grey [H, W] already white-on-black -> uint8 [28, 28] by a plain resize; refuses uniform images."""
    grey = np.asarray(grey, dtype=np.float32)
    if float(grey.max()) - float(grey.min()) < MIN_CONTRAST / 5:
        raise BlankImageError("the image is uniform: nothing to denoise")
    if grey.shape != (IMAGE_SIZE, IMAGE_SIZE):
        grey = _resize(grey, IMAGE_SIZE, IMAGE_SIZE)
    return to_uint8(grey)


def _to_original(box: tuple[int, int, int, int], working: tuple[int, int], original: tuple[int, int]) -> list[int]:
    """A (x, y, w, h) box in the working image -> [x, y, w, h] ints in the uploaded image's pixels, clipped to it."""
    scale_x, scale_y = original[0] / working[0], original[1] / working[1]
    x, y, w, h = box
    left, top = max(0, int(np.floor(x * scale_x))), max(0, int(np.floor(y * scale_y)))
    right = min(original[0], int(np.ceil((x + w) * scale_x)))
    bottom = min(original[1], int(np.ceil((y + h) * scale_y)))
    return [left, top, max(1, right - left), max(1, bottom - top)]


def prepare_image(image, original_size: tuple[int, int], mode: str = "mnist") -> Prepared:
    """A decoded Pillow image (from `open_image_sized`) -> Prepared digit, crop and report.

    The report's `upload_noise_estimate` is the raw noise estimate at the upload's own scale, `path` says
    which path the digit took (`clean` or `noisy`)."""
    if mode not in PREPROCESS_MODES:
        raise ValueError(f"unknown preprocess mode {mode!r}; choose one of {', '.join(PREPROCESS_MODES)}")
    grey = to_grey(image)
    if mode == "resize":
        return Prepared(resize_form(grey), [0, 0, *original_size], {"mode": "resize"})
    noisy_upload, estimate = is_noisy(grey)
    framed = None if noisy_upload else mnist_framed(grey)
    if framed is not None:
        digit, box = to_uint8(framed), (0, 0, IMAGE_SIZE, IMAGE_SIZE)
        report = {"mode": "mnist", "path": "clean", "inverted": bool(framed is not grey), "already_mnist": True}
    else:
        digit, box, report = (noisy_digit if noisy_upload else mnist_digit)(grey)
    report["upload_noise_estimate"] = round(estimate, 4)
    return Prepared(digit, _to_original(box, image.size, original_size), report)


def prepare_digit(data: bytes, mode: str = "mnist", max_pixels: int = DEFAULT_MAX_PIXELS) -> Prepared:
    """Encoded image bytes -> Prepared: the uint8 [28, 28] digit, its crop box in the upload, the report."""
    if mode not in PREPROCESS_MODES:
        raise ValueError(f"unknown preprocess mode {mode!r}; choose one of {', '.join(PREPROCESS_MODES)}")
    image, size = open_image_sized(data, max_pixels)
    return prepare_image(image, size, mode)


def prepare(data: bytes, mode: str = "mnist", max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Encoded image bytes -> uint8 [28, 28] white-on-black digit (`mode` is "mnist" or "resize")."""
    return prepare_digit(data, mode, max_pixels).digit
