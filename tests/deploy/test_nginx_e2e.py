"""End to end without Docker: the web target's nginx template, rendered as the nginx image's entrypoint
would render it, run by Debian's nginx in front of the api target's exact gunicorn command.

  curl -> nginx (127.0.0.1:<port>, template from deploy/nginx/) -> gunicorn (127.0.0.1:<port>) -> model
  Chromium -> nginx -> SPA (frontend/dist) + API

Skipped only when a binary it needs (nginx, curl, node, chromium) is missing."""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

READY_TIMEOUT_S = float(os.environ.get("DEPLOY_READY_TIMEOUT_S", "240"))


# ------------------------------------------------------------------------------------------------------
# helpers

def http_get(url: str, timeout: float = 5.0, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET url -> (status, headers, body), without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until(check, timeout: float, what: str, process: subprocess.Popen | None = None,
               log: Path | None = None):
    """Poll check() until it returns a truthy value; fail with the log tail on timeout or process exit."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"{what}: the process exited with {process.returncode}\n{tail(log)}")
        try:
            result = check()
            if result:
                return result
        except OSError as error:  # connection refused / reset while starting
            last_error = error
        time.sleep(0.5)
    pytest.fail(f"{what}: not ready after {timeout:.0f} s (last error: {last_error})\n{tail(log)}")


def tail(path: Path | None, lines: int = 60) -> str:
    """The last lines of a log file, for failure messages."""
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Stop a process we started (its own process group), politely first."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def nginx_main_config(prefix: Path, server_conf: Path) -> str:
    """A minimal main nginx.conf around the rendered template (which holds upstream/map/server blocks,
    as conf.d/default.conf does in the nginx image). pid and error_log come from -g."""
    temp = {name: prefix / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would run as nobody, who cannot enter pytest's 0700 tmp dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix / "access.log"};
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {server_conf};
}}
"""


def write_nginx_config(kit, stages, prefix: Path, listen_port: int, api_port: int) -> Path:
    """Render deploy/nginx/default.conf.template with the web stage's ENV defaults, overriding only
    where to listen, where the API is and where the SPA lies; returns the main config's path."""
    variables = stages["web"].env()
    # NGINX_RESOLVER: what deploy/nginx/15-api-resolver.envsh reads from /etc/resolv.conf in the image;
    # an IP upstream is never looked up, but the resolver directive needs an address.
    variables.update(NGINX_RESOLVER="127.0.0.1")
    variables.update(NGINX_PORT=f"127.0.0.1:{listen_port}", API_UPSTREAM=f"127.0.0.1:{api_port}",
                     NGINX_ROOT=str(kit.ROOT / "frontend" / "dist"))
    rendered = kit.render_template(kit.NGINX_TEMPLATE.read_text(), variables)
    leftover = [name for name in variables if "${" + name + "}" in rendered]
    assert not leftover, f"unrendered template variables: {leftover}"
    prefix.mkdir(parents=True, exist_ok=True)
    server_conf = prefix / "default.conf"
    server_conf.write_text(rendered)
    main = prefix / "nginx.conf"
    main.write_text(nginx_main_config(prefix, server_conf))
    return main


def nginx_command(nginx: str, prefix: Path, config: Path, *extra: str) -> list[str]:
    """nginx in the foreground with everything it writes under prefix."""
    return [nginx, "-p", str(prefix), "-c", str(config), "-g",
            f"daemon off; pid {prefix / 'nginx.pid'}; error_log stderr;", *extra]


def digit_png(kit, size: int = 112) -> bytes:
    """A digit as a person would upload it: one of the model's examples, dark on light, upscaled."""
    from PIL import Image, ImageOps

    model_dir = Path(os.environ.get("DEPLOY_TEST_MODEL_DIR") or kit.ROOT / "models")
    examples = sorted(model_dir.glob("mnist/*/examples.json"))
    if examples:
        data_url = json.loads(examples[-1].read_text())["examples"][0]["image"]
        image = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("L")
    else:  # a hand-made "7" when the model has no examples.json
        from PIL import ImageDraw
        image = Image.new("L", (28, 28), 0)
        ImageDraw.Draw(image).line([(7, 6), (21, 6), (12, 23)], fill=255, width=3)
    image = ImageOps.invert(image).resize((size, size), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def curl(kit, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run curl (silent, showing errors) and return the finished process."""
    binary = kit.require_binary("curl")
    return subprocess.run([binary, "-sS", *args], capture_output=True, timeout=timeout)


# ------------------------------------------------------------------------------------------------------
# fixtures: gunicorn as the api target runs it, nginx as the web target runs it

@pytest.fixture(scope="module")
def api(kit, stages, tmp_path_factory):
    """The api target's CMD, run from the repository root with the venv's gunicorn, on a free port."""
    command = stages["api"].exec_form("CMD")
    gunicorn = kit.find_binary(command[0])
    if gunicorn is None:
        pytest.fail("gunicorn is not installed in the venv (make install-python)")
    for needed in ("backend/gunicorn.conf.py", "backend/denoiser/serving/wsgi.py"):
        assert (kit.ROOT / needed).exists(), f"{needed} is missing: the api target's command cannot run"
    # The committed models, as the image bakes them in (DEPLOY_TEST_MODEL_DIR points elsewhere).
    model_dir = Path(os.environ.get("DEPLOY_TEST_MODEL_DIR") or kit.ROOT / "models")
    assert sorted(model_dir.glob("*/*/saved_model.pb")), (
        f"no SavedModel under {model_dir}/<name>/<version>/: the api target serves the committed models")
    port = kit.free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = dict(os.environ)
    env.update(
        PORT=str(port), WEB_CONCURRENCY="1",
        DENOISER_MODEL_DIR=str(model_dir), DENOISER_STATIC_DIR=str(kit.ROOT / "frontend" / "dist"),
        DENOISER_MAX_UPLOAD_BYTES=stages["api"].env()["DENOISER_MAX_UPLOAD_BYTES"], DENOISER_CORS_ORIGINS="",
        DENOISER_TF_THREADS="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # gunicorn.conf.py makes (and removes) its own
    # Same command as the image; gunicorn reads extra flags from GUNICORN_CMD_ARGS (over the config
    # file), which keeps the test's server on loopback instead of the config's 0.0.0.0.
    env["GUNICORN_CMD_ARGS"] = f"--bind 127.0.0.1:{port}"
    env["PATH"] = f"{Path(gunicorn).parent}{os.pathsep}{env.get('PATH', '')}"
    with log.open("wb") as sink:
        process = subprocess.Popen([gunicorn, *command[1:]], cwd=kit.ROOT, env=env, stdout=sink,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http_get(f"{base}/readyz", timeout=2)[0] == 200, READY_TIMEOUT_S,
                   "gunicorn /readyz", process, log)
        yield {"url": base, "port": port, "log": log, "process": process}
    finally:
        stop(process)


@pytest.fixture(scope="module")
def web(kit, stages, api, tmp_path_factory):
    """Debian's nginx running the rendered web template in front of `api`."""
    nginx = kit.require_binary("nginx", "/usr/sbin/nginx")
    prefix = tmp_path_factory.mktemp("nginx")
    port = kit.free_port()
    config = write_nginx_config(kit, stages, prefix, port, api["port"])
    log = prefix / "nginx.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(nginx_command(nginx, prefix, config), stdout=sink,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http_get(f"{base}/healthz", timeout=2)[0] == 200, 30, "nginx", process, log)
        yield {"url": base, "port": port, "log": log, "prefix": prefix}
    finally:
        stop(process, signal.SIGQUIT)


# ------------------------------------------------------------------------------------------------------
# the template on its own

def test_rendered_template_passes_nginx_config_test(kit, stages, tmp_path):
    nginx = kit.require_binary("nginx", "/usr/sbin/nginx")
    config = write_nginx_config(kit, stages, tmp_path / "nginx", kit.free_port(), kit.free_port())
    result = subprocess.run(nginx_command(nginx, tmp_path / "nginx", config, "-t"), capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def api_locations(template: str) -> dict[str, str]:
    """The template's regex locations that proxy to the API: {regex: block text}."""
    import re

    blocks = re.findall(r"location ~ (\S+) \{(.*?)\n    \}", template, re.DOTALL)
    return {regex: body for regex, body in blocks if "proxy_pass $denoiser_api;" in body}


def test_every_api_route_is_proxied_by_nginx(kit):
    # The first path segment of every Flask route of the API blueprint must match one of nginx's API
    # locations; anything else would get the SPA's index.html (or a 405 for a POST) from nginx. The POST
    # routes (side-effect free) are retried on another replica (non_idempotent), the GET routes by
    # default; /compare also passes the stricter rate-limit zone.
    import re

    source = "\n".join(p.read_text() for p in (kit.ROOT / "backend" / "denoiser" / "serving").glob("*.py"))
    routes = re.findall(r'@bp\.(get|post|put|delete|route)\("(/[^"]*)"(?:, methods=\[([^]]*)\])?', source)
    segments = {route.split("/")[1] for _, route, _ in routes} - {"", "<spa:path>"}
    posts = {route.split("/")[1] for method, route, methods in routes if method == "post" or "POST" in methods}
    assert {"denoise", "compare", "decode", "models"} <= segments
    assert {"denoise", "encode", "decode", "compare"} <= posts
    locations = api_locations(kit.NGINX_TEMPLATE.read_text())
    assert len(locations) == 3, locations.keys()

    def location_of(segment: str) -> str | None:
        found = [body for regex, body in locations.items() if re.match(regex, f"/{segment}")]
        assert len(found) <= 1, f"/{segment} matches several API locations"
        return found[0] if found else None

    unproxied = sorted(s for s in segments if location_of(s) is None)
    assert not unproxied, f"API routes nginx serves as the SPA: {unproxied}"
    for segment in segments:
        body = location_of(segment)
        assert "limit_req zone=denoiser_api " in body, segment
        assert ("non_idempotent" in body) == (segment in posts), segment
        assert ("zone=denoiser_compare" in body) == (segment == "compare"), segment


def test_render_replaces_only_the_listed_variables(kit):
    text = "proxy_pass http://${API_UPSTREAM}; set $x $host${uri}; listen $NGINX_PORT;"
    out = kit.render_template(text, {"API_UPSTREAM": "api:8000", "NGINX_PORT": "80"})
    assert out == "proxy_pass http://api:8000; set $x $host${uri}; listen 80;"


@contextlib.contextmanager
def nginx_without_api(kit, stages, tmp_path):
    """nginx from the template with nothing listening behind it; yields `first(call)`, which retries
    `call(port)` until nginx answers and returns that answer."""
    nginx = kit.require_binary("nginx", "/usr/sbin/nginx")
    prefix, port = tmp_path / "nginx", kit.free_port()
    config = write_nginx_config(kit, stages, prefix, port, kit.free_port())
    log = prefix / "nginx.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(nginx_command(nginx, prefix, config), stdout=sink,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield lambda call: wait_until(lambda: call(port), 30, "nginx", process, log)
    finally:
        stop(process, signal.SIGQUIT)


def test_api_down_gets_503_json_from_nginx(kit, stages, tmp_path):
    # No gunicorn behind it: nginx's 502 becomes the API's not_ready error shape, 503 + Retry-After.
    with nginx_without_api(kit, stages, tmp_path) as first:
        status, headers, body = first(lambda port: http_get(f"http://127.0.0.1:{port}/readyz", timeout=2))
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert headers["Retry-After"] == "5"
        answer = json.loads(body)
        assert answer["error"]["code"] == "not_ready" and answer["request_id"] == headers["X-Request-ID"]


# ------------------------------------------------------------------------------------------------------
# through nginx

@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/models", "/model", "/openapi.json"])
def test_api_json_routes_are_proxied(web, path):
    status, headers, body = http_get(web["url"] + path, timeout=30)
    assert status == 200, body[:500]
    assert headers["Content-Type"].startswith("application/json")
    json.loads(body)


def test_api_json_is_gzipped_through_nginx(web):
    # The API's answers are JSON (data URLs, model cards); nginx compresses them for clients that ask.
    status, headers, body = http_get(web["url"] + "/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(body))
    status, headers, body = http_get(web["url"] + "/openapi.json")
    assert "Content-Encoding" not in headers and json.loads(body)


def test_metrics_and_docs_are_proxied(web):
    status, headers, body = http_get(web["url"] + "/metrics", timeout=30)
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    status, headers, body = http_get(web["url"] + "/docs", timeout=30)
    assert status == 200 and headers["Content-Type"].startswith("text/html")


def test_spa_and_client_side_routes_get_index_html(kit, web):
    index = (kit.ROOT / "frontend" / "dist" / "index.html").read_bytes()
    for path in ("/", "/index.html", "/some/client/route"):
        status, headers, body = http_get(web["url"] + path)
        assert status == 200 and body == index, path
        assert headers.get("Cache-Control") == "no-cache", path
    # the largest script: nginx leaves files under gzip_min_length (the tiny modulepreload polyfill) as they are
    asset = max((kit.ROOT / "frontend" / "dist" / "assets").glob("*.js"), key=lambda path: path.stat().st_size)
    status, headers, body = http_get(f"{web['url']}/assets/{asset.name}", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert headers.get("Content-Encoding") == "gzip", "text assets are gzipped"
    status, _, _ = http_get(f"{web['url']}/assets/no-such-file.js")
    assert status == 404, "a missing asset is a 404, not index.html"


def test_denoise_multipart_json_through_nginx(kit, web, tmp_path):
    digit = tmp_path / "digit.png"
    digit.write_bytes(digit_png(kit))
    result = curl(kit, "-F", f"image=@{digit}", "-F", "noise=gaussian", "-F", "level=0.5", "-F", "seed=7",
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
    digit.write_bytes(digit_png(kit))
    out = tmp_path / "out.png"
    result = curl(kit, "-F", f"image=@{digit}", "-H", "Accept: image/png", "-o", str(out),
                  "-w", "%{http_code} %{content_type}", f"{web['url']}/denoise")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "200 image/png"
    image = Image.open(out)
    assert image.format == "PNG" and image.size == (28, 28)


def _upload(kit, web, tmp_path, size: int) -> tuple[int, dict]:
    """POST a body of about `size` bytes as the image field; returns (status, JSON answer)."""
    big = tmp_path / f"big-{size}.png"
    with big.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.write(os.urandom(size))
    result = curl(kit, "-F", f"image=@{big}", "-w", "\n%{http_code}", f"{web['url']}/denoise")
    assert result.returncode == 0, result.stderr
    body, _, status = result.stdout.decode().rpartition("\n")
    return int(status), json.loads(body)


def test_upload_over_the_limit_gets_413_json(kit, stages, web, tmp_path):
    limit = int(stages["api"].env()["DENOISER_MAX_UPLOAD_BYTES"])
    status, answer = _upload(kit, web, tmp_path, limit + 64 * 1024)
    assert status == 413, answer
    assert answer["error"]["code"] == "payload_too_large"
    assert answer["error"]["message"] and answer["request_id"]


def test_upload_just_under_the_limit_reaches_the_api(kit, stages, web, tmp_path):
    # Not an image: the API itself reads it and refuses it (4xx JSON), proving nginx let it through.
    limit = int(stages["api"].env()["DENOISER_MAX_UPLOAD_BYTES"])
    status, answer = _upload(kit, web, tmp_path, limit - 64 * 1024)
    assert 400 <= status < 500 and status != 413, (status, answer)
    assert answer["error"]["code"] in ("invalid_image", "unsupported_media_type", "bad_request"), answer


def test_ui_through_nginx_in_chromium(kit, web):
    node = kit.require_binary("node")
    chromium = kit.require_binary("chromium", "/usr/bin/chromium")
    if not (kit.ROOT / "frontend" / "node_modules" / "playwright-core").is_dir():
        pytest.fail("frontend/node_modules/playwright-core is missing: run make install-frontend")
    screenshot = kit.ARTIFACTS / "ui-through-nginx.png"
    result = subprocess.run(
        [node, str(Path(__file__).with_name("ui_smoke.mjs")), "--url", web["url"] + "/",
         "--screenshot", str(screenshot), "--chromium", chromium],
        capture_output=True, text=True, timeout=180, cwd=kit.ROOT)
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    assert result.returncode == 0 and report.get("ok"), (
        f"UI smoke test failed: {json.dumps(report, indent=1)}\n{result.stderr[-3000:]}")
    assert screenshot.exists()
    assert "denoised drawing" in report["steps"] and "denoised example" in report["steps"]
    assert any(call.startswith("POST /denoise 200") for call in report["api_calls"]), report["api_calls"]
    assert not report["failed_requests"], report["failed_requests"]


# ------------------------------------------------------------------------------------------------------
# hardening: security headers, rate limits, slow clients (issue 13 parts 3 and 4)

def traffic(kit):
    """tests/containers/traffic.py (slow clients, timed and steady traffic), imported by path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("traffic", kit.ROOT / "tests" / "containers" / "traffic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def raw_answer(url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 30):
    """(status, the headers as sent, repeated names included, body); no raise on 4xx/5xx."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def assert_security_headers(headers, where: str) -> None:
    """Each header of the API's security.HEADERS exactly once, with the API's value."""
    from denoiser.serving import security

    for name, value in security.HEADERS.items():
        assert headers.get_all(name) == [value], f"{where}: {name} = {headers.get_all(name)}"


def digit_data_url(kit) -> str:
    return "data:image/png;base64," + base64.b64encode(digit_png(kit)).decode()


def test_nginx_sends_the_security_headers_on_what_it_answers_itself(kit, web, tmp_path):
    # the largest script: nginx leaves files under gzip_min_length (the tiny modulepreload polyfill) as they are
    asset = max((kit.ROOT / "frontend" / "dist" / "assets").glob("*.js"), key=lambda path: path.stat().st_size).name
    for path in ("/", "/index.html", "/some/client/route", f"/assets/{asset}", "/assets/no-such-file.js"):
        status, headers, _ = raw_answer(web["url"] + path)
        assert status in (200, 404), path
        assert_security_headers(headers, path)
        assert headers["X-Request-ID"], path
    # nginx's own JSON errors: 413 (body over the limit)
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(11 * 1024 * 1024))
    status, headers, body = raw_answer(web["url"] + "/denoise", big.read_bytes(),
                                       {"Content-Type": "application/octet-stream"})
    assert status == 413 and json.loads(body)["error"]["code"] == "payload_too_large"
    assert_security_headers(headers, "413")


def test_proxied_api_answers_carry_each_security_header_once(kit, web):
    # The API sets them itself; nginx adds none of its own there (no duplicates).
    for path in ("/healthz", "/openapi.json", "/docs", "/models"):
        status, headers, _ = raw_answer(web["url"] + path)
        assert status == 200, path
        assert_security_headers(headers, path)
        assert len(headers.get_all("X-Request-ID")) == 1, path
    status, headers, _ = raw_answer(web["url"] + "/denoise", b"{}", {"Content-Type": "application/json"})
    assert status == 400
    assert_security_headers(headers, "the API's 400")


def test_the_api_down_503_carries_the_security_headers(kit, stages, tmp_path):
    with nginx_without_api(kit, stages, tmp_path) as first:
        status, headers, body = first(lambda port: raw_answer(f"http://127.0.0.1:{port}/denoise", b"{}",
                                                              {"Content-Type": "application/json"}, timeout=2))
        assert status == 503 and json.loads(body)["error"]["code"] == "not_ready"
        assert headers.get_all("Retry-After") == ["5"]
        assert_security_headers(headers, "503")


def test_rate_limits_per_client_address(kit, stages, web):
    # The template's defaults: /compare 2r/s with a burst of 20 (on top of the general 10r/s, burst 60).
    # Clients are told apart by X-Forwarded-For, which nginx believes from REAL_IP_FROM (127.0.0.1/32 by
    # default: this test's loopback connections), as it would from an Ingress controller.
    env = stages["web"].env()
    compare_burst, api_burst = int(env["RATE_LIMIT_COMPARE_BURST"]), int(env["RATE_LIMIT_API_BURST"])
    url = web["url"]
    empty = b"{}"

    def ask(path: str, client: str, data: bytes | None = empty):
        headers = {"X-Forwarded-For": client}
        if data is not None:
            headers["Content-Type"] = "application/json"
        return raw_answer(url + path, data, headers)

    # A burst of /compare from one address: the first 1 + burst reach the API (its 400 for an empty
    # body), the rest get nginx's 429 in the API's error shape, with Retry-After.
    def burst(path: str, client: str, count: int, rate: str, allowance: int, data: bytes | None = empty) -> list:
        """`count` requests sent at once; the ones past 1 + allowance (plus what the rate refilled meanwhile,
        which matters on a busy machine) must be nginx's 429s."""
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(lambda _: ask(path, client, data)[0], range(count)))
        refilled = int((time.monotonic() - started) * int(rate.split("r/")[0])) + 1
        served = [status for status in statuses if status != 429]
        assert 1 + allowance <= len(served) <= 1 + allowance + refilled, statuses
        assert statuses.count(429) == count - len(served) > 0, statuses
        return served

    assert set(burst("/compare", "198.51.100.1", compare_burst + 10, env["RATE_LIMIT_COMPARE"], compare_burst)) == {400}
    status, headers, body = ask("/compare", "198.51.100.1")
    assert status == 429 and headers["Content-Type"] == "application/json"
    answer = json.loads(body)
    assert answer["error"]["code"] == "too_many_requests" and answer["request_id"] == headers["X-Request-ID"]
    retry_after = int(headers["Retry-After"])
    assert retry_after == int(env["RATE_LIMIT_RETRY_AFTER"])
    assert_security_headers(headers, "429")
    # The same client still gets the other routes (the general zone), another client gets /compare.
    assert ask("/denoise", "198.51.100.1")[0] == 400
    assert ask("/compare", "198.51.100.2")[0] == 400
    # After Retry-After seconds the first client is served again.
    time.sleep(retry_after)
    assert ask("/compare", "198.51.100.1")[0] == 400

    # The general zone: a burst of GET /healthz past it from a third address.
    assert set(burst("/healthz", "198.51.100.3", api_burst + 10, env["RATE_LIMIT_API"], api_burst, None)) == {200}
    assert ask("/healthz", "198.51.100.4", None)[0] == 200


def test_slow_clients_block_neither_gunicorn_nor_nginx(kit, api, web):
    # gunicorn alone: 16 clients trickling their requests wait in the gevent worker's greenlets (1 worker
    # here), and a normal request is still answered (with 1 gthread worker x 2 threads, the old default, they
    # held both threads and it was not). Through nginx, which reads whole requests before passing them on,
    # the same 16 leave the API free too: a normal client is answered as fast as ever, and the 16 are
    # answered once they finish.
    t = traffic(kit)
    body, headers = t.json_request(digit_data_url(kit), seed=3)
    with t.SlowClients("127.0.0.1", api["port"], 16, "/denoise", body, "application/json") as slow:
        time.sleep(1)
        assert http_get(api["url"] + "/healthz", timeout=3)[0] == 200
        statuses = slow.finish()
    assert statuses.count("HTTP/1.1 200 OK") == 16, statuses

    with t.SlowClients("127.0.0.1", web["port"], 16, "/denoise", body, "application/json") as slow:
        normal = t.paced(web["url"] + "/denoise", body, headers, seconds=5, every=0.25)
        statuses = slow.finish()
    summary = normal.summary()
    kit.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (kit.ARTIFACTS / "slow-clients.json").write_text(json.dumps({"normal_client": summary, "slow": statuses}))
    assert normal.failed() == 0 and normal.total >= 15, summary
    assert summary["max_ms"] < 2000, summary
    assert statuses.count("HTTP/1.1 200 OK") == 16, statuses


def test_a_person_in_chromium_meets_no_csp_violation_and_no_limit(kit, web):
    # The SPA (draw, an example, Compare, the noise level stepped ten times with Compare open, the latent
    # map) and /docs ("try it") under nginx's headers and default rate limits: no CSP violation, no 429.
    from denoiser.serving import security

    node = kit.require_binary("node")
    chromium = kit.require_binary("chromium", "/usr/bin/chromium")
    result = subprocess.run(
        [node, str(kit.ROOT / "tests" / "containers" / "browser_walk.mjs"), "--url", web["url"], "--chromium",
         chromium], capture_output=True, text=True, timeout=180, cwd=kit.ROOT)
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    assert result.returncode == 0 and report.get("ok"), f"{json.dumps(report, indent=1)}\n{result.stderr[-3000:]}"
    assert report["violations"] == {"/": [], "/docs": []}
    for page in ("/", "/docs"):
        assert report["documents"][page] == {k.lower(): v for k, v in security.HEADERS.items()}, page
    assert not report["failed_requests"], report["failed_requests"]
    assert sum(call.startswith("POST /compare 200") for call in report["api_calls"]) >= 5, report["api_calls"]
