"""Health and model metadata: /healthz, /readyz, /model, /models, /models/<name>/examples|latent-map."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from denoiser.serving.errors import ApiError

bp = Blueprint("health", __name__)


def _registry():
    return current_app.extensions["denoiser.registry"]


@bp.get("/healthz")
def healthz():
    """The process is alive."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """200 once models are loaded and warmed, 503 before."""
    registry = _registry()
    if not registry.ready:
        raise ApiError(503, "not_ready", "models are not loaded yet")
    return jsonify({"status": "ready", "models": sorted(registry.models)})


@bp.get("/model")
def model():
    """The metadata (model card) of `?model=<name>` or of the default model."""
    return jsonify(_registry().get(request.args.get("model") or None).card())


@bp.get("/models")
def models():
    """Every served model with its versions on disk and its metadata."""
    registry = _registry()
    listed = [{"name": m.name, "version": m.version, "versions": m.versions, "metadata": m.card()}
              for m in (registry.models[name] for name in sorted(registry.models))]
    return jsonify({"default": registry.default, "models": listed})


def _known(name: str):
    """The served model `name`; 404 model_not_found otherwise (503 before any model is loaded)."""
    return _registry().get(name)


def _companion(name: str, attribute: str, filename: str):
    """A served model's companion JSON file, or 404 not_found when the model has none."""
    payload = getattr(_known(name), attribute)
    if payload is None:
        raise ApiError(404, "not_found", f"model {name} has no {filename}")
    return jsonify(payload)


@bp.get("/models/<name>/examples")
def examples(name: str):
    """The model's examples.json (test images, two per class)."""
    return _companion(name, "examples", "examples.json")
