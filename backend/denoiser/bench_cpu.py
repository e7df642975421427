"""What a request costs the server in CPU time, whoever waits for it (Linux: read from /proc).

A sequential client's latency holds its own work, the loopback's and the server's. The gunicorn workers'
on-CPU time over the same requests is the server's share alone: the cost that sets throughput, since
N cores answer at most N / (CPU time per request) requests a second (`bench --load` measures what they
do answer, with the clients on the same cores). Where /proc has no schedstat, nothing is metered.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (gunicorn's workers, for its master's pid)."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it exited meanwhile
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pids: list[int]) -> float | None:
    """On-CPU seconds of every thread of `pids` so far (nanosecond counts); None where /proc lacks them."""
    total = 0
    for pid in pids:
        try:
            tasks = list((PROC / str(pid) / "task").iterdir())
        except OSError:
            return None
        for task in tasks:
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                if not (task / "stat").exists():  # the thread ended between the listing and the read
                    continue
                return None
    return total / 1e9


def supported() -> bool:
    """Whether this machine's /proc reports per-thread CPU time (schedstat)."""
    return cpu_seconds([os.getpid()]) is not None


class CpuMetered:
    """A bench call (a `Poster`) whose timed requests are also metered in the server processes' CPU time."""

    def __init__(self, call, pids: list[int]):
        self.call, self.pids = call, pids
        self.seconds, self.requests = 0.0, 0

    def __call__(self):
        return self.call()

    def close(self) -> None:
        """Close the wrapped call's connection."""
        self.call.close()

    def timed(self, repeats: int, warmup: int) -> list[float]:
        """Milliseconds per request, as `bench.timed`; the workers' CPU time over the timed requests is added up."""
        from denoiser.bench import timed

        timed(self.call, 0, warmup)
        before = cpu_seconds(self.pids)
        samples = timed(self.call, repeats, 0)
        after = cpu_seconds(self.pids)
        if before is not None and after is not None:
            self.seconds += after - before
            self.requests += repeats
        return samples

    def per_request_ms(self) -> float | None:
        """The server's CPU milliseconds per metered request; None when nothing could be metered."""
        return 1000 * self.seconds / self.requests if self.requests else None
