"""Compiled (numba) versions of the steps that dominate preprocessing a small upload.

Each kernel gives the same answer, to the bit, as the library call it replaces (the docstrings name it;
tests/api/test_kernels.py checks each against it on thousands of masks, and tests/api/test_preprocess_answers.py
checks whole uploads). What makes them faster is visiting only the pixels that matter (a skeleton's
thinning only ever removes pixels on the strokes' border) and doing in one loop what took several numpy
calls, each paying numpy's per-call cost on arrays of a few thousand pixels.

Compiled machine code is cached on disk (numba's `cache=True`: beside this file, else in `NUMBA_CACHE_DIR`
or the user's cache directory), so the kernels compile once per installation (`python -m denoiser.kernels`
times it), not at every
start; where no cache directory is writable they compile at every start instead. `warm_up()` loads or compiles
every kernel before the first request (the API calls it once models are loaded).
"""

from __future__ import annotations

import numpy as np

from denoiser.kernels.frame import centred
from denoiser.kernels.ink import components, dark_stroke_width, digit_crop, dilation, erosion
from denoiser.kernels.resample import BICUBIC, BOX, LANCZOS, resize
from denoiser.kernels.statistics import ink_threshold, order_statistics
from denoiser.kernels.strokes import distance_to_background_at, skeleton, skeleton_measures

__all__ = ["BICUBIC", "BOX", "COMPILED_AT_MOST", "LANCZOS", "centred", "components", "dark_stroke_width", "digit_crop",
           "dilation", "distance_to_background_at", "erosion", "ink_threshold", "order_statistics", "resize",
           "skeleton", "skeleton_measures", "warm_up"]

# denoiser.ink sends images up to this many pixels through the compiled threshold, order statistics, opening
# and rough stroke width; above it (the small copy of a photo) small_ops' shortcuts for images that are
# mostly paper, and SciPy's filters, are faster.
COMPILED_AT_MOST = 4096


def warm_up() -> None:
    """Load (or compile) every kernel for the types preprocessing calls them with."""
    mask = np.zeros((4, 4), np.bool_)
    mask[1:3, 1:3] = True
    skeleton(mask)
    skeleton_measures(mask.astype(np.float32), 0.05, 0.4, 95)
    distance_to_background_at(mask, mask)
    labels = components(mask, np.ones((4, 4), np.float32))[0]
    digit_crop(np.ones((4, 4), np.float32), labels, [1])
    ramp = np.linspace(0, 1, 16, dtype=np.float32).reshape(4, 4)
    ink_threshold(ramp, 0.1)
    order_statistics(ramp, 0.2, 99.8)
    dilation(erosion(ramp, 3), 3)
    centred(ramp, 14.0, 1, 28)
    for kind in (BOX, BICUBIC, LANCZOS):
        resize(ramp, 3, 5, kind)
    dark_stroke_width(ramp, 0.6)
