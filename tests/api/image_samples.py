"""Image factories shared by the API tests (real drawings made with Pillow, crafted PNG headers)."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageDraw


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    """A Pillow image as encoded bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def draw_digit(size=(400, 300), centre=(280, 110), scale=60, width=14, mode="L",
               ink=0, paper=255) -> Image.Image:
    """A hand-drawn-looking "7" (dark on light by default) on a large canvas, off-centre."""
    image = Image.new(mode, size, paper)
    x, y = centre
    points = [(x - scale, y - scale), (x + scale * 0.6, y - scale), (x - scale * 0.2, y + scale * 1.5)]
    ImageDraw.Draw(image).line(points, fill=ink, width=width, joint="curve")
    return image


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height pixels but which carries almost no data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) \
        + chunk(b"IEND", b"")


def data_url(data: bytes, mime: str = "image/png") -> str:
    """Bytes as a base64 data URL."""
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def decode_data_url(url: str) -> np.ndarray:
    """A PNG data URL as a uint8 array."""
    assert url.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))
