"""create_app: settings from the environment and test_config, readiness, CORS, the SPA blueprint."""

from __future__ import annotations

from pathlib import Path

import pytest

from denoiser.serving import create_app
from denoiser.serving.settings import Settings


def test_config_overrides_settings(app):
    settings = app.extensions["denoiser.settings"]
    assert app.testing
    assert settings.cors_origins == ("http://allowed.example",)
    assert app.config["MAX_CONTENT_LENGTH"] == settings.max_upload_bytes


def test_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DENOISER_MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("DENOISER_CORS_ORIGINS", "http://a.example, http://b.example")
    monkeypatch.setenv("DENOISER_MAX_BATCH", "3")
    monkeypatch.setenv("DENOISER_MAX_PIXELS", "1000")
    monkeypatch.setenv("DENOISER_MODEL_VERSION", "mnist=2,fashion-mnist=1")
    monkeypatch.setenv("DENOISER_LOG_LEVEL", "debug")
    settings = Settings.from_env()
    assert settings.model_dir == tmp_path
    assert settings.cors_origins == ("http://a.example", "http://b.example")
    assert (settings.max_batch, settings.max_pixels, settings.log_level) == (3, 1000, "DEBUG")
    assert settings.pinned_versions() == {"mnist": 2, "fashion-mnist": 1}
    assert Settings(model_version="3").pinned_versions() == {"mnist": 3}


def test_defaults_point_at_the_repository():
    settings = Settings()
    assert settings.model_dir == Path(__file__).resolve().parents[2] / "models"
    assert settings.default_model == "mnist"


def test_not_ready_without_models(tmp_path):
    app = create_app({"TESTING": True, "MODEL_DIR": tmp_path})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "not_ready"
    answer = client.post("/denoise", json={"instances": [[[0.0] * 28] * 28]})
    assert (answer.status_code, answer.get_json()["error"]["code"]) == (503, "not_ready")
    assert client.get("/models").get_json() == {"default": "mnist", "models": []}


def test_models_loaded_once_and_kept_on_the_app(app, model_dir):
    registry = app.extensions["denoiser.registry"]
    assert registry.ready
    on_disk = sorted(p.name for p in model_dir.iterdir() if any(p.glob("*/saved_model.pb")))
    classifiers = [name for name in on_disk if name.endswith("-classifier")]
    assert sorted(registry.models) == [name for name in on_disk if name not in classifiers]
    # the classifiers are loaded beside the denoisers, one per dataset, never as one
    assert sorted(f"{r.dataset}-classifier" for r in registry.readers.values()) == classifiers
    model = registry.get(None)
    assert model.name == "mnist"
    assert model.version == max(model.versions)
    assert callable(model.denoise_fn) and model.denoise_fn is model.loaded.signatures["denoise"]


def test_pinned_version_is_served(model_dir):
    from denoiser.serving.registry import Registry, discover

    versions = discover(model_dir)["mnist"]
    registry = Registry.load(model_dir, "mnist", {"mnist": versions[0]})
    assert registry.get("mnist").version == versions[0]
    with pytest.raises(ValueError):
        Registry.load(model_dir, "mnist", {"mnist": 999})


def test_cors_allow_list(client):
    allowed = client.get("/healthz", headers={"Origin": "http://allowed.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://allowed.example"
    assert "X-Request-ID" in allowed.headers["Access-Control-Expose-Headers"]
    other = client.get("/healthz", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options("/denoise", headers={"Origin": "http://allowed.example",
                                                    "Access-Control-Request-Method": "POST"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://allowed.example"


def test_spa_served_with_index_fallback(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    client = create_app({"TESTING": True, "MODEL_DIR": tmp_path / "none", "STATIC_DIR": tmp_path}).test_client()
    assert b"id=root" in client.get("/").data
    assert client.get("/assets/app.js").data == b"console.log(1)"
    assert b"id=root" in client.get("/some/client/route", headers={"Accept": "text/html"}).data
    missing = client.get("/assets/missing.js")
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "not_found")
    assert client.get("/../settings.py").status_code == 404
    assert client.get("/healthz").get_json() == {"status": "ok"}
    wrong = client.get("/denoise", headers={"Accept": "text/html"})
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (405, "method_not_allowed")
    assert set(client.options("/encode").headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert client.get("/models/nope/examples").status_code in (404, 503)
    assert b"id=root" in client.get("/modelsfoo", headers={"Accept": "text/html"}).data


def test_no_spa_without_dist(client):
    response = client.get("/")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_api_does_not_import_training_code():
    import subprocess
    import sys

    code = ("import sys, denoiser.serving.wsgi as w; "
            "bad = [m for m in sys.modules if m.split('.')[-1] in ('train', 'export', 'evaluate', 'pipeline')"
            " and m.startswith('denoiser')]; print(bad)")
    env_dir = str(Path(__file__).resolve().parents[2] / "no-models")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={"DENOISER_MODEL_DIR": env_dir, "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
