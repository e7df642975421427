"""Fixtures for the API tests: image factories and a live gunicorn on a free loopback port."""

from __future__ import annotations

import base64
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from image_samples import data_url, decode_data_url, draw_digit, encode, png_header_only

from benchmarks.server import free_port, start_gunicorn

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


@contextmanager
def running_gunicorn(model_dir: Path, log_path: Path, env: dict[str, str]):
    """gunicorn with the real config and `env` on a free loopback port, stopped (SIGTERM, then kill) on
    leaving: yields the port."""
    port = free_port()
    process = start_gunicorn(model_dir, port, log_path, env)
    try:
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def gunicorn_runner():
    """`running_gunicorn`, for tests that start a gunicorn of their own."""
    return running_gunicorn


@pytest.fixture(scope="session")
def live_server(model_dir, tmp_path_factory):
    """gunicorn with 2 workers (the real config: gevent workers) on a free port: yields (base URL, log path)."""
    log_path = tmp_path_factory.mktemp("gunicorn") / "server.log"
    with running_gunicorn(model_dir, log_path, {
            "WEB_CONCURRENCY": "2", "DENOISER_TF_THREADS": "1",
            "DENOISER_STATIC_DIR": str(log_path.parent)}) as port:
        yield f"http://127.0.0.1:{port}", log_path
