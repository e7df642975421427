"""Security headers on every answer of `make run`: CSP, no sniffing, no framing, a referrer policy.

That the SPA and the docs page work under the policy is shown in Chromium (frontend/e2e/csp.spec.ts).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re

import pytest

from denoiser.serving import create_app
from denoiser.serving.security import CONTENT_SECURITY_POLICY, HEADERS

from .test_static_assets import _build


def _assert_secured(response, policy: str = CONTENT_SECURITY_POLICY) -> None:
    assert response.headers["Content-Security-Policy"] == policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("method, path, status", [
    ("get", "/healthz", 200), ("get", "/models", 200), ("get", "/openapi.json", 200),
    ("get", "/metrics", 200), ("get", "/no-such-route", 404), ("post", "/denoise", 400),
])
def test_api_answers_and_errors_carry_the_headers(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    _assert_secured(response)


def test_an_oversized_upload_refused_before_the_view_still_carries_them(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/denoise", data={"image": (io.BytesIO(b"x" * (limit + 1)), "big.png")})
    assert response.status_code == 413
    _assert_secured(response)


def test_the_policy_forbids_framing_plugins_and_foreign_scripts():
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # no inline or eval'd script, no CDN
    assert "data:" in directives["img-src"]  # the API's PNG answers are data URLs
    assert set(HEADERS) >= {"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                            "Referrer-Policy"}


def test_the_built_spa_and_docs_page_carry_the_policy(tmp_path):
    _build(tmp_path)
    client = create_app({"TESTING": True, "MODEL_DIR": tmp_path / "none", "STATIC_DIR": tmp_path}).test_client()
    for path in ("/", "/assets/main.js", "/docs", "/docs/vendor/swagger-ui-bundle.js", "/some/client/route"):
        response = client.get(path, headers={"Accept": "text/html"})  # a navigation, for the client route
        assert response.status_code == 200, path
        _assert_secured(response)


def test_the_plain_docs_page_allows_exactly_its_own_inline_style(tmp_path):
    client = create_app({"TESTING": True, "MODEL_DIR": tmp_path / "none", "STATIC_DIR": tmp_path}).test_client()
    response = client.get("/docs")  # no frontend build: the self-contained HTML page
    (css,) = re.findall(r"<style>(.*?)</style>", response.get_data(as_text=True), re.S)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy
    assert policy.replace(f" 'sha256-{digest}'", "") == CONTENT_SECURITY_POLICY
