"""`python -m denoiser.kernels`: compile preprocessing's kernels into numba's cache now, and say how long it took.

The Docker image runs it at build time; on a fresh installation the API's first start would otherwise do it.
A second run loads the kernels from the cache and reports that time instead.
"""

from __future__ import annotations

import time

from numba.core.config import CACHE_DIR

from denoiser import kernels


def main() -> None:
    """Warm every kernel up and print the seconds it took and where numba keeps its cache."""
    started = time.perf_counter()
    kernels.warm_up()
    where = CACHE_DIR or "beside the package (else the user's cache directory)"
    print(f"preprocessing's kernels ready in {time.perf_counter() - started:.1f} s; numba's cache: {where}")


if __name__ == "__main__":
    main()
