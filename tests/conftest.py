"""Shared fixtures (Flask tutorial style): the API `app` over the committed models, and a `client`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The committed models/ (or $DENOISER_TEST_MODEL_DIR); API tests skip when it holds no model."""
    from denoiser.serving.registry import discover

    directory = Path(os.environ.get("DENOISER_TEST_MODEL_DIR") or ROOT / "models")
    if not discover(directory):
        pytest.skip(f"no exported model under {directory} (run `make train` first)")
    return directory


@pytest.fixture(scope="session")
def app(model_dir):
    """The API with every model under `model_dir` loaded once for the whole session."""
    from denoiser.serving import create_app

    return create_app({"TESTING": True, "MODEL_DIR": model_dir, "STATIC_DIR": ROOT / "no-such-dist",
                       "CORS_ORIGINS": ("http://allowed.example",), "LOG_LEVEL": "WARNING"})


@pytest.fixture()
def client(app):
    """A Flask test client of `app`."""
    return app.test_client()
