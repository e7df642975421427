"""Preprocessed uploads remembered by content, per worker: the app sends the same image again and again.

After every /denoise the app asks /encode about the same drawing (the latent view follows the images),
sends the drawing again whenever the noise, its level, the seed or the model changes, and /compare sends
it once more. Decoding and MNIST-style preprocessing are most of what such a request costs that is not
the model. Each worker keeps the last `size` uploads' results (digit, crop, report) keyed by a BLAKE2b
digest of the bytes with the preprocessing mode and the pixel limit; preprocessing is deterministic, so
a hit answers exactly what a miss would. Refusals (blank, invalid, too large) are not kept: they are
cheap and rare. DENOISER_PREPROCESS_CACHE sets the size (0 turns it off).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from prometheus_client import Counter

from denoiser.preprocess import Prepared

LOOKUPS = Counter("denoiser_preprocess_cache_lookups_total",
                  "Uploads looked up in the preprocessing cache, by result.", ["result"])


class PreparedCache:
    """A thread-safe LRU of Prepared results (gthread workers serve requests on several threads)."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple, Prepared] = OrderedDict()
        self._lock = threading.Lock()

    def prepared(self, data: bytes, mode: str, max_pixels: int,
                 prepare: Callable[[], Prepared]) -> tuple[Prepared, bool]:
        """(the Prepared result for this upload, whether it was remembered); else `prepare()`'s, which may raise."""
        if self.size <= 0:
            return prepare(), False
        key = (hashlib.blake2b(data, digest_size=16).digest(), mode, max_pixels)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
        if found is not None:
            LOOKUPS.labels("hit").inc()
            return found, True
        LOOKUPS.labels("miss").inc()
        result = prepare()
        result.digit.setflags(write=False)  # shared between requests from now on
        with self._lock:
            self._entries[key] = result
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return result, False
