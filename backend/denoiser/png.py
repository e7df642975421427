"""8-bit grey PNG encoding of the small images the API answers with.

Pillow's generic save path (plugin lookup, encoder setup, chunked writes) costs more than the compression
of a 28x28 image itself, once per answer image (three in a JSON /denoise answer). A grey PNG is
a signature, an IHDR chunk, the zlib-compressed rows (each led by its filter type, 0 = none) and an IEND
chunk (PNG specification, sections 5 and 11), which the standard library writes directly. Decoders read
the same pixels (tests/api/test_png.py checks with Pillow).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COMPRESS_LEVEL = 6  # zlib's default, as Pillow's
# Run-length matches only: a digit is mostly runs of black, which this finds without zlib's general match
# search (faster, for a few more bytes per image).
STRATEGY = zlib.Z_RLE


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_grey(pixels: np.ndarray) -> bytes:
    """uint8 [H, W] -> PNG bytes (colour type 0, bit depth 8, no interlace)."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width = pixels.shape
    rows = np.zeros((height, width + 1), np.uint8)  # a leading 0 per row: filter type None
    rows[:, 1:] = pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    deflate = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS, zlib.DEF_MEM_LEVEL, STRATEGY)
    idat = deflate.compress(rows.tobytes()) + deflate.flush()
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
