"""How the kernels are compiled: numba's nopython mode, cached on disk where it can be."""

from __future__ import annotations

import logging

import numba

log = logging.getLogger(__name__)


def compiled(function):
    """numba's nopython compilation of `function`, cached on disk where a cache directory is writable
    (beside the source, else `NUMBA_CACHE_DIR` or the user's cache directory); compiled at every start where
    none is (a read-only file system without NUMBA_CACHE_DIR), with a log line."""
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError as error:  # numba finds no writable cache directory
        log.warning("compiled kernels not cached", extra={"fields": {"kernel": function.__name__,
                                                                     "error": str(error)}})
        return numba.njit(nogil=True)(function)
