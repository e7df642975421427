"""The compose stack for real: the api and web images, built from the Dockerfile and run by a container
engine (docker, or podman + podman-compose), tested through nginx as a user reaches them.

Skipped unless DENOISER_CONTAINER_URL is set; tests/containers/run.sh (make test-containers) builds the
images, starts the stack and sets:
  DENOISER_CONTAINER_URL     nginx, e.g. http://127.0.0.1:18080
  DENOISER_CONTAINER_ENGINE  docker | podman  (to stop and start the api container)
  DENOISER_CONTAINER_API     the api container's name
  DENOISER_CONTAINER_WEB     the web container's name
The api stop/start test runs last (pytest keeps the file order)."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("DENOISER_CONTAINER_URL", "").rstrip("/")
ENGINE = os.environ.get("DENOISER_CONTAINER_ENGINE", "docker")
API = os.environ.get("DENOISER_CONTAINER_API", "")
WEB = os.environ.get("DENOISER_CONTAINER_WEB", "")
ARTIFACTS = ROOT / "artifacts" / "containers"
UPLOAD_LIMIT = 10 * 1024 * 1024  # the images' DENOISER_MAX_UPLOAD_BYTES / CLIENT_MAX_BODY_SIZE (10m)

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not URL, reason="DENOISER_CONTAINER_URL is not set (make test-containers)")]


def request(path: str, data: bytes | None = None, headers: dict | None = None,
            timeout: float = 30) -> tuple[int, dict, bytes]:
    """GET (or POST data) URL+path -> (status, headers with lower-case names, body); no raise on 4xx/5xx."""
    req = urllib.request.Request(URL + path, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def multipart(fields: dict[str, str], file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                 "Content-Type: image/png\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def digit_png() -> bytes:
    """A digit as a person would upload it: a gallery example of the served mnist model, dark on light,
    upscaled to 112x112."""
    from PIL import Image, ImageOps

    example = sorted((ROOT / "models").glob("mnist/*/examples.json"))[-1]
    data_url = json.loads(example.read_text())["examples"][0]["image"]
    image = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("L")
    out = io.BytesIO()
    ImageOps.invert(image).resize((112, 112), Image.Resampling.BILINEAR).save(out, format="PNG")
    return out.getvalue()


def engine(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the container engine's CLI."""
    return subprocess.run([ENGINE, *args], capture_output=True, text=True, timeout=timeout)


