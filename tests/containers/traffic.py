"""Traffic for the deployment tests: slow clients that trickle their requests, a client timing its own
requests, and a steady load from several threads. Used by tests/containers/test_stack.py (through the
compose stack's nginx) and tests/deploy/test_nginx_limits.py (Debian's nginx and gunicorn on loopback);
imported by path (pytest's importlib mode has no package here).

Standard library only."""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import Counter


class SlowClients:
    """`n` clients, each sending one valid POST request to host:port as slowly as a bad network or an
    attacker would: the even ones send their headers and then trickle the body (`chunk` bytes every
    `interval` seconds), the odd ones trickle the header itself (one short header line every interval).
    `finish()` sends what is left and returns the status line each one got (None: no answer)."""

    def __init__(self, host: str, port: int, n: int, path: str, body: bytes, content_type: str,
                 interval: float = 0.5, chunk: int = 4):
        self.host, self.port, self.n, self.interval, self.chunk = host, port, n, interval, chunk
        self.head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {content_type}\r\n"
                     f"Content-Length: {len(body)}\r\nConnection: close\r\n").encode()
        self.body = body
        self.sockets: list[socket.socket] = []
        self.sent = [0] * n  # body bytes sent (body tricklers) or header lines sent (header tricklers)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> SlowClients:
        for i in range(self.n):
            sock = socket.create_connection((self.host, self.port), timeout=10)
            sock.sendall(self.head + b"\r\n" if i % 2 == 0 else self.head.split(b"\r\n", 1)[0] + b"\r\n")
            self.sockets.append(sock)
        self._thread.start()
        return self

    def _trickle(self) -> None:
        while not self._stop.wait(self.interval):
            for i, sock in enumerate(self.sockets):
                try:
                    if i % 2 == 0:
                        piece = self.body[self.sent[i]:self.sent[i] + self.chunk]
                        if len(self.body) - self.sent[i] > self.chunk:  # keep the last bytes for finish()
                            sock.sendall(piece)
                            self.sent[i] += len(piece)
                    else:
                        sock.sendall(f"X-Slow-{self.sent[i]}: {'x' * self.chunk}\r\n".encode())
                        self.sent[i] += 1
                except OSError:
                    pass

    def finish(self, timeout: float = 60) -> list[str | None]:
        """Send the rest of every request and read each answer's status line."""
        self._stop.set()
        self._thread.join()
        for i, sock in enumerate(self.sockets):
            try:
                rest = self.body[self.sent[i]:] if i % 2 == 0 else (
                    b"\r\n".join(self.head.split(b"\r\n")[1:]) + b"\r\n" + self.body)
                sock.sendall(rest)
            except OSError:
                pass
        statuses = []
        for sock in self.sockets:
            sock.settimeout(timeout)
            try:
                statuses.append(sock.recv(64).split(b"\r\n", 1)[0].decode() or None)
            except OSError:
                statuses.append(None)
        return statuses

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for sock in self.sockets:
            sock.close()


def post(url: str, body: bytes, headers: dict, timeout: float = 30) -> tuple[int, dict, bytes]:
    """POST -> (status, headers with lower-case names, body); 4xx/5xx do not raise, network errors do."""
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def json_request(image_data_url: str, **options) -> tuple[bytes, dict]:
    """A /denoise (or /encode, /compare) JSON body with one image, and its headers."""
    return json.dumps({"image": image_data_url, **options}).encode(), {"Content-Type": "application/json"}


class Tally:
    """What a client saw: statuses (or exception names) and latencies in seconds."""

    def __init__(self) -> None:
        self.outcomes: Counter = Counter()
        self.latencies: list[float] = []
        self.lock = threading.Lock()

    def add(self, outcome: int | str, seconds: float) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            self.latencies.append(seconds)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def failed(self, ok: int = 200) -> int:
        return self.total - self.outcomes[ok]

    def summary(self) -> dict:
        lat = sorted(self.latencies) or [0.0]
        return {"requests": self.total, "outcomes": {str(k): v for k, v in self.outcomes.items()},
                "median_ms": round(statistics.median(lat) * 1000, 1),
                "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1),
                "max_ms": round(lat[-1] * 1000, 1)}


def timed(tally: Tally, url: str, body: bytes, headers: dict, timeout: float = 30) -> None:
    """One request, its outcome and latency added to `tally`."""
    started = time.perf_counter()
    try:
        status, _, _ = post(url, body, headers, timeout=timeout)
        tally.add(status, time.perf_counter() - started)
    except Exception as error:  # noqa: BLE001 - every failure counts, whatever its kind
        tally.add(type(error).__name__, time.perf_counter() - started)


def paced(url: str, body: bytes, headers: dict, seconds: float, every: float) -> Tally:
    """One client, one request every `every` seconds for `seconds` (a person at the UI)."""
    tally, deadline = Tally(), time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        timed(tally, url, body, headers)
        time.sleep(max(0.0, every - (time.monotonic() - started)))
    return tally


def load(url: str, body: bytes, headers: dict, threads: int, seconds: float, during=None,
         at: float = 0.0) -> tuple[Tally, object]:
    """`threads` clients posting back to back for `seconds`; `during()` is called `at` seconds in, while
    they run (e.g. to kill a replica). Returns the tally and what `during` returned."""
    tally, stop = Tally(), threading.Event()

    def client() -> None:
        while not stop.is_set():
            timed(tally, url, body, headers)

    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    result = None
    if during is not None:
        time.sleep(at)
        result = during()
        time.sleep(max(0.0, seconds - at))
    else:
        time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join(timeout=60)
    return tally, result
