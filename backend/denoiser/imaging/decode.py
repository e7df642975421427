"""Decoding uploads: bytes -> an upright Pillow image (first frame, EXIF applied, at most WORKING_SIZE) -> grey.

The pixel count is checked from the header before any pixel is decoded (decompression-bomb guard).
"""

from __future__ import annotations

import io

import numpy as np

from denoiser.imaging.errors import BlankImageError, ImageTooLargeError, InvalidImageError

FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")
DEFAULT_MAX_PIXELS = 25_000_000
WORKING_SIZE = 640  # larger images are reduced to this: a 12 MP photo's digit needs no more


def open_image_sized(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS):
    """Decode `data` into a Pillow image (L, RGB or RGBA) and the upright size (width, height) as uploaded."""
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
    """`open_image_sized` without the size."""
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
