"""Serve the built SPA (frontend/dist) at `/`, falling back to index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, request, send_from_directory


def make_blueprint(static_dir: Path) -> Blueprint:
    """A blueprint serving files from `static_dir` (which must hold index.html)."""
    bp = Blueprint("spa", __name__)
    root = static_dir.resolve()

    @bp.get("/")
    def index():
        """The SPA's entry page."""
        return send_from_directory(root, "index.html", max_age=0)

    @bp.get("/<path:path>")
    def asset(path: str):
        """A built file, or index.html for an HTML navigation to a client-side route."""
        candidate = (root / path).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            max_age = 31536000 if path.startswith("assets/") else 0
            return send_from_directory(root, path, max_age=max_age)
        if "text/html" in request.headers.get("Accept", ""):
            return send_from_directory(root, "index.html", max_age=0)
        abort(404)

    return bp
