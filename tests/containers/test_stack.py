"""The compose stack for real: the api and web images, built from the Dockerfile and run by a container
engine (docker, or podman + podman-compose), tested through nginx as a user reaches them.

Only what needs the real images and compose is tested here: the images build (run.sh), pass their own
healthchecks (run.sh waits on them), serve what they were built with (the SPA, the models, the locked
packages), run as non-root (also read-only, as the Kubernetes Deployment runs the api), compose's wiring
(its defaults are the images', the upload limits of nginx and the API agree), the `api` service name
resolved by the engine's DNS on every lookup, the image-built SPA in Chromium, the api stopped and started
again, and scaled out to three replicas with one killed under load. How nginx's template behaves (routes,
retries, headers, gzip, body-size and rate limits, slow clients, CSP in a browser) is tested once, against
Debian's nginx on loopback, in every `make test`: tests/deploy/ (its conftest.py lists what is where).

Skipped unless DENOISER_CONTAINER_URL is set; tests/containers/run.sh (make test-containers) builds the
images, starts the stack and sets:
  DENOISER_CONTAINER_URL     nginx, e.g. http://127.0.0.1:18080
  DENOISER_CONTAINER_ENGINE  docker | podman  (to stop and start the api container)
  DENOISER_CONTAINER_API     the api container's name
  DENOISER_CONTAINER_WEB     the web container's name
  DENOISER_CONTAINER_COMPOSE the compose command (to scale the api service out)
pytest keeps the file order: the api stop/start test runs after the others, the scale-out test last."""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import os
import re
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


def digit_json() -> tuple[bytes, dict]:
    """A /denoise JSON body with one digit (the same upload as digit_png) and its headers."""
    return traffic.json_request("data:image/png;base64," + base64.b64encode(digit_png()).decode(),
                                noise="gaussian", level=0.5, seed=11)


def exec_python(container: str, script: str, *args: str, timeout: float = 60) -> str:
    """Run a Python script in a running container; its stdout."""
    result = engine("exec", container, "python", "-c", script, *args, timeout=timeout)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


GET_LOCAL = ("import sys, urllib.request\n"
             "with urllib.request.urlopen('http://127.0.0.1:8000' + sys.argv[1], timeout=10) as r:\n"
             "    sys.stdout.write(r.read().decode())\n")


def test_the_web_image_serves_the_spa_it_built():
    status, headers, body = request("/")
    assert status == 200 and b'<div id="root">' in body and headers.get("server") == "nginx"
    asset = body.decode().split('src="/assets/', 1)[1].split('"', 1)[0]
    status, headers, _ = request(f"/assets/{asset}")
    assert status == 200 and "javascript" in headers["content-type"], "the built bundle is in the image"


def test_the_api_image_denoises_through_nginx():
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


def test_the_stacks_upload_limit_is_the_same_in_nginx_and_the_api():
    # Just under the limit: the API itself reads the upload and refuses it as no image (not its 413, not a
    # 502 from an API that hung up mid-upload); just over: nginx's 413 in the API's JSON shape.
    for size, expected in ((UPLOAD_LIMIT - 64 * 1024, "invalid_image"),
                           (UPLOAD_LIMIT + 64 * 1024, "payload_too_large")):
        body, content_type = multipart({}, "image", "big.png", b"\x89PNG\r\n\x1a\n" + os.urandom(size - 8))
        status, headers, raw = request("/denoise", body, {"Content-Type": content_type}, timeout=60)
        assert 400 <= status < 500 and headers["content-type"].startswith("application/json"), (size, status)
        assert json.loads(raw)["error"]["code"] == expected, (size, status, raw[:300])


def env_of(kind: str, name: str) -> dict[str, str]:
    """The environment of a container (`inspect`) or an image (`image inspect`)."""
    command = ["inspect"] if kind == "container" else ["image", "inspect"]
    result = engine(*command, "--format", "{{json .Config.Env}}", name)
    assert result.returncode == 0, result.stderr
    return dict(entry.split("=", 1) for entry in json.loads(result.stdout))


def test_compose_runs_the_images_with_their_own_defaults():
    # With no variable set, the compose file passes the images' own ENV defaults (rate limits, body sizes,
    # ports, the api's address...): what docs/deployment.md documents once.
    if not API or not WEB:
        pytest.skip("container names not given")
    for container, image in ((API, "denoiser-api:latest"), (WEB, "denoiser-web:latest")):
        running, defaults = env_of("container", container), env_of("image", image)
        differ = {name: (running.get(name), value) for name, value in defaults.items() if running.get(name) != value}
        assert not differ, f"{container}: (compose, image) {differ}"


