"""Serve the built SPA (frontend/dist) at `/`, falling back to index.html for client-side routes.

The catch-all route never matches the API's own first path segments, so a wrong method on an API
path still answers 405 and `Allow` lists only the API's methods.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Flask, abort, request, send_from_directory
from werkzeug.routing import PathConverter


def _converter(reserved: set[str]) -> type[PathConverter]:
    """A path converter that refuses paths whose first segment is one of `reserved`."""
    names = "|".join(re.escape(name) for name in sorted(reserved))

    class SpaPath(PathConverter):
        regex = rf"(?!(?:{names})(?:/|$))[^/].*?" if names else PathConverter.regex

    return SpaPath


def register(app: Flask, static_dir: Path) -> None:
    """Add the SPA routes to `app` (call after every API blueprint is registered)."""
    reserved = {rule.rule.strip("/").split("/")[0] for rule in app.url_map.iter_rules()} - {""}
    app.url_map.converters["spa"] = _converter(reserved)
    bp = Blueprint("spa", __name__)
    root = static_dir.resolve()

    @bp.get("/")
    def index():
        """The SPA's entry page."""
        return send_from_directory(root, "index.html", max_age=0)

    @bp.get("/<spa:path>")
    def asset(path: str):
        """A built file, or index.html for an HTML navigation to a client-side route."""
        candidate = (root / path).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            max_age = 31536000 if path.startswith("assets/") else 0
            return send_from_directory(root, path, max_age=max_age)
        if "text/html" in request.headers.get("Accept", ""):
            return send_from_directory(root, "index.html", max_age=0)
        abort(404)

    app.register_blueprint(bp)
