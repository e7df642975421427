"""The compose stack for real: the api and web images, built from the Dockerfile and run by a container
engine (docker, or podman + podman-compose), tested through nginx as a user reaches them.

Skipped unless DENOISER_CONTAINER_URL is set; tests/containers/run.sh (make test-containers) builds the
images, starts the stack and sets:
  DENOISER_CONTAINER_URL     nginx, e.g. http://127.0.0.1:18080
  DENOISER_CONTAINER_ENGINE  docker | podman  (to stop and start the api container)
  DENOISER_CONTAINER_API     the api container's name
  DENOISER_CONTAINER_WEB     the web container's name
  DENOISER_CONTAINER_COMPOSE the compose command (to scale the api service out)
pytest keeps the file order: the Chromium walk runs before the rate-limit burst (whose /compare zone
then takes ~10 s to drain), the api stop/start test after it, the scale-out test last."""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
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
COMPOSE = shlex.split(os.environ.get("DENOISER_CONTAINER_COMPOSE", ""))
ARTIFACTS = ROOT / "artifacts" / "containers"
UPLOAD_LIMIT = 10 * 1024 * 1024  # the images' DENOISER_MAX_UPLOAD_BYTES / CLIENT_MAX_BODY_SIZE (10m)

_spec = importlib.util.spec_from_file_location("traffic", Path(__file__).with_name("traffic.py"))
traffic = sys.modules.setdefault("traffic", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(traffic)

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not URL, reason="DENOISER_CONTAINER_URL is not set (make test-containers)")]