def wait_for(check, timeout: float, what: str):
    """Poll check() until truthy; fail after timeout seconds."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except OSError as error:
            last = error
        time.sleep(1)
    pytest.fail(f"{what}: not after {timeout:.0f} s (last error: {last})")


def test_readyz_and_healthz_through_nginx():
    status, _, body = request("/readyz")
    assert status == 200, body
    status, _, _ = request("/healthz")
    assert status == 200


def test_spa_is_served_by_nginx():
    status, headers, body = request("/")
    assert status == 200 and b'<div id="root">' in body
    assert headers.get("cache-control") == "no-cache" and headers.get("server") == "nginx"
    status, _, same = request("/some/client/route")
    assert status == 200 and same == body


def test_denoise_json_through_nginx():
    body, content_type = multipart({"noise": "gaussian", "level": "0.5", "seed": "7"}, "image", "digit.png",
                                   digit_png())
    status, headers, raw = request("/denoise", body, {"Content-Type": content_type, "X-Request-ID": "ct-json-1"})
    assert status == 200, raw[:500]
    answer = json.loads(raw)
    assert answer["model"]["name"] == "mnist" and answer["request_id"] == "ct-json-1"
    assert answer["noise"] == {"type": "gaussian", "level": 0.5, "seed": 7}
    for key in ("input", "noisy", "denoised"):
        assert answer[key].startswith("data:image/png;base64,")
    assert answer["metrics"]["denoised"]["psnr"] > answer["metrics"]["noisy"]["psnr"]
    assert headers["x-request-id"] == "ct-json-1"


def test_denoise_png_through_nginx():
    from PIL import Image

    body, content_type = multipart({}, "image", "digit.png", digit_png())
    status, headers, raw = request("/denoise", body, {"Content-Type": content_type, "Accept": "image/png"})
    assert status == 200 and headers["content-type"] == "image/png", raw[:300]
    image = Image.open(io.BytesIO(raw))
    assert image.format == "PNG" and image.size == (28, 28)


def test_an_11_mb_upload_gets_the_413_json_error():
    body, content_type = multipart({}, "image", "big.png", b"\x89PNG\r\n\x1a\n" + os.urandom(11 * 1024 * 1024))
    assert len(body) > UPLOAD_LIMIT
    status, headers, raw = request("/denoise", body, {"Content-Type": content_type})
    assert status == 413, raw[:300]
    answer = json.loads(raw)
    assert answer["error"]["code"] == "payload_too_large" and answer["error"]["message"] and answer["request_id"]
    assert headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/compare", "/decode", "/encode"])
def test_every_post_route_reaches_the_api(path):
    # An empty body: the API's own 4xx JSON error proves nginx proxied it (not the SPA, not a 405).
    status, headers, raw = request(path, b"{}", {"Content-Type": "application/json"})
    assert 400 <= status < 500 and status != 405, (status, raw[:300])
    assert headers["content-type"].startswith("application/json") and json.loads(raw)["error"]["code"]


def test_metrics_through_nginx():
    status, headers, body = request("/metrics")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert b"denoiser_http_requests_total" in body


def test_only_nginx_is_published():
    if not API or not WEB:
        pytest.skip("container names not given")
    api_ports = engine("port", API)
    assert api_ports.returncode == 0 and not api_ports.stdout.strip(), f"api publishes: {api_ports.stdout}"
    web_ports = engine("port", WEB)
    assert web_ports.returncode == 0 and "80/tcp" in web_ports.stdout, web_ports.stdout


def test_the_spa_denoises_a_drawing_in_chromium():
    node = shutil.which("node")
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not node or not os.access(chromium, os.X_OK):
        pytest.fail("node and Chromium are needed (make install-frontend; apt-get install chromium)")
    screenshot = ARTIFACTS / "ui-through-compose.png"
    result = subprocess.run(
        [node, str(ROOT / "tests" / "deploy" / "ui_smoke.mjs"), "--url", URL + "/",
         "--screenshot", str(screenshot), "--chromium", chromium],
        capture_output=True, text=True, timeout=240, cwd=ROOT)
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    assert result.returncode == 0 and report.get("ok"), f"{json.dumps(report, indent=1)}\n{result.stderr[-3000:]}"
    assert "denoised drawing" in report["steps"] and "denoised example" in report["steps"]
    assert any(call.startswith("POST /denoise 200") for call in report["api_calls"]), report["api_calls"]
    assert not report["failed_requests"], report["failed_requests"]


def test_api_stopped_gives_503_json_and_recovers_when_started():
    if not API:
        pytest.skip("the api container's name is not given")
    assert engine("stop", "-t", "10", API).returncode == 0
    try:
        status, headers, raw = request("/readyz")
        assert status == 503, raw[:300]
        answer = json.loads(raw)
        assert answer["error"]["code"] == "not_ready" and headers.get("retry-after") == "5"
        body, content_type = multipart({}, "image", "digit.png", digit_png())
        status, _, raw = request("/denoise", body, {"Content-Type": content_type})
        assert status == 503 and json.loads(raw)["error"]["code"] == "not_ready"
        status, _, _ = request("/")
        assert status == 200, "nginx still serves the SPA while the API is down"
    finally:
        started = engine("start", API)
    assert started.returncode == 0, started.stderr
    wait_for(lambda: request("/readyz", timeout=5)[0] == 200, 240, "the API answering through nginx again")
    body, content_type = multipart({}, "image", "digit.png", digit_png())
    status, _, raw = request("/denoise", body, {"Content-Type": content_type})
    assert status == 200 and json.loads(raw)["denoised"].startswith("data:image/png")
