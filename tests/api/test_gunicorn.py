"""The API under the real gunicorn config: two workers, one /metrics, the PNG answer over HTTP."""

from __future__ import annotations

import io
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from PIL import Image, ImageDraw

pytestmark = pytest.mark.e2e  # starts a real gunicorn


def healthz_count(base: str) -> float:
    text = requests.get(f"{base}/metrics", timeout=10).text
    match = re.search(r'^denoiser_http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)$',
                      text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def served_by(log_path, route: str) -> set[int]:
    pids = set()
    for line in log_path.read_text().splitlines():
        if line.startswith("{") and '"message": "request"' in line:
            entry = json.loads(line)
            if entry["route"] == route:
                pids.add(entry["pid"])
    return pids


def test_metrics_count_requests_across_two_workers(live_server):
    base, log_path = live_server
    before, sent = healthz_count(base), 0

    def get(_):
        return requests.get(f"{base}/healthz", headers={"Connection": "close"}, timeout=10).ok

    # Concurrent requests on new connections, so that both workers accept some; on a busy machine one
    # worker can win every accept of a short round, hence up to three rounds.
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert all(pool.map(get, range(40)))
            sent += 40
            if len(served_by(log_path, "/healthz")) == 2:
                break
    assert len(served_by(log_path, "/healthz")) == 2
    assert healthz_count(base) == before + sent


def test_clients_on_new_connections_are_served_fairly_by_both_workers(live_server, example):
    """Eight clients posting /denoise back to back, each request on a new connection as nginx opens them
    (deploy/nginx: no keep-alive pool towards gunicorn): every client gets its share, and both workers serve."""
    import threading
    import time

    base, log_path = live_server
    image, _ = example
    clients, seconds = 8, 3.0
    start = threading.Barrier(clients)
    answered = [0] * clients

    def client(index: int) -> None:
        start.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            response = requests.post(f"{base}/denoise", files={"image": ("digit.png", image, "image/png")},
                                     headers={"Accept": "image/png", "Connection": "close",
                                              "X-Request-ID": f"fair-{index}"}, timeout=30)
            assert response.status_code == 200
            answered[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert min(answered) >= max(answered) / 2 > 0, f"requests per client: {answered}"
    workers = {json.loads(line)["pid"] for line in log_path.read_text().splitlines()
               if line.startswith("{") and '"fair-' in line}
    assert len(workers) == 2


def test_png_answer_over_http(live_server):
    base, _ = live_server
    canvas = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(canvas).line([(70, 60), (200, 60), (110, 230)], fill=0, width=18)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    response = requests.post(f"{base}/denoise", files={"image": ("digit.png", buffer.getvalue(), "image/png")},
                             headers={"Accept": "image/png", "X-Request-ID": "live-1"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Request-ID"] == "live-1"
    assert Image.open(io.BytesIO(response.content)).size == (28, 28)


def ready_workers(log_path) -> list[int]:
    return [json.loads(line)["pid"] for line in log_path.read_text().splitlines()
            if line.startswith("{") and '"message": "api ready"' in line]


def test_counts_survive_a_worker_restart(live_server):
    """A worker that exits is replaced (child_exit runs); its requests stay counted in /metrics."""
    import os
    import signal
    import time

    base, log_path = live_server
    for _ in range(10):
        requests.get(f"{base}/healthz", headers={"Connection": "close"}, timeout=10)
    before = healthz_count(base)
    workers = ready_workers(log_path)
    os.kill(workers[-1], signal.SIGTERM)
    deadline = time.monotonic() + 120
    while len(ready_workers(log_path)) == len(workers):
        assert time.monotonic() < deadline, "no replacement worker"
        time.sleep(0.5)
    assert healthz_count(base) == before
