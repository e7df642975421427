"""Pixel conventions shared by training, evaluation and serving.

Images are white strokes on black, float32 in [0, 1], shaped [N, 28, 28, 1] for the model.
Decoding user images and the MNIST-style normalisation (the API's `preprocess` option) live
here too, so that training and serving cannot drift apart.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np

from denoiser.image_errors import BlankImageError, ImageTooLargeError, InvalidImageError

IMAGE_SIZE = 28


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 [N, 28, 28] (or float in [0, 1]) -> float32 [N, 28, 28, 1] in [0, 1]."""
    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    if x.ndim == 2:
        x = x[None]
    if x.ndim == 3:
        x = x[..., None]
    if x.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE, 1):
        raise ValueError(f"expected images of 28x28 pixels, got shape {x.shape}")
    return np.clip(x, 0.0, 1.0)


def to_uint8(images: np.ndarray) -> np.ndarray:
    """float [.., 28, 28(, 1)] in [0, 1] -> uint8 with the channel axis dropped."""
    x = np.asarray(images, dtype=np.float32)
    if x.ndim >= 3 and x.shape[-1] == 1:
        x = x[..., 0]
    return np.round(np.clip(x, 0.0, 1.0) * 255.0).astype(np.uint8)


# --- Decoding user images and MNIST-style normalisation (used by the API) -------------------------

FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")
DEFAULT_MAX_PIXELS = 25_000_000
WORKING_SIZE = 640  # larger images are reduced to this (was 1024: 640 halves a 12 MP JPEG's decode + preprocess)
FIT_SIZE = 20
MIN_CONTRAST = 0.1  # ink must differ from the background by this much, else the image is blank
INK_THRESHOLD = 0.2  # normalised intensity that counts as ink for the bounding box
# Where MNIST's centre of mass lies: (row, column) 13.996, 14.004 on average over the 10,000 training digits
# (standard deviation 0.29), i.e. pixel 14, not the geometric middle 13.5 of a 28-pixel frame.
MNIST_CENTRE = 14.0
BORDER = 1  # the digit stays this far from the frame's edge (98.8% of MNIST training digits leave row 27 black)
PREPROCESS_MODES = ("mnist", "resize")


@dataclass
class Prepared:
    """A preprocessed upload: the model's 28x28 digit, where it came from, and what was done.

    `crop` is [x, y, width, height] in the pixels of the uploaded image (after EXIF rotation, before any
    reduction to the working size); `report` is the JSON-ready account of the preprocessing.
    """

    digit: np.ndarray
    crop: list[int]
    report: dict


def open_image_sized(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS):
    """Like `open_image`, and also the upright size (width, height) of the image as uploaded."""
    from PIL import Image, ImageOps

    if not data:
        raise InvalidImageError("the image is empty")
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError as error:
        raise ImageTooLargeError(str(error)) from error
    except Exception as error:  # Pillow raises many types for garbage input
        raise InvalidImageError(f"not a {', '.join(FORMATS)} image") from error
    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLargeError(f"{width}x{height} pixels is more than the limit of {max_pixels}")
    if width < 1 or height < 1:
        raise InvalidImageError("the image has no pixels")
    try:
        image.seek(0)
        # JPEG: decode at a reduced scale, luma only for colour photos (to_grey would drop the colour anyway)
        image.draft("L" if image.mode == "RGB" else image.mode, (WORKING_SIZE, WORKING_SIZE))
        image.load()
        image = ImageOps.exif_transpose(image)
        if image.size[0] > image.size[1] and width < height or image.size[0] < image.size[1] and width > height:
            width, height = height, width  # EXIF turned it by 90 degrees
        image = _flatten_mode(image)
        if max(image.size) > WORKING_SIZE:
            image.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.BOX)
    except Image.DecompressionBombError as error:
        raise ImageTooLargeError(str(error)) from error
    except Exception as error:
        raise InvalidImageError(f"the image could not be decoded: {error}") from error
    return image, (width, height)


def open_image(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS):
    """Decode `data` into a Pillow image: first frame, EXIF orientation applied, at most WORKING_SIZE.

    The pixel count is checked from the header before any pixel is decoded.
    """
    return open_image_sized(data, max_pixels)[0]


def _flatten_mode(image):
    """Reduce any Pillow mode to L, RGB or RGBA (alpha kept whenever the image has transparency)."""
    from PIL import Image

    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        pixels = np.asarray(image, dtype=np.float32)
        top = 1.0 if image.mode == "F" else (65535.0 if pixels.max(initial=0) > 255 else 255.0)
        return Image.fromarray(np.round(np.clip(pixels / top, 0, 1) * 255).astype(np.uint8), "L")
    if "A" in image.getbands() or "transparency" in image.info:
        return image.convert("RGBA")
    if image.mode in ("L", "RGB"):
        return image
    return image.convert("L" if image.mode == "1" else "RGB")


