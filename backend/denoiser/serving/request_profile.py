"""cProfile of the requests a gunicorn worker serves, for `denoiser bench --profile`.

Off unless DENOISER_PROFILE_DIR is set: gunicorn.conf.py's `pre_request` / `post_request` hooks then
profile each request that carries the header `X-Denoiser-Profile: 1` (so warm-up requests are left out),
on the thread that serves it (from the moment gunicorn has parsed the request
until the answer is written), and `worker_exit` writes the worker's merged statistics to
`<DENOISER_PROFILE_DIR>/worker-<pid>.pstats`.
"""

from __future__ import annotations

import cProfile
import os
import threading
from pathlib import Path

PROFILE_DIR_ENV = "DENOISER_PROFILE_DIR"
PROFILE_HEADER = "X-Denoiser-Profile"
_local = threading.local()
_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()


def enabled() -> bool:
    """Whether this process profiles its requests."""
    return bool(os.environ.get(PROFILE_DIR_ENV))


def wanted(headers: list[tuple[str, str]]) -> bool:
    """Whether gunicorn's request headers (upper-cased names) ask for this request to be profiled."""
    return any(name == PROFILE_HEADER.upper() and value == "1" for name, value in headers)


def start() -> None:
    """Start profiling the current thread's request (one Profile per thread, kept across requests)."""
    profile = getattr(_local, "profile", None)
    if profile is None:
        profile = _local.profile = cProfile.Profile()
        with _lock:
            _profiles.append(profile)
    profile.enable()


def stop() -> None:
    """Stop profiling the current thread's request."""
    profile = getattr(_local, "profile", None)
    if profile is not None:
        profile.disable()


def dump() -> Path | None:
    """Write every thread's statistics, merged, to the profile directory; returns the file."""
    import pstats

    with _lock:
        profiles = [profile for profile in _profiles if profile.getstats()]
    if not profiles:
        return None
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        stats.add(profile)
    path = Path(os.environ[PROFILE_DIR_ENV]) / f"worker-{os.getpid()}.pstats"
    stats.dump_stats(path)
    return path
