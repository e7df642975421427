"""Fixtures for the API tests: image factories and a live gunicorn on a free loopback port."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from image_samples import data_url, decode_data_url, draw_digit, encode, png_header_only

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def images():
    """The image helpers, as a namespace for the tests."""
    from types import SimpleNamespace

    return SimpleNamespace(encode=encode, draw_digit=draw_digit, png_header_only=png_header_only,
                           data_url=data_url, decode_data_url=decode_data_url)


@pytest.fixture(scope="session")
def example(app) -> tuple[bytes, int]:
    """A real test digit of the default model's examples.json: (PNG bytes, label)."""
    registry = app.extensions["denoiser.registry"]
    examples = registry.get(None).examples
    if not examples:
        return encode(draw_digit(size=(28, 28), centre=(13, 10), scale=6, width=3, ink=255, paper=0)), 7
    first = examples["examples"][0]
    return base64.b64decode(first["image"].split(",", 1)[1]), first["label"]


def free_port() -> int:
    """An unused loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(model_dir, tmp_path_factory):
    """gunicorn with 2 workers (the real config) on a free port: yields (base URL, log path)."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "server.log"
    env = {**os.environ, "PORT": str(port), "DENOISER_MODEL_DIR": str(model_dir), "WEB_CONCURRENCY": "2",
           "GUNICORN_THREADS": "2", "DENOISER_TF_THREADS": "1", "DENOISER_STATIC_DIR": str(log_path.parent)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "backend" / "gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", "denoiser.api.wsgi:app"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {log_path.read_text()[-2000:]}")
            workers_ready = {line.split('"pid": ')[1].split(",")[0]
                             for line in log_path.read_text().splitlines() if '"api ready"' in line}
            if len(workers_ready) == 2 and requests.get(base + "/readyz", timeout=5).ok:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn not ready in time: {log_path.read_text()[-2000:]}")
            time.sleep(0.5)
        yield base, log_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