def test_the_api_image_serves_the_spa_and_the_locked_packages_as_non_root():
    if not API:
        pytest.skip("the api container's name is not given")
    assert int(exec_python(API, "import os; print(os.getuid())")) != 0, "the api runs as root"
    # No VOLUME: an anonymous volume would shadow a later `COPY models/` in an image built FROM this one.
    volumes = engine("image", "inspect", "--format", "{{json .Config.Volumes}}", "denoiser-api:latest")
    assert volumes.returncode == 0 and json.loads(volumes.stdout) in (None, {}), volumes.stdout
    assert '<div id="root">' in exec_python(API, GET_LOCAL, "/"), "the api image serves the SPA on its own"
    installed = json.loads(exec_python(API, "import json, importlib.metadata as m; print(json.dumps("
                                            "{d.metadata['Name']: d.version for d in m.distributions()}))"))
    installed = {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in installed.items()}
    pinned = dict(line.split("==", 1) for line in (ROOT / "requirements.lock").read_text().splitlines()
                  if "==" in line and not line.startswith((" ", "#")))
    differ = {name: (version, installed.get(name)) for name, version in pinned.items()
              if installed.get(name) != version}
    assert not differ, f"(requirements.lock, image): {differ}"


def test_the_api_name_resolves_on_every_lookup():
    # nginx looks `api` up again every 2 s, from the one DNS server of its resolver line (the engine's).
    # podman lists the host's servers after aardvark-dns in resolv.conf: asking them too, every other
    # lookup failed (503). 8 s of requests span several lookups; each must find the api.
    statuses = []
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        statuses.append(request("/healthz", timeout=10)[0])
        time.sleep(0.2)
    assert len(statuses) >= 20 and set(statuses) == {200}, statuses


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


def kubernetes_pod() -> dict | None:
    """The api pod of `kubectl kustomize deploy/k8s/base`, or None without kubectl."""
    import yaml

    kubectl = shutil.which("kubectl")
    if not kubectl:
        return None
    built = subprocess.run([kubectl, "kustomize", str(ROOT / "deploy" / "k8s" / "base")], capture_output=True,
                           text=True, timeout=120, check=True)
    (deployment,) = [doc for doc in yaml.safe_load_all(built.stdout)
                     if doc and doc["kind"] == "Deployment" and doc["metadata"]["name"] == "denoiser-api"]
    return deployment["spec"]["template"]["spec"]


def test_the_api_image_runs_as_the_kubernetes_deployment_runs_it():
    # The pod's uid and gid, a read-only root filesystem, no capabilities, no privilege escalation, its own
    # volumes (an empty /tmp; the models read-only: here the image's own under the read-only root) and env:
    # the API loads the models and answers the probes' paths.
    pod = kubernetes_pod()
    if pod is None:
        pytest.skip("needs kubectl (apt-get install kubernetes-client)")
    security, (spec,) = pod["securityContext"], pod["containers"]
    assert security["runAsNonRoot"] is True and int(security["runAsUser"]) != 0
    flags = ["--user", f"{security['runAsUser']}:{security['runAsGroup']}", "--cap-drop", "ALL",
             "--security-opt", "no-new-privileges"]
    if spec["securityContext"].get("readOnlyRootFilesystem"):
        # podman adds writable /tmp, /var/tmp and /run to a read-only container unless told not to.
        flags += ["--read-only", *(["--read-only-tmpfs=false"] if ENGINE == "podman" else [])]
    for mount in spec["volumeMounts"]:
        if mount["mountPath"] != "/app/models":
            flags += ["--tmpfs", f"{mount['mountPath']}:rw,mode=1777"]
    for item in spec.get("env", []):
        flags += ["-e", f"{item['name']}={item['value']}"]
    name = f"{os.environ.get('COMPOSE_PROJECT_NAME', 'denoiser-ct')}-as-k8s"
    engine("rm", "-f", name)
    started = engine("run", "-d", "--name", name, *flags, "denoiser-api:latest", timeout=120)
    assert started.returncode == 0, started.stderr
    try:
        probes = [spec[kind]["httpGet"]["path"] for kind in ("startupProbe", "readinessProbe", "livenessProbe")]

        def answered() -> bool:
            running = engine("inspect", "-f", "{{.State.Running}}", name).stdout.strip() == "true"
            assert running, engine("logs", "--tail", "40", name).stderr[-3000:]
            return engine("exec", name, "python", "-c", GET_LOCAL, probes[0]).returncode == 0

        wait_for(answered, 300, "the api under the pod's security context ready")
        for path in probes:
            exec_python(name, GET_LOCAL, path)
    finally:
        engine("rm", "-f", name, timeout=60)


def test_api_stopped_gives_503_json_and_recovers_when_started():
    # While the api is down nginx answers for it (and still serves the SPA); started again (with a new
    # address, which nginx looks up), the api is served through nginx as soon as its healthcheck passes.
    if not API:
        pytest.skip("the api container's name is not given")
    assert engine("stop", "-t", "10", API).returncode == 0
    try:
        status, _, raw = request("/readyz")
        assert status == 503 and json.loads(raw)["error"]["code"] == "not_ready", raw[:300]
        status, _, _ = request("/")
        assert status == 200, "nginx still serves the SPA while the API is down"
    finally:
        started = engine("start", API)
    assert started.returncode == 0, started.stderr
    wait_for(lambda: healthy(API), 240, "the api healthy again")
    time.sleep(2)  # nginx's cache of the api's address (valid=2s)
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
