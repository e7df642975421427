"""Inputs that are not digits, for the typicality score's report: rendered letters and scribbles.

Each goes through the serving path (`preprocess.prepare_digit`), so it reaches the model exactly as an
upload of it would.
"""

from __future__ import annotations

import io
import string

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from denoiser.imaging import BlankImageError, prepare_digit

LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _prepared(pngs: list[bytes]) -> np.ndarray:
    digits = []
    for data in pngs:
        try:
            digits.append(prepare_digit(data).digit)
        except BlankImageError:
            continue
    return np.stack(digits).astype(np.float32)[..., None] / 255.0


def letters(seed: int = 0, variants: int = 4) -> np.ndarray:
    """Every ASCII letter drawn dark on white in Pillow's bundled font, `variants` sizes and slants each,
    prepared like an upload: float32 [N, 28, 28, 1]."""
    rng = np.random.default_rng(seed)
    pngs = []
    for letter in LETTERS:
        for _ in range(variants):
            font = ImageFont.load_default(size=int(rng.integers(120, 200)))
            canvas = Image.new("L", (280, 280), 255)
            ImageDraw.Draw(canvas).text((140, 140), letter, fill=0, font=font, anchor="mm",
                                        stroke_width=int(rng.integers(2, 9)), stroke_fill=0)
            pngs.append(_png(canvas.rotate(float(rng.uniform(-15, 15)), fillcolor=255)))
    return _prepared(pngs)


def scribbles(count: int = 200, seed: int = 0) -> np.ndarray:
    """Random pen scribbles (smooth random walks), prepared like an upload: float32 [N, 28, 28, 1]."""
    rng = np.random.default_rng(seed)
    pngs = []
    for _ in range(count):
        canvas = Image.new("L", (280, 280), 255)
        steps = rng.normal(0, 25, size=(int(rng.integers(8, 30)), 2)).cumsum(0)
        points = steps - steps.mean(0) + 140
        ImageDraw.Draw(canvas).line([tuple(p) for p in points.clip(10, 270)], fill=0,
                                    width=int(rng.integers(8, 20)), joint="curve")
        pngs.append(_png(canvas))
    return _prepared(pngs)
