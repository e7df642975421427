"""Serve the built SPA (frontend/dist) at `/`, falling back to index.html for client-side routes.

The catch-all route never matches the API's own first path segments, so a wrong method on an API
path still answers 405 and `Allow` lists only the API's methods. Text assets are served compressed
without nginx: the Vite build writes `.br` and `.gz` beside them, and `send_static` picks the one the
client accepts.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, request, send_from_directory
from werkzeug.routing import PathConverter

# (encoding, suffix), best first
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def _converter(reserved: set[str]) -> type[PathConverter]:
    """A path converter that refuses paths whose first segment is one of `reserved`."""
    names = "|".join(re.escape(name) for name in sorted(reserved))

    class SpaPath(PathConverter):
        regex = rf"(?!(?:{names})(?:/|$))[^/].*?" if names else PathConverter.regex

    return SpaPath


def send_static(root: Path, path: str, max_age: int) -> Response:
    """Send `root/path`, or its precompressed `.br`/`.gz` twin when the client accepts that encoding."""
    accepted = request.accept_encodings
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if mimetype.startswith("text/"):
        mimetype += "; charset=utf-8"
    for encoding, suffix in ENCODINGS:
        if accepted[encoding] and (root / (path + suffix)).is_file():
            response = send_from_directory(root, path + suffix, max_age=max_age, mimetype=mimetype)
            response.headers["Content-Encoding"] = encoding
            response.vary.add("Accept-Encoding")
            return response
    response = send_from_directory(root, path, max_age=max_age)
    if any((root / (path + suffix)).is_file() for _, suffix in ENCODINGS):
        response.vary.add("Accept-Encoding")
    return response


def register(app: Flask, static_dir: Path) -> None:
    """Add the SPA routes to `app` (call after every API blueprint is registered)."""
    reserved = {rule.rule.strip("/").split("/")[0] for rule in app.url_map.iter_rules()} - {""}
    app.url_map.converters["spa"] = _converter(reserved)
    bp = Blueprint("spa", __name__)
    root = static_dir.resolve()

    @bp.get("/")
    def index():
        """The SPA's entry page."""
        return send_static(root, "index.html", max_age=0)

    @bp.get("/<spa:path>")
    def asset(path: str):
        """A built file, or index.html for an HTML navigation to a client-side route."""
        candidate = (root / path).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            max_age = 31536000 if path.startswith("assets/") else 0
            return send_static(root, path, max_age=max_age)
        if "text/html" in request.headers.get("Accept", ""):
            return send_static(root, "index.html", max_age=0)
        abort(404)

    app.register_blueprint(bp)
