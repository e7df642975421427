"""nginx in front of the API, end to end without containers: the web image's template, rendered as its
entrypoint renders it, run by Debian's nginx in front of the api image's own gunicorn command (conftest's
`api`, `web` and `start_nginx`).

  curl -> nginx (127.0.0.1:<port>, template from deploy/nginx/) -> gunicorn (127.0.0.1:<port>) -> model
  Chromium -> nginx -> SPA (frontend/dist) + API

Routes and retries, the SPA, gzip, uploads, the API down, a person's session in Chromium. Skipped only
when a binary it needs (nginx, curl, node, chromium) is missing."""

from __future__ import annotations

import gzip
import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = pytest.mark.e2e


def same_answer(direct, proxied) -> bool:
    """The answer through nginx is the API's own: the same status and type (and page, for HTML)."""
    (status, headers, body), (proxied_status, proxied_headers, proxied_body) = direct, proxied
    kind, proxied_kind = headers.get_content_type(), proxied_headers.get_content_type()
    return (status, kind) == (proxied_status, proxied_kind) and (kind != "text/html" or body == proxied_body)


def test_rendered_template_passes_nginx_config_test(kit, stages, tmp_path):
    nginx = kit.require_binary("nginx", "/usr/sbin/nginx")
    config = kit.write_nginx_config(stages, tmp_path / "nginx", kit.free_port(), f"127.0.0.1:{kit.free_port()}")
    result = subprocess.run(kit.nginx_command(nginx, tmp_path / "nginx", config, "-t"), capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_every_api_route_reaches_the_api(kit, api, web, routes):
    # Each route of the API's OpenAPI document, through nginx: the API's own answer (not the SPA's
    # index.html, not nginx's 404 or 405).
    client = kit.client_address()
    for method, path in routes:
        direct = kit.ask(api["url"], method, path)
        proxied = kit.ask(web["url"], method, path, client)
        assert same_answer(direct, proxied), (method, path, direct[0], proxied[0], proxied[2][:200])


def test_admin_routes_stay_off_nginx(kit, api, web, admin_routes):
    # Reloading the models is an operation on the api container: from outside, nginx never passes it on.
    assert admin_routes, "POST /admin/reload is in the API's OpenAPI document"
    for method, path in admin_routes:
        direct = kit.ask(api["url"], method, path)
        proxied = kit.ask(web["url"], method, path, kit.client_address())
        assert proxied[0] == 404 and not same_answer(direct, proxied), (method, path, proxied[0])
        assert json.loads(proxied[2])["error"]["code"] == "not_found"  # the API's JSON error shape


class Loading(BaseHTTPRequestHandler):
    """A replica still loading its models: 503 to everything, after reading the request whole."""

    seen: list[str] = []

    def answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Loading.seen.append(f"{self.command} {self.path}")
        body = b'{"error": {"code": "not_ready", "message": "loading"}}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args) -> None:
        pass


def test_every_api_route_is_retried_on_another_replica(kit, api, start_nginx, routes):
    # Two replicas behind the name, one of them still loading (503): every route, GET and POST alike (the
    # POST routes are side-effect free), is passed on to the other one, and the client sees the API's answer.
    loading = ThreadingHTTPServer(("127.0.0.1", 0), Loading)
    threading.Thread(target=loading.serve_forever, daemon=True).start()
    try:
        # max_fails=0: the loading replica is never set aside, so that it is asked first again and again.
        replicas = (f"upstream denoiser_replicas {{ server 127.0.0.1:{loading.server_address[1]} max_fails=0; "
                    f"server 127.0.0.1:{api['port']} max_fails=0; }}")
        web = start_nginx("denoiser_replicas", replicas, RATE_LIMIT_API="1000r/s", RATE_LIMIT_API_BURST="1000")
        client = kit.client_address()
        for method, path in routes:
            direct = kit.ask(api["url"], method, path)
            for _ in range(2):  # round robin: one of the two starts at the loading replica
                proxied = kit.ask(web["url"], method, path, client)
                assert same_answer(direct, proxied), (method, path, proxied[0], proxied[2][:200])
    finally:
        loading.shutdown()
        loading.server_close()
    missed = {f"{method} {path}" for method, path in routes} - set(Loading.seen)
    assert not missed, f"never tried on the loading replica: {sorted(missed)}"


def test_api_down_gets_503_json_while_the_spa_is_still_served(kit, start_nginx):
    # Nothing behind nginx: its 502 becomes the API's not_ready error shape, 503 + Retry-After.
    web = start_nginx(f"127.0.0.1:{kit.free_port()}")
    for method, path in (("GET", "/readyz"), ("POST", "/denoise")):
        status, headers, body = kit.ask(web["url"], method, path)
        assert status == 503 and headers["Content-Type"] == "application/json", (path, status)
        assert headers["Retry-After"] == "5"
        answer = json.loads(body)
        assert answer["error"]["code"] == "not_ready" and answer["request_id"] == headers["X-Request-ID"]
    status, _, body = kit.fetch(web["url"] + "/")
    assert status == 200 and body == (kit.ROOT / "frontend" / "dist" / "index.html").read_bytes()


def test_api_json_is_gzipped_through_nginx(kit, web):
    # The API's answers are JSON (data URLs, model cards); nginx compresses them for clients that ask.
    status, headers, body = kit.fetch(web["url"] + "/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(body))
    status, headers, body = kit.fetch(web["url"] + "/openapi.json")
    assert "Content-Encoding" not in headers and json.loads(body)


def test_spa_and_client_side_routes_get_index_html(kit, web):
    index = (kit.ROOT / "frontend" / "dist" / "index.html").read_bytes()
    for path in ("/", "/index.html", "/some/client/route"):
        status, headers, body = kit.fetch(web["url"] + path)
        assert status == 200 and body == index, path
        assert headers.get("Cache-Control") == "no-cache", path
    # the largest script: nginx leaves files under gzip_min_length (the tiny modulepreload polyfill) as they are
    asset = max((kit.ROOT / "frontend" / "dist" / "assets").glob("*.js"), key=lambda path: path.stat().st_size)
    status, headers, body = kit.fetch(f"{web['url']}/assets/{asset.name}", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert headers.get("Content-Encoding") == "gzip", "text assets are gzipped"
    status, _, _ = kit.fetch(f"{web['url']}/assets/no-such-file.js")
    assert status == 404, "a missing asset is a 404, not index.html"


def test_denoise_multipart_json_through_nginx(kit, web, tmp_path):
    digit = tmp_path / "digit.png"
    digit.write_bytes(kit.digit_png())
    result = kit.curl("-F", f"image=@{digit}", "-F", "noise=gaussian", "-F", "level=0.5", "-F", "seed=7",
                  "-H", "X-Request-ID: deploy-e2e-1", "-D", str(tmp_path / "headers.txt"),
                  f"{web['url']}/denoise")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["model"]["name"] == "mnist"
    assert answer["noise"] == {"type": "gaussian", "level": 0.5, "seed": 7}
    assert answer["request_id"] == "deploy-e2e-1"
    for key in ("input", "noisy", "denoised"):
        assert answer[key].startswith("data:image/png;base64,")
    metrics = answer["metrics"]
    assert metrics["denoised"]["psnr"] > metrics["noisy"]["psnr"], "the model should beat the noisy input"
    headers = (tmp_path / "headers.txt").read_text().lower()
    assert "x-request-id: deploy-e2e-1" in headers


def test_denoise_png_through_nginx(kit, web, tmp_path):
    from PIL import Image

    digit = tmp_path / "digit.png"
    digit.write_bytes(kit.digit_png())
    out = tmp_path / "out.png"
    result = kit.curl("-F", f"image=@{digit}", "-H", "Accept: image/png", "-o", str(out),
                  "-w", "%{http_code} %{content_type}", f"{web['url']}/denoise")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "200 image/png"
    image = Image.open(out)
    assert image.format == "PNG" and image.size == (28, 28)


def test_a_person_in_chromium_meets_no_csp_violation_and_no_limit(kit, web):
    # The SPA (draw, an example, Compare, the noise level stepped ten times with Compare open, the latent
    # map) and /docs ("try it") under nginx's headers and default rate limits: every answer fine, no CSP
    # violation, no 429.
    from denoiser.serving import security

    node = kit.require_binary("node")
    chromium = kit.require_binary("chromium", "/usr/bin/chromium")
    if not (kit.ROOT / "frontend" / "node_modules" / "playwright-core").is_dir():
        pytest.fail("frontend/node_modules/playwright-core is missing: run make install-frontend")
    result = subprocess.run(
        [node, str(kit.ROOT / "tests" / "containers" / "browser_walk.mjs"), "--url", web["url"], "--chromium",
         chromium], capture_output=True, text=True, timeout=180, cwd=kit.ROOT)
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    kit.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (kit.ARTIFACTS / "browser-walk.json").write_text(json.dumps(report, indent=1))
    assert result.returncode == 0 and report.get("ok"), f"{json.dumps(report, indent=1)}\n{result.stderr[-3000:]}"
    assert report["violations"] == {"/": [], "/docs": []}
    for page in ("/", "/docs"):
        assert report["documents"][page] == {k.lower(): v for k, v in security.HEADERS.items()}, page
    assert not report["failed_requests"], report["failed_requests"]
    assert sum(call.startswith("POST /compare 200") for call in report["api_calls"]) >= 5, report["api_calls"]
