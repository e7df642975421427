"""What a request costs the server in CPU time, whoever waits for it (Linux: read from /proc).

A sequential client's latency holds its own work, the loopback's and the server's. The gunicorn workers'
on-CPU time over the same requests is the server's share alone: the cost that sets throughput, since
N cores answer at most N / (CPU time per request) requests a second (`bench --load` measures what they
do answer, with the clients on the same cores). Where /proc has no schedstat, nothing is metered.
"""

from __future__ import annotations

import os
import threading
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
    """On-CPU seconds of the threads `pids` run now (nanosecond counts; a thread that ends takes its time with
    it); None when a process cannot be read."""
    total = 0
    for pid in pids:
        try:
            tasks = list((PROC / str(pid) / "task").iterdir())
        except OSError:
            return None
        for task in tasks:
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):  # the thread ended between the listing and the read
                continue
    return total / 1e9


def cpu_metered(pids: list[int], work):
    """(what `work()` returns, the seconds of CPU `pids` spent meanwhile, or None when they could not be read)."""
    before = cpu_seconds(pids)
    result = work()
    after = cpu_seconds(pids)
    return result, (after - before if before is not None and after is not None else None)


def supported() -> bool:
    """Whether this machine's /proc reports per-thread CPU time (schedstat)."""
    return (PROC / str(os.getpid()) / "task" / str(threading.get_native_id()) / "schedstat").exists()


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
        from benchmarks.latency import timed

        timed(self.call, 0, warmup)
        samples, seconds = cpu_metered(self.pids, lambda: timed(self.call, repeats, 0))
        if seconds is not None:
            self.seconds += seconds
            self.requests += repeats
        return samples

    def per_request_ms(self) -> float | None:
        """The server's CPU milliseconds per metered request; None when nothing could be metered."""
        return 1000 * self.seconds / self.requests if self.requests else None


def metered(results: dict) -> dict[str, float]:
    """`make bench`'s server CPU ms per request, by row, for the rows that could be metered."""
    return {key: value for key, value in results.get("server_cpu_ms", {}).items() if value}


def model_call_ms(results: dict) -> float:
    """`make bench`'s model call alone, as the API serves it: row (e), TFLite, or row (d) without it."""
    return results.get("bare_tflite", results["bare_tf"])["median"]


def report_lines(results: dict) -> list[str]:
    """`make bench`'s last line: the workers' CPU time per request, what of it is not the model, the rate it allows."""
    cpu = metered(results)
    if "gunicorn_png" not in cpu:
        return ["server CPU per request: not metered (this machine's /proc has no schedstat)"]
    png, cpus = cpu["gunicorn_png"], results["setup"]["cpus"]
    model = model_call_ms(results)
    others = ", ".join(f"{label} {cpu[key]:.2f} ms" for key, label in
                       (("gunicorn_json", "JSON"), ("gunicorn_png_repeat", "PNG, the same bytes again")) if key in cpu)
    return [f"server CPU per request (the workers' on-CPU time over the same requests): PNG {png:.2f} ms, of which "
            f"not the model (minus row {'(e)' if 'bare_tflite' in results else '(d)'}) {png - model:.2f} ms; "
            f"{others}; {cpus} CPUs / {png:.2f} ms = at most {1000 * cpus / png:.0f} PNG requests/s"]
