"""GET /openapi.json and GET /docs: the API reference page.

With the built frontend (frontend/dist/docs/, a second Vite entry) /docs is Swagger UI from the
swagger-ui-dist package, served from local files (no CDN) with the curl examples of docs/api.md and a
link back to the app; the plain HTML rendering below is inlined into it for readers without JavaScript,
and is the whole page when the frontend has not been built.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify

from denoiser.serving.openapi import build_spec
from denoiser.serving.schemas import ERROR_CODES
from denoiser.serving.security import policy_allowing_style
from denoiser.serving.spa import send_static

bp = Blueprint("docs", __name__)
STYLE = ("body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}"
         "code,pre{background:#f4f4f4;border-radius:4px;padding:.1rem .3rem}pre{padding:.6rem;overflow:auto}"
         "h2{border-top:1px solid #ddd;padding-top:1rem}.m{font-weight:700;color:#fff;border-radius:4px;"
         "padding:.1rem .4rem;margin-right:.4rem}.get{background:#2b7a0b}.post{background:#0b5cad}"
         "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}")


def _schema_text(spec: dict, schema: dict) -> str:
    """A schema, with one level of $ref resolved, as pretty JSON."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return json.dumps(schema, indent=1)


def render_body(spec: dict) -> str:
    """The OpenAPI document as HTML (the inside of <body>)."""
    parts = [f"<h1>{escape(spec['info']['title'])} "
             f"<small>{escape(spec['info']['version'])}</small></h1><p>{escape(spec['info']['description'])}</p>"
             "<p><a href='/'>Back to the app</a> · Machine-readable: <a href='/openapi.json'>/openapi.json</a></p>"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            badge = f"<span class='m {method}'>{method.upper()}</span>"
            parts.append(f"<h2>{badge}<code>{escape(path)}</code></h2><p>{escape(operation['summary'])}</p>")
            parameters = [p for p in operation.get("parameters", []) if "$ref" not in p]
            if parameters:
                rows = "".join(f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
                               f"<td>{escape(json.dumps(p['schema']))}</td></tr>" for p in parameters)
                parts.append(f"<table><tr><th>parameter</th><th>in</th><th>schema</th></tr>{rows}</table>")
            for media, body in operation.get("requestBody", {}).get("content", {}).items():
                parts.append(f"<p>Request body <code>{escape(media)}</code>:</p>"
                             f"<pre>{escape(_schema_text(spec, body['schema']))}</pre>")
            rows = "".join(f"<tr><td>{escape(status)}</td><td>{escape(answer['description'])}</td>"
                           f"<td>{escape(', '.join(answer.get('content', {})))}</td></tr>"
                           for status, answer in operation["responses"].items())
            parts.append(f"<table><tr><th>status</th><th>meaning</th><th>media</th></tr>{rows}</table>")
    parts.append("<h2>Error codes</h2><p>" + ", ".join(f"<code>{escape(code)}</code>" for code in ERROR_CODES) + "</p>")
    return "".join(parts)


def render(spec: dict) -> str:
    """The OpenAPI document as a self-contained HTML page."""
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(spec['info']['title'])}"
            f"</title><style>{STYLE}</style></head><body>{render_body(spec)}</body></html>")


def _built_docs() -> Path | None:
    """frontend/dist/docs when the frontend has been built with its docs page."""
    root = current_app.extensions["denoiser.settings"].static_dir / "docs"
    return root if (root / "index.html").is_file() else None


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document."""
    return jsonify(build_spec())


@bp.get("/docs")
def docs():
    """The API reference: Swagger UI (built frontend) or the plain HTML rendering."""
    spec = build_spec()
    root = _built_docs()
    if root is None:
        return Response(render(spec), mimetype="text/html",
                        headers={"Content-Security-Policy": policy_allowing_style(STYLE)})
    page = (root / "index.html").read_text(encoding="utf-8")
    page = page.replace("<!--api-reference-->", render_body(spec), 1)
    response = Response(page, mimetype="text/html")
    response.cache_control.no_cache = True
    return response


@bp.get("/docs/<path:name>")
def docs_asset(name: str):
    """Swagger UI's files (copied from swagger-ui-dist into the build), compressed when accepted."""
    root = _built_docs()
    if root is None:
        abort(404)
    root = root.resolve()
    candidate = (root / name).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        abort(404)
    return send_static(root, name, max_age=3600)