def request(path: str, data: bytes | None = None, headers: dict | None = None,
            timeout: float = 30) -> tuple[int, dict, bytes]:
    """GET (or POST data) URL+path -> (status, headers with lower-case names, body); no raise on 4xx/5xx.
    A header sent twice has its values joined with ", " (so a duplicate shows)."""
    def named(message) -> dict:
        return {k.lower(): ", ".join(message.get_all(k)) for k in message}

    req = urllib.request.Request(URL + path, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, named(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, named(error.headers), error.read()


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
    assert_security_headers(headers, "413")


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


def test_nginx_asks_only_the_engines_dns_for_the_api():
    # podman puts the host's DNS servers after aardvark-dns in resolv.conf; nginx asks the servers of its
    # resolver line in turn, so with all of them every other lookup of `api` failed (503).
    if not WEB:
        pytest.skip("the web container's name is not given")
    conf = engine("exec", WEB, "cat", "/etc/nginx/conf.d/default.conf", "/etc/resolv.conf")
    assert conf.returncode == 0, conf.stderr
    resolver = [line.split() for line in conf.stdout.splitlines() if line.startswith("resolver ")]
    nameservers = [line.split()[1] for line in conf.stdout.splitlines() if line.startswith("nameserver ")]
    assert len(resolver) == 1 and resolver[0][1:] == [nameservers[0], "valid=2s", "ipv6=off;"], (resolver, nameservers)


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


def assert_security_headers(headers: dict, where: str) -> None:
    """backend/denoiser/serving/security.py's HEADERS, each with the API's value (urllib joins a repeated
    header with ", ", so a duplicate would show as a different value)."""
    from denoiser.serving import security

    for name, value in security.HEADERS.items():
        assert headers.get(name.lower()) == value, f"{where}: {name} = {headers.get(name.lower())!r}"


def digit_json() -> tuple[bytes, dict]:
    """A /denoise JSON body with one digit (the same upload as digit_png) and its headers."""
    return traffic.json_request("data:image/png;base64," + base64.b64encode(digit_png()).decode(),
                                noise="gaussian", level=0.5, seed=11)


def test_security_headers_through_nginx():
    # What nginx serves itself (the SPA, an asset, its 404) and what it proxies (the API's answers):
    # the same headers as the API's, once each.
    index = request("/")[2].decode()
    asset = index.split('src="/assets/', 1)[1].split('"', 1)[0]
    for path in ("/", "/some/client/route", f"/assets/{asset}", "/assets/no-such-file.js", "/healthz",
                 "/openapi.json", "/docs"):
        status, headers, _ = request(path)
        assert status in (200, 404), path
        assert_security_headers(headers, path)
        assert headers.get("x-request-id"), path


def test_the_spa_and_docs_work_under_the_csp_in_chromium():
    # A person's session (draw, an example, Compare, the noise level stepped ten times with Compare
    # open, the latent map; /docs with "try it") through nginx: no CSP violation, no 429, the headers.
    from denoiser.serving import security

    node = shutil.which("node")
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not node or not os.access(chromium, os.X_OK):
        pytest.fail("node and Chromium are needed (make install-frontend; apt-get install chromium)")
    result = subprocess.run([node, str(Path(__file__).with_name("browser_walk.mjs")), "--url", URL,
                             "--chromium", chromium], capture_output=True, text=True, timeout=240, cwd=ROOT)
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    assert result.returncode == 0 and report.get("ok"), f"{json.dumps(report, indent=1)}\n{result.stderr[-3000:]}"
    (ARTIFACTS / "browser-walk.json").write_text(json.dumps(report, indent=1))
    assert report["violations"] == {"/": [], "/docs": []}
    for page in ("/", "/docs"):
        assert report["documents"][page] == {k.lower(): v for k, v in security.HEADERS.items()}, page
    assert not report["failed_requests"], report["failed_requests"]
    assert sum(call.startswith("POST /compare 200") for call in report["api_calls"]) >= 5, report["api_calls"]


def test_slow_clients_do_not_hold_up_a_normal_client():
    # 16 clients trickle their requests into nginx for 8 s (8 a few body bytes every 0.5 s, 8 a header
    # line every 0.5 s): nginx holds them, gunicorn never sees them until they are whole. Meanwhile a
    # normal client posting /denoise every 0.25 s is answered as fast as ever; then the 16 finish and
    # are answered too.
    host, port = URL.split("//", 1)[1].rsplit(":", 1)
    body, headers = digit_json()
    with traffic.SlowClients(host, int(port), 16, "/denoise", body, "application/json") as slow:
        time.sleep(0.5)
        normal = traffic.paced(URL + "/denoise", body, headers, seconds=8, every=0.25)
        statuses = slow.finish()
    summary = normal.summary()
    (ARTIFACTS / "slow-clients.json").write_text(json.dumps({"normal_client": summary, "slow": statuses}))
    assert normal.failed() == 0 and normal.total >= 25, summary
    assert summary["max_ms"] < 2000, summary
    assert statuses.count("HTTP/1.1 200 OK") == 16, statuses


def from_another_address(path: str, body: bytes) -> int:
    """POST to nginx from inside the api container (another client address on the compose network):
    the answer's status."""
    script = ("import sys, urllib.request, urllib.error\n"
              "r = urllib.request.Request('http://web:80' + sys.argv[1], data=sys.argv[2].encode(),"
              " headers={'Content-Type': 'application/json'})\n"
              "try: print(urllib.request.urlopen(r, timeout=10).status)\n"
              "except urllib.error.HTTPError as e: print(e.code)\n")
    result = engine("exec", API, "python", "-c", script, path, body.decode())
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


def test_a_burst_over_the_compare_limit_gets_429_json_while_others_are_served():
    # The image's defaults: /compare 2r/s, burst 20 (and the general zone, 10r/s, burst 60).
    if not API:
        pytest.skip("the api container's name is not given")
    empty = (b"{}", {"Content-Type": "application/json"})  # the API's own 400, fast: no CPU spent
    statuses = [request("/compare", *empty)[0] for _ in range(30)]
    assert statuses[:21] == [400] * 21 and set(statuses[21:]) == {429}, statuses
    status, headers, raw = request("/compare", *empty)
    assert status == 429 and headers["content-type"] == "application/json"
    answer = json.loads(raw)
    assert answer["error"]["code"] == "too_many_requests" and answer["request_id"] == headers["x-request-id"]
    assert headers["retry-after"] == "1"
    assert_security_headers(headers, "429")
    # Meanwhile: this client's /denoise (the general zone) and another address's /compare are served.
    body, json_headers = digit_json()
    assert request("/denoise", body, json_headers)[0] == 200
    assert from_another_address("/compare", b"{}") == 400
    # And after Retry-After, this client's /compare again.
    time.sleep(int(headers["retry-after"]))
    assert request("/compare", *empty)[0] == 400
    (ARTIFACTS / "rate-limit.json").write_text(json.dumps({"burst": statuses}))


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


# ------------------------------------------------------------------------------------------------------
# scale out: `docker compose up -d --scale api=3` (podman-compose 1.6 has --scale too), last

def replicas() -> list[str]:
    """The running containers of the api service, by compose's labels."""
    project = os.environ.get("COMPOSE_PROJECT_NAME", "denoiser-ct")
    listed = engine("ps", "--filter", f"label=com.docker.compose.project={project}",
                    "--filter", "label=com.docker.compose.service=api", "--format", "{{.Names}}")
    return sorted(listed.stdout.split())


def healthy(container: str) -> bool:
    """Run the container's HEALTHCHECK now (podman: nothing runs it by itself without systemd)."""
    if ENGINE == "podman":
        return engine("healthcheck", "run", container).returncode == 0
    state = engine("inspect", "-f", "{{.State.Health.Status}}", container)
    return state.stdout.strip() == "healthy"


def served_by(container: str, marker: str) -> int:
    """How many requests whose X-Request-ID starts with `marker` the replica logged."""
    logs = engine("logs", container)
    return (logs.stdout + logs.stderr).count(f'"request_id": "{marker}')


def test_scaled_out_api_spreads_requests_and_survives_a_killed_replica():
    # Three api replicas behind nginx: the compose name `api` answers all their addresses (netavark's
    # aardvark-dns, Docker's embedded DNS), nginx looks it up every 10 s and spreads requests over them;
    # one replica killed under load: every request still answered (proxy_next_upstream ... non_idempotent
    # retries the POST on another replica). The load is 8 threads from this one address, so the web
    # service is re-created with the general zone raised for it (RATE_LIMIT_API): the replicas are
    # measured here, not the limiter.
    if not COMPOSE or not WEB:
        pytest.skip("the compose command is not given")
    env = dict(os.environ, RATE_LIMIT_API="2000r/s", RATE_LIMIT_API_BURST="2000")
    started = time.monotonic()
    up = subprocess.run([*COMPOSE, "up", "-d", "--scale", "api=3"], capture_output=True, text=True, env=env,
                        cwd=ROOT, timeout=300)
    assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-3000:]
    names = replicas()
    assert len(names) == 3, names
    for name in [*names, WEB]:
        wait_for(lambda name=name: healthy(name), 240, f"{name} healthy")
    figures = {"replicas": names, "scale_up_s": round(time.monotonic() - started, 1)}

    # Spread: 60 requests, each replica answers some (nginx's cache of the name may hold the old,
    # single address for up to 10 s: ask again until all three took part).
    body, headers = digit_json()
    deadline, sent = time.monotonic() + 40, 0
    while True:
        for _ in range(30):
            status, _, raw = request("/denoise", body, {**headers, "X-Request-ID": f"ct-spread-{sent}"})
            assert status == 200, raw[:300]
            sent += 1
        spread = {name: served_by(name, "ct-spread-") for name in names}
        if all(spread.values()) or time.monotonic() > deadline:
            break
    figures["spread"] = {"requests": sent, "per_replica": spread}
    assert all(spread.values()), spread

    # Under load, one replica killed 4 s into 10 s: no request fails.
    victim = names[-1]
    load_headers = {**headers, "X-Request-ID": "ct-load"}
    tally, killed = traffic.load(URL + "/denoise", body, load_headers, threads=8, seconds=10,
                                 during=lambda: engine("kill", victim), at=4)
    assert killed.returncode == 0, killed.stderr
    summary = tally.summary()
    time.sleep(1)
    web_log = engine("logs", "--since", "30s", WEB)
    upstream_errors = [line for line in (web_log.stdout + web_log.stderr).splitlines()
                       if "upstream" in line and ("[error]" in line or "[warn]" in line)]
    figures["load"] = {**summary, "threads": 8, "seconds": 10, "killed": victim, "killed_at_s": 4,
                       "per_replica": {name: served_by(name, "ct-load") for name in names},
                       "nginx_upstream_errors": {kind: sum(kind in line for line in upstream_errors)
                                                 for kind in ("Connection reset", "Connection refused",
                                                              "timed out", "could not be resolved")},
                       "nginx_log_sample": upstream_errors[:3],
                       "victim_state": engine("inspect", "-f", "{{.State.Status}}", victim).stdout.strip()}
    (ARTIFACTS / "scale.json").write_text(json.dumps(figures, indent=1))
    assert tally.failed() == 0, figures
    assert tally.total >= 100, figures
    # A request that meets the dead replica first waits for its connect to time out (1 s), then is
    # answered by another; none waits for long.
    assert summary["max_ms"] < 5000, figures
    assert figures["load"]["per_replica"][victim] > 0, "the killed replica served part of the load before"
