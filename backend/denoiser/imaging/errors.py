"""The errors of decoding and preprocessing user images (re-exported by denoiser.imaging)."""

from __future__ import annotations


class InvalidImageError(ValueError):
    """The bytes are not a decodable PNG, JPEG, GIF, BMP or WebP image."""


class ImageTooLargeError(ValueError):
    """The image header declares more pixels than allowed (decompression-bomb guard)."""


class BlankImageError(ValueError):
    """The image holds no digit: nothing to denoise (the message says what was seen)."""
