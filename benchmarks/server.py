"""The server under test and how the benches talk to it and meter it: the production gunicorn on a loopback
port, a client that posts one multipart form at a time over a keep-alive connection, and the CPU time and
peak memory of gunicorn's workers (psutil).

The client is the standard library's http.client (urllib3 builds its form; Locust drives `bench --load`).
A client's own work is part of every latency `make bench` prints, so the leanest maintained one was taken:
against one gunicorn, interleaved, median PNG request 2.40 ms with http.client or geventhttpclient and
2.52 ms with urllib3 (which sends the headers and the body in two writes and wraps http.client's answer),
where the benches' former hand-written client took 2.21 ms.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
from urllib3 import encode_multipart_formdata

from denoiser.serving.settings import REPO_ROOT


def free_port() -> int:
    """An unused loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(model_dir: Path, port: int, log_path: Path, extra_env: dict[str, str] | None = None
                   ) -> subprocess.Popen:
    """The production server, as `make serve` runs it, on a loopback port; returns once every worker is ready.

    `extra_env` overrides the environment, e.g. DENOISER_MODEL_VERSION="mnist=2" to serve a chosen version.
    """
    inherited = {k: v for k, v in os.environ.items()  # the config makes its own directory
                 if k not in ("PROMETHEUS_MULTIPROC_DIR", "DENOISER_OWNS_PROMETHEUS_DIR")}
    env = {**inherited, "PORT": str(port), "DENOISER_MODEL_DIR": str(model_dir), **(extra_env or {})}
    workers = int(env.get("WEB_CONCURRENCY", "2"))
    command = [sys.executable, "-m", "gunicorn", "-c", str(REPO_ROOT / "backend" / "gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", "denoiser.serving.wsgi:app"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        if log_path.read_text().count('"message": "api ready"') >= workers:
            return process
        time.sleep(0.5)
    process.kill()
    raise RuntimeError("gunicorn did not become ready within 180 s")


class Poster:
    """POSTs one multipart form over a keep-alive connection (http.client), a fresh boundary each time.

    The fresh boundary makes the server pay what it pays for a browser's or curl's request. With `unique`
    (the default) each request's image ends in 16 fresh random bytes after the format's end marker, which
    decoders ignore: the same pixels, but bytes the API's preprocessing cache has not seen. Calling it sends
    one request and returns the answer's body; any status but 200 raises RuntimeError. The connection is
    opened again after the server closes it or a request fails.
    """

    def __init__(self, port: int, path: str, fields: dict[str, str], image: bytes, accept: str = "*/*",
                 headers: dict[str, str] | None = None, unique: bool = True, timeout: float = 60.0):
        self.path, self.fields, self.image, self.unique = path, fields, image, unique
        self.headers = {"Accept": accept, **(headers or {})}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def __call__(self) -> bytes:
        """Send the request; the answer's body, or RuntimeError on a non-200 status."""
        image = self.image + uuid.uuid4().bytes if self.unique else self.image
        body, content_type = encode_multipart_formdata(
            {**self.fields, "image": ("digit.png", image, "image/png")}, boundary=uuid.uuid4().hex)
        try:  # http.client sends headers and body in one write
            self.connection.request("POST", self.path, body, {**self.headers, "Content-Type": content_type})
            answer = self.connection.getresponse()
            data = answer.read()
        except Exception:
            self.close()  # the next request opens a new connection
            raise
        if answer.status != 200:
            raise RuntimeError(f"POST {self.path}: HTTP {answer.status}: {data[:300]!r}")
        return data

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def worker_processes(master_pid: int) -> list[psutil.Process]:
    """gunicorn's worker processes, for its master's pid."""
    return psutil.Process(master_pid).children()


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU seconds the processes have run (psutil; Linux counts them in 10 ms ticks)."""
    return sum(times.user + times.system for times in (process.cpu_times() for process in processes))


def cpu_metered(processes: list[psutil.Process], work):
    """(what `work()` returns, the CPU seconds `processes` spent meanwhile)."""
    before = cpu_seconds(processes)
    result = work()
    return result, cpu_seconds(processes) - before


def peak_rss_mb(process: psutil.Process) -> float:
    """A process's peak resident memory in MB: Linux's VmHWM, which psutil does not report (psutil#383)."""
    status = Path(f"/proc/{process.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024