def to_grey(image) -> np.ndarray:
    """Pillow image -> grey float32 [H, W] in [0, 1], transparency composited onto the right background.

    Dark opaque strokes on a transparent canvas are composited onto white, light ones onto black.
    """
    if image.mode != "RGBA":
        return np.asarray(image if image.mode == "L" else image.convert("L"), dtype=np.float32) / 255.0
    alpha = np.asarray(image.getchannel("A"), dtype=np.float32) / 255.0
    grey = np.asarray(image.convert("RGB").convert("L"), dtype=np.float32) / 255.0
    opaque = alpha >= 0.5
    if not opaque.any():
        raise BlankImageError("the image is fully transparent")
    background = 1.0 if float(np.mean(grey[opaque])) < 0.5 else 0.0
    return grey * alpha + background * (1.0 - alpha)


def _resize(grey: np.ndarray, width: int, height: int) -> np.ndarray:
    """Anti-aliased resize of a float image (Pillow's Lanczos, compiled: denoiser.kernels), clipped to [0, 1]."""
    from denoiser import kernels

    return np.clip(kernels.resize(grey, width, height, kernels.LANCZOS), 0.0, 1.0)


def _centre(fitted: np.ndarray) -> np.ndarray:
    """Place a digit (at most 20x20) in a 28x28 frame with its centre of mass at MNIST_CENTRE -> uint8.

    The digit is divided by its peak, and stays BORDER pixels from the frame's edges (compiled:
    `denoiser.kernels.centred`)."""
    from denoiser import kernels

    frame = kernels.centred(fitted, MNIST_CENTRE, BORDER, IMAGE_SIZE)
    if frame is None:
        raise BlankImageError("the strokes vanish at 20x20 pixels")
    return frame


def mnist_digit(grey: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int], dict]:
    """Grey [H, W] in [0, 1] -> (uint8 [28, 28] digit, (x, y, w, h) box of the ink in `grey`, report).

    Removes paper colour and uneven light, finds the ink (Otsu), drops ruled lines and specks
    (denoiser.ink), brings the stroke width towards MNIST's (denoiser.strokes), fits the digit into
    20x20 keeping its aspect and moves its centre of mass to the centre of the 28x28 frame.
    Raises BlankImageError (saying what was seen) when there is no digit.
    """
    from denoiser import ink as inks
    from denoiser import strokes

    found = inks.find_ink(np.asarray(grey, dtype=np.float32))
    digit, before, after = strokes.normalise(strokes.fit_digit(found.ink))
    height, width = digit.shape
    scale = FIT_SIZE / max(height, width)
    fitted = _resize(digit, max(1, round(width * scale)), max(1, round(height * scale)))
    report = {"mode": "mnist", "inverted": found.inverted, "background_removed": found.background_removed,
              "ink_threshold": found.threshold, "stroke_px_before": before, "stroke_px_after": after,
              "stroke_px_target": [strokes.MNIST_LOW, strokes.MNIST_HIGH],
              "components_kept": found.components_kept, "components_dropped": found.components_dropped,
              "lines_removed": found.lines_removed}
    return _centre(fitted), found.box, report


def mnist_form(grey: np.ndarray) -> np.ndarray:
    """Grey [H, W] in [0, 1] -> uint8 [28, 28] white-on-black MNIST digit (see `mnist_digit`)."""
    return mnist_digit(grey)[0]


def resize_form(grey: np.ndarray) -> np.ndarray:
    """Grey [H, W] already white-on-black -> uint8 [28, 28] by a plain resize; refuses uniform images."""
    grey = np.asarray(grey, dtype=np.float32)
    if float(grey.max()) - float(grey.min()) < MIN_CONTRAST / 5:
        raise BlankImageError("the image is uniform: nothing to denoise")
    if grey.shape != (IMAGE_SIZE, IMAGE_SIZE):
        grey = _resize(grey, IMAGE_SIZE, IMAGE_SIZE)
    return to_uint8(grey)


def _to_original(box: tuple[int, int, int, int], working: tuple[int, int], original: tuple[int, int]) -> list[int]:
    """A (x, y, w, h) box in the working image -> [x, y, w, h] ints in the uploaded image's pixels."""
    scale_x, scale_y = original[0] / working[0], original[1] / working[1]
    x, y, w, h = box
    left, top = int(np.floor(x * scale_x)), int(np.floor(y * scale_y))
    right = min(original[0], int(np.ceil((x + w) * scale_x)))
    bottom = min(original[1], int(np.ceil((y + h) * scale_y)))
    return [left, top, max(1, right - left), max(1, bottom - top)]


def prepare_image(image, original_size: tuple[int, int], mode: str = "mnist") -> Prepared:
    """A decoded Pillow image (from `open_image_sized`) -> Prepared digit, crop and report."""
    if mode not in PREPROCESS_MODES:
        raise ValueError(f"unknown preprocess mode {mode!r}; choose one of {', '.join(PREPROCESS_MODES)}")
    grey = to_grey(image)
    if mode == "resize":
        return Prepared(resize_form(grey), [0, 0, *original_size], {"mode": "resize"})
    digit, box, report = mnist_digit(grey)
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


def encode_png(image: np.ndarray) -> bytes:
    """uint8 or float [H, W(, 1)] image -> PNG bytes (8-bit grey)."""
    from denoiser.png import encode_grey

    pixels = np.asarray(image if np.asarray(image).dtype == np.uint8 else to_uint8(image))
    if pixels.ndim == 3:
        pixels = pixels[..., 0]
    return encode_grey(pixels)


def to_data_url(png: bytes) -> str:
    """PNG bytes -> `data:image/png;base64,...`."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
