"""What a worker remembers between requests, because the app sends the same image again and again.

After every /denoise the app asks /encode about the same drawing (the latent view follows the images),
sends the drawing again whenever the noise, its level, the seed or the model changes, and /compare sends
it once more. Two results depend only on the image, and both are deterministic, so a hit answers exactly
what computing again would:

- `prepared`: an upload's decoded, preprocessed digit (with its crop and report), keyed by a BLAKE2b digest
  of the bytes, the preprocessing mode and the pixel limit; decoding and MNIST-style preprocessing are
  most of what such a request costs that is not the model;
- `typicality`: how digit-like the upload's digit is by the served VAE, keyed by the VAE's name and version
  and the upload's key (two VAE calls on every JSON /denoise and every /encode).

Refusals (blank, invalid, too large) are not kept: they are cheap and rare. Each cache holds the last
DENOISER_PREPROCESS_CACHE entries (0 turns both off); Prometheus counts hits and misses per cache.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from prometheus_client import Counter

LOOKUPS = Counter("denoiser_request_cache_lookups_total",
                  "Lookups in the per-worker request caches, by cache and result.", ["cache", "result"])


def digest(data: bytes) -> bytes:
    """A 16-byte BLAKE2b digest of an upload's bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


class LruCache:
    """A thread-safe least-recently-used map (gthread workers serve requests on several threads)."""

    def __init__(self, name: str, size: int):
        self.name, self.size = name, size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The remembered value (now the most recent), or None; counts the lookup."""
        if self.size <= 0:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
        LOOKUPS.labels(self.name, "miss" if found is None else "hit").inc()
        return found

    def put(self, key: Hashable, value: Any) -> None:
        """Remember `value`, forgetting the least recently used entries beyond `size`."""
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> tuple[Any, bool]:
        """(the value for `key`, whether it was remembered); a miss runs `compute()`, which may raise."""
        found = self.get(key)
        if found is not None:
            return found, True
        value = compute()
        self.put(key, value)
        return value, False


class RequestCaches:
    """The worker's two caches, `prepared` and `typicality`, of `size` entries each."""

    def __init__(self, size: int):
        self.prepared = LruCache("prepared", size)
        self.typicality = LruCache("typicality", size)
