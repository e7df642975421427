"""denoiser.png writes PNGs that Pillow (and so browsers' decoders, by the same specification) read back
to the same pixels."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from denoiser import png, preprocess


@pytest.mark.parametrize("shape", [(28, 28), (1, 1), (3, 97), (64, 5)])
def test_grey_png_decodes_to_the_same_pixels(shape):
    pixels = np.random.default_rng(sum(shape)).integers(0, 256, shape, dtype=np.uint8)
    decoded = Image.open(io.BytesIO(png.encode_grey(pixels)))
    decoded.verify()  # checksums and structure
    decoded = Image.open(io.BytesIO(png.encode_grey(pixels)))
    assert decoded.format == "PNG" and decoded.mode == "L" and decoded.size == (shape[1], shape[0])
    assert np.array_equal(np.asarray(decoded), pixels)


def test_encode_png_rounds_floats_as_to_uint8():
    image = np.random.default_rng(0).random((28, 28, 1), dtype=np.float32)
    decoded = np.asarray(Image.open(io.BytesIO(preprocess.encode_png(image))))
    assert np.array_equal(decoded, preprocess.to_uint8(image))
