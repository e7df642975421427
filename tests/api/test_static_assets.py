"""The built frontend served by Flask without nginx: precompressed assets and the Swagger UI docs page."""

from __future__ import annotations

import gzip

from denoiser.serving import create_app


def _client(static_dir):
    return create_app({"TESTING": True, "MODEL_DIR": static_dir / "none", "STATIC_DIR": static_dir}).test_client()


def _build(tmp_path):
    """A stand-in for frontend/dist: index.html and an asset with .gz/.br twins, and the docs entry."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "docs" / "vendor").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "index.html.gz").write_bytes(gzip.compress(b"<!doctype html><div id=root></div>"))
    script = b"console.log('app')" * 100
    (tmp_path / "assets" / "main.js").write_bytes(script)
    (tmp_path / "assets" / "main.js.gz").write_bytes(gzip.compress(script))
    (tmp_path / "assets" / "main.js.br").write_bytes(b"brotli-bytes")
    (tmp_path / "docs" / "index.html").write_text(
        "<!doctype html><a href='/'>Back to the app</a><div id=swagger></div><noscript><!--api-reference--></noscript>")
    (tmp_path / "docs" / "vendor" / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle=function(){}")
    return script


def test_precompressed_assets_follow_accept_encoding(tmp_path):
    script = _build(tmp_path)
    client = _client(tmp_path)
    brotli = client.get("/assets/main.js", headers={"Accept-Encoding": "gzip, br"})
    assert brotli.headers["Content-Encoding"] == "br"
    assert brotli.data == b"brotli-bytes"
    assert brotli.mimetype in ("text/javascript", "application/javascript")
    assert "Accept-Encoding" in brotli.headers["Vary"]
    gzipped = client.get("/assets/main.js", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.data) == script
    plain = client.get("/assets/main.js")
    assert "Content-Encoding" not in plain.headers
    assert plain.data == script
    assert "Accept-Encoding" in plain.headers["Vary"]
    index = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert index.headers["Content-Encoding"] == "gzip"
    assert index.mimetype == "text/html"


def test_docs_page_is_swagger_ui_from_local_files(tmp_path):
    _build(tmp_path)
    client = _client(tmp_path)
    page = client.get("/docs").get_data(as_text=True)
    assert "id=swagger" in page and "Back to the app" in page
    # the plain reference is inlined for readers without JavaScript
    assert "<!--api-reference-->" not in page
    assert "/denoise" in page and "blank_image" in page and "/openapi.json" in page
    vendor = client.get("/docs/vendor/swagger-ui-bundle.js")
    assert vendor.status_code == 200 and b"SwaggerUIBundle" in vendor.data
    assert client.get("/docs/vendor/missing.js").status_code == 404
    assert client.get("/docs/../index.html").status_code == 404


def test_docs_page_without_a_build_is_the_plain_rendering(tmp_path):
    client = _client(tmp_path)
    page = client.get("/docs").get_data(as_text=True)
    assert page.startswith("<!doctype html>") and "/denoise" in page and "Back to the app" in page
    assert client.get("/docs/vendor/swagger-ui-bundle.js").status_code == 404
