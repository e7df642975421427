"""Pixel conventions shared by training, evaluation and serving.

Images are white strokes on black, float32 in [0, 1], shaped [N, 28, 28, 1] for the model.
Decoding user images and the MNIST-style normalisation (the API's `preprocess` option) live
here too, so that training and serving cannot drift apart.
"""

from __future__ import annotations

import base64
import io

import numpy as np

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
WORKING_SIZE = 1024  # larger images are reduced to this before grey conversion
FIT_SIZE = 20
MIN_CONTRAST = 0.1  # ink must differ from the background by this much, else the image is blank
INK_THRESHOLD = 0.2  # normalised intensity that counts as ink for the bounding box
PREPROCESS_MODES = ("mnist", "resize")


class InvalidImageError(ValueError):
    """The bytes are not a decodable PNG, JPEG, GIF, BMP or WebP image."""


class ImageTooLargeError(ValueError):
    """The image header declares more pixels than allowed (decompression-bomb guard)."""


class BlankImageError(ValueError):
    """The image holds no strokes: nothing to denoise."""


def open_image(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS):
    """Decode `data` into a Pillow image: first frame, EXIF orientation applied, at most WORKING_SIZE.

    The pixel count is checked from the header before any pixel is decoded.
    """
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
        image.draft(image.mode, (WORKING_SIZE, WORKING_SIZE))  # JPEG: decode at a reduced scale
        image.load()
        image = ImageOps.exif_transpose(image)
        image = _flatten_mode(image)
        if max(image.size) > WORKING_SIZE:
            image.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.BOX)
    except Image.DecompressionBombError as error:
        raise ImageTooLargeError(str(error)) from error
    except Exception as error:
        raise InvalidImageError(f"the image could not be decoded: {error}") from error
    return image


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
        return np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    alpha = np.asarray(image.getchannel("A"), dtype=np.float32) / 255.0
    grey = np.asarray(image.convert("RGB").convert("L"), dtype=np.float32) / 255.0
    opaque = alpha >= 0.5
    if not opaque.any():
        raise BlankImageError("the image is fully transparent")
    background = 1.0 if float(np.mean(grey[opaque])) < 0.5 else 0.0
    return grey * alpha + background * (1.0 - alpha)


def _border(grey: np.ndarray) -> np.ndarray:
    """The outermost row and column pixels of a 2-D array."""
    return np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])


def _resize(grey: np.ndarray, width: int, height: int) -> np.ndarray:
    """Anti-aliased resize of a float image (Lanczos), clipped to [0, 1]."""
    from PIL import Image

    resized = Image.fromarray(grey.astype(np.float32), "F").resize((width, height), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)


def mnist_form(grey: np.ndarray) -> np.ndarray:
    """Grey [H, W] in [0, 1] -> uint8 [28, 28] white-on-black, the original MNIST recipe.

    Inverts when the border is light, stretches ink against the background level, crops to the
    ink's bounding box, fits it into 20x20 keeping the aspect ratio and moves its centre of mass
    to the centre of the 28x28 frame. Raises BlankImageError when there is no ink.
    """
    from scipy import ndimage

    grey = np.asarray(grey, dtype=np.float32)
    background = float(np.median(_border(grey)))
    if background > 0.5:  # dark on light: invert (the border's median inverts with it)
        grey, background = 1.0 - grey, 1.0 - background
    contrast = float(grey.max()) - background
    if contrast < MIN_CONTRAST:
        raise BlankImageError("the image has no strokes (it is blank or nearly uniform)")
    ink = np.clip((grey - background) / contrast, 0.0, 1.0)
    rows, cols = np.nonzero(ink > INK_THRESHOLD)
    crop = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    height, width = crop.shape
    scale = FIT_SIZE / max(height, width)
    fitted = _resize(crop, max(1, round(width * scale)), max(1, round(height * scale)))
    peak = float(fitted.max())
    if peak <= 0:
        raise BlankImageError("the strokes vanish at 20x20 pixels")
    fitted /= peak
    centre_y, centre_x = ndimage.center_of_mass(fitted)
    height, width = fitted.shape
    middle = (IMAGE_SIZE - 1) / 2
    top = int(np.clip(round(middle - centre_y), 0, IMAGE_SIZE - height))
    left = int(np.clip(round(middle - centre_x), 0, IMAGE_SIZE - width))
    frame = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    frame[top:top + height, left:left + width] = fitted
    return to_uint8(frame)


def resize_form(grey: np.ndarray) -> np.ndarray:
    """Grey [H, W] already white-on-black -> uint8 [28, 28] by a plain resize; refuses uniform images."""
    grey = np.asarray(grey, dtype=np.float32)
    if float(grey.max()) - float(grey.min()) < MIN_CONTRAST / 5:
        raise BlankImageError("the image is uniform: nothing to denoise")
    if grey.shape != (IMAGE_SIZE, IMAGE_SIZE):
        grey = _resize(grey, IMAGE_SIZE, IMAGE_SIZE)
    return to_uint8(grey)


def prepare(data: bytes, mode: str = "mnist", max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Encoded image bytes -> uint8 [28, 28] white-on-black digit (`mode` is "mnist" or "resize")."""
    if mode not in PREPROCESS_MODES:
        raise ValueError(f"unknown preprocess mode {mode!r}; choose one of {', '.join(PREPROCESS_MODES)}")
    grey = to_grey(open_image(data, max_pixels))
    return mnist_form(grey) if mode == "mnist" else resize_form(grey)


def encode_png(image: np.ndarray) -> bytes:
    """uint8 or float [28, 28(, 1)] image -> PNG bytes (8-bit grey)."""
    from PIL import Image

    pixels = image if np.asarray(image).dtype == np.uint8 else to_uint8(image)
    pixels = np.asarray(pixels)
    if pixels.ndim == 3:
        pixels = pixels[..., 0]
    buffer = io.BytesIO()
    Image.fromarray(pixels, "L").save(buffer, format="PNG")
    return buffer.getvalue()


def to_data_url(png: bytes) -> str:
    """PNG bytes -> `data:image/png;base64,...`."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
