"""The API's security headers (backend/denoiser/serving/security.py: HEADERS, the Content-Security-Policy
among them) on everything nginx answers, each once: what it serves itself (the SPA, its assets, its 404,
its own JSON errors) and what it proxies (the API's answers, which carry them already). The local nginx
of conftest's `web` and `start_nginx`; the 429's headers are checked with the rate limits
(test_nginx_limits.py), the browser's view of them with a person's session (test_nginx_e2e.py)."""

from __future__ import annotations

import json
import os

import pytest

pytestmark = pytest.mark.e2e


def test_nginx_sends_the_security_headers_on_what_it_answers_itself(kit, web):
    # the largest script: nginx leaves files under gzip_min_length (the tiny modulepreload polyfill) as they are
    asset = max((kit.ROOT / "frontend" / "dist" / "assets").glob("*.js"), key=lambda path: path.stat().st_size).name
    for path in ("/", "/index.html", "/some/client/route", f"/assets/{asset}", "/assets/no-such-file.js"):
        status, headers, _ = kit.fetch(web["url"] + path)
        assert status in (200, 404), path
        kit.assert_security_headers(headers, path)
        assert headers["X-Request-ID"], path
    # nginx's own JSON error for a body over the limit (413)
    status, headers, body = kit.fetch(web["url"] + "/denoise", os.urandom(11 * 1024 * 1024),
                                      {"Content-Type": "application/octet-stream"})
    assert status == 413 and json.loads(body)["error"]["code"] == "payload_too_large"
    kit.assert_security_headers(headers, "413")


def test_proxied_api_answers_carry_each_security_header_once(kit, web):
    # The API sets them itself; nginx adds none of its own there (no duplicates).
    for path in ("/healthz", "/openapi.json", "/docs", "/models"):
        status, headers, _ = kit.fetch(web["url"] + path)
        assert status == 200, path
        kit.assert_security_headers(headers, path)
        assert len(headers.get_all("X-Request-ID")) == 1, path
    status, headers, _ = kit.fetch(web["url"] + "/denoise", b"{}", {"Content-Type": "application/json"})
    assert status == 400
    kit.assert_security_headers(headers, "the API's 400")


def test_the_api_down_503_carries_the_security_headers(kit, start_nginx):
    web = start_nginx(f"127.0.0.1:{kit.free_port()}")
    status, headers, body = kit.fetch(web["url"] + "/denoise", b"{}", {"Content-Type": "application/json"})
    assert status == 503 and json.loads(body)["error"]["code"] == "not_ready"
    assert headers.get_all("Retry-After") == ["5"]
    kit.assert_security_headers(headers, "503")
