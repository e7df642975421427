"""Operations: `POST /admin/reload` serves the models now on disk (a model you just trained) without a restart.

Under gunicorn it asks the master to reload (SIGHUP): gunicorn starts new workers, which load every model as
at start, and stops the old ones once they have answered, so no request is dropped. Anywhere else (the
Flask dev server, tests) the registry is reloaded in this process. `kill -HUP <gunicorn master pid>` does the
same from a shell.

Off unless DENOISER_ADMIN_TOKEN is set; a request must then carry `Authorization: Bearer <token>`. The
compose and Kubernetes deployments do not route /admin through nginx: call it on the api container.
"""

from __future__ import annotations

import hmac
import logging
import os
import signal

from flask import Blueprint, current_app, jsonify, request

from denoiser.models.store import discover
from denoiser.serving.errors import ApiError
from denoiser.serving.registry import Registry
from denoiser.serving.request_cache import RequestCaches

bp = Blueprint("admin", __name__)
log = logging.getLogger("denoiser.serving")


def _authorise() -> None:
    token = current_app.extensions["denoiser.settings"].admin_token
    if not token:
        raise ApiError(403, "forbidden", "reloading over HTTP is off: set DENOISER_ADMIN_TOKEN on the server "
                                         "(or send SIGHUP to gunicorn's master)")
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        raise ApiError(401, "unauthorized", "send the server's DENOISER_ADMIN_TOKEN as 'Authorization: Bearer "
                                            "<token>'")


@bp.post("/admin/reload")
def reload():
    """Serve the models on disk now: 202 while gunicorn replaces its workers, 200 once reloaded in-process."""
    _authorise()
    settings = current_app.extensions["denoiser.settings"]
    on_disk = {name: versions[-1] for name, versions in discover(settings.model_dir).items()}
    if request.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
        log.info("reload asked: SIGHUP to gunicorn's master %d", os.getppid())
        os.kill(os.getppid(), signal.SIGHUP)
        return jsonify({"status": "reloading", "models": on_disk,
                        "message": "new workers load the models; /readyz lists them once they serve"}), 202
    registry = Registry.load(settings.model_dir, settings.default_model, settings.pinned_versions())
    current_app.extensions["denoiser.registry"] = registry
    current_app.extensions["denoiser.caches"] = RequestCaches(settings.preprocess_cache)
    return jsonify({"status": "reloaded", "models": {n: m.version for n, m in sorted(registry.models.items())}})
