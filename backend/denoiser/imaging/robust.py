"""The median, through numpy's selection (`np.partition`) rather than `np.median`.

Measured on this machine (numpy 2.4, float32): np.median takes 83 / 176 / 549 us on 5,000 / 20,000 / 78,400
values, np.partition 6 / 19 / 62 us; preprocessing takes several medians per upload (the noise estimate, the
ink threshold and its noise floor, stroke widths), so the selection alone saves about 0.6 ms per 280x280
drawing. The result is numpy's median: the middle value, or the mean of the two middle values.
"""

from __future__ import annotations

import numpy as np


def median(values: np.ndarray) -> float:
    """The median of `values` (any shape, no NaN) as a float."""
    flat = np.asarray(values).reshape(-1)
    middle = flat.size // 2
    if flat.size % 2:
        return float(np.partition(flat, middle)[middle])
    low, high = np.partition(flat, [middle - 1, middle])[middle - 1:middle + 1]
    return (float(low) + float(high)) / 2
