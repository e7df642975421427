"""GET /openapi.json and GET /docs (the same document as a readable HTML page, no external assets)."""

from __future__ import annotations

import json
from html import escape

from flask import Blueprint, Response, jsonify

from denoiser.api.openapi import build_spec

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


def render(spec: dict) -> str:
    """The OpenAPI document as a self-contained HTML page."""
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(spec['info']['title'])}"
             f"</title><style>{STYLE}</style></head><body><h1>{escape(spec['info']['title'])} "
             f"<small>{escape(spec['info']['version'])}</small></h1><p>{escape(spec['info']['description'])}</p>"
             "<p>Machine-readable: <a href='/openapi.json'>/openapi.json</a></p>"]
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
    parts.append("<h2>Error codes</h2><p>"
                 + ", ".join(f"<code>{escape(code)}</code>"
                             for code in spec["components"]["schemas"]["Error"]["properties"]["error"]
                             ["properties"]["code"]["enum"]) + "</p></body></html>")
    return "".join(parts)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document."""
    return jsonify(build_spec())


@bp.get("/docs")
def docs():
    """The API reference as HTML."""
    return Response(render(build_spec()), mimetype="text/html")
