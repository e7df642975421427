"""denoiser.preprocess' centring of a digit in the 28x28 frame."""

from __future__ import annotations

import numpy as np

from denoiser.kernels.compiling import compiled
from denoiser.kernels.statistics import numpy_sum


@compiled
def _centred(fitted, middle, border, size):
    height, width = fitted.shape
    peak = fitted.max()
    if peak <= 0:
        return np.zeros((0, 0), np.uint8)
    scaled = fitted / peak
    total = np.float64(numpy_sum(scaled))
    rows, cols = np.empty((height, width), np.float64), np.empty((height, width), np.float64)
    for row in range(height):
        for col in range(width):
            rows[row, col] = np.float64(scaled[row, col]) * row
            cols[row, col] = np.float64(scaled[row, col]) * col
    centre_row, centre_col = numpy_sum(rows) / total, numpy_sum(cols) / total
    top = min(max(int(np.rint(middle - centre_row)), border), max(border, size - border - height))
    left = min(max(int(np.rint(middle - centre_col)), border), max(border, size - border - width))
    frame = np.zeros((size, size), np.uint8)
    for row in range(height):
        for col in range(width):
            level = min(max(scaled[row, col], np.float32(0)), np.float32(1)) * np.float32(255)
            frame[top + row, left + col] = np.uint8(np.rint(level))
    return frame


def centred(fitted: np.ndarray, middle: float, border: int, size: int) -> np.ndarray | None:
    """denoiser.preprocess's centring of a float32 digit (at most size - 2 x border a side): divided by its
    peak, placed in a size x size frame with its centre of mass (`scipy.ndimage.center_of_mass`'s, numpy's sums)
    at `middle`, at least `border` pixels from the edges, as uint8 (`preprocess.to_uint8`); None when the
    digit has no ink."""
    frame = _centred(np.ascontiguousarray(fitted, dtype=np.float32), float(middle), int(border), int(size))
    return frame if frame.size else None
