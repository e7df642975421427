"""Serving: the Flask API. `create_app(config)` builds it; a blueprint per surface (`inference` for
/denoise and /encode, `compare`, `latent`, `health`, `docs`, `tfserving`, `v2`, `admin`), models loaded once per
worker after fork (`registry`), JSON errors from one handler (`errors`), settings from the environment
(`settings`).

May import imaging, models and latent; never training or evaluation.
"""

from __future__ import annotations

import logging

from flask import Flask
from flask_cors import CORS

from denoiser.serving import (
    admin,
    compare,
    docs,
    errors,
    health,
    inference,
    latent,
    observability,
    security,
    spa,
    tensors,
    tfserving,
    v2,
)
from denoiser.serving.formdata import ApiRequest
from denoiser.serving.registry import Registry
from denoiser.serving.request_cache import RequestCaches
from denoiser.serving.settings import Settings

log = logging.getLogger("denoiser.serving")


def _configure_tensorflow(threads: int) -> None:
    """Limit TensorFlow's thread pools before the first op runs (0 keeps TensorFlow's choice)."""
    if threads <= 0:
        return
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # already initialised in this process
        log.warning("TensorFlow threads already configured; DENOISER_TF_THREADS ignored")


def create_app(test_config: dict | Settings | None = None) -> Flask:
    """Build the app: settings from the environment (overridden by `test_config`), models, blueprints.

    Models are loaded here, so under gunicorn (without --preload) each worker loads its own after fork.
    """
    settings = Settings.from_env()
    if isinstance(test_config, Settings):
        settings = test_config
    elif test_config:
        settings = settings.with_overrides(test_config)
    app = Flask(__name__, static_folder=None)  # the SPA blueprint serves files
    app.request_class = ApiRequest
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes
    app.json.sort_keys = False  # keep the documented key order
    if isinstance(test_config, dict):
        app.config.update({k: v for k, v in test_config.items() if k.isupper()})
    observability.setup_logging(settings.log_level)

    if settings.load_models:
        _configure_tensorflow(settings.tf_threads)
        registry = Registry.load(settings.model_dir, settings.default_model, settings.pinned_versions())
    else:
        registry = Registry({}, settings.default_model)
    app.extensions["denoiser.settings"] = settings
    app.extensions["denoiser.registry"] = registry
    app.extensions["denoiser.caches"] = RequestCaches(settings.preprocess_cache)

    CORS(app, origins=list(settings.cors_origins), expose_headers=["X-Request-ID", "X-Model", "X-Noise-Seed"])
    errors.register(app)
    observability.register(app)
    security.register(app)
    app.url_map.converters["model"] = tensors.ModelNameConverter  # `<model:name>:predict` (tensors.py)
    for blueprint in (inference.bp, compare.bp, latent.bp, health.bp, docs.bp, tfserving.bp, v2.bp, admin.bp):
        app.register_blueprint(blueprint)
    if (settings.static_dir / "index.html").is_file():
        spa.register(app, settings.static_dir)
    log.info("api ready", extra={"fields": {"models": sorted(registry.models), "default": registry.default}})
    return app
