"""The deployment tests without a container engine: fixtures and helpers.

What is tested where (each behaviour in one place):

tests/deploy/ (every `make test`; needs nginx, curl, node and Chromium, docker-compose, kubectl, hadolint):
  the nginx template, rendered with the web image's ENV defaults and run by Debian's nginx in front of the
  api image's own gunicorn command on loopback (the `api`, `web` and `start_nginx` fixtures below):
    test_nginx_e2e.py        every API route (from /openapi.json) proxied and retried on another replica,
                             /admin kept off, the SPA and client-side routes, asset caching, gzip,
                             uploads as JSON and as PNG, 503 JSON while the API is down, a person's
                             session in Chromium (no CSP violation, no 429)
    test_nginx_headers.py    the API's security headers on everything nginx answers, once each
    test_nginx_limits.py     the body-size limit (413 JSON), the rate-limit zones per route and per client
                             address (429 JSON, Retry-After, X-Forwarded-For only from REAL_IP_FROM), slow
                             clients holding neither nginx nor gunicorn
    test_nginx_protocols.py  TF Serving REST and tritonclient's binary tensors through nginx
    test_nginx_resolver.py   the resolver script and the nginx entrypoint that sources it
  and what tools check without an engine: hadolint and the web healthcheck command (test_dockerfile.py),
  `docker-compose config` (only nginx published) and the train/evaluate entrypoints (test_compose.py),
  `kubectl kustomize` with the Kubernetes schemas and its probes against the running API (test_k8s.py), the
  Makefile's targets through `make -n` (test_makefile.py), the TF Serving profile's release
  (test_tfserving_ops.py).

tests/containers/ (`make test-containers`): what needs the real images and the compose stack: the images
build (offline too), the api image serves the models, the SPA and the locked packages, runs as non-root
(also read-only, as Kubernetes runs it), the healthchecks, compose's wiring (the images' defaults, the
upload limits of nginx and the API), the `api` name resolved by the engine's DNS on every lookup, the
image-built SPA in Chromium, the api restarted and scaled out to three replicas with one killed under load.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks.server import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE_FILE = ROOT / "docker-compose.yml"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "default.conf.template"
ARTIFACTS = ROOT / "artifacts" / "deploy"
READY_TIMEOUT_S = float(os.environ.get("DEPLOY_READY_TIMEOUT_S", "240"))


@dataclass
class Stage:
    """One FROM ... AS name section of a Dockerfile, as (instruction, arguments) pairs."""

    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        """The arguments of every instruction of this kind (upper-case keyword)."""
        return [args for kw, args in self.instructions if kw == keyword]

    def env(self) -> dict[str, str]:
        """The ENV defaults of this stage (KEY=value form, quotes removed)."""
        values: dict[str, str] = {}
        for args in self.all("ENV"):
            for token in shlex.split(args):
                key, sep, value = token.partition("=")
                if sep:
                    values[key] = value
        return values

    def exec_form(self, keyword: str) -> list[str]:
        """The JSON (exec) form of the last CMD/ENTRYPOINT of this stage."""
        return json.loads(self.all(keyword)[-1])


def read_dockerfile(path: Path = DOCKERFILE) -> dict[str, Stage]:
    """Parse a Dockerfile into its named stages (line continuations joined, comments dropped): the
    commands and ENV defaults the local servers below run with, as the images do."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        if keyword == "FROM":
            match = re.match(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", args, re.IGNORECASE)
            assert match, f"unreadable FROM line: {line}"
            base, name = match.group(1), match.group(2) or str(len(stages))
            current = stages[name] = Stage(name=name, base=base)
        elif current is not None:
            current.instructions.append((keyword, args))
    return stages


def render_template(text: str, variables: dict[str, str]) -> str:
    """What `envsubst "${A} ${B} ..."` does, as the nginx image's entrypoint runs it: replace $NAME and
    ${NAME} for the listed names only, leaving every other $ (nginx's own variables) alone."""
    def substitute(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        return variables[name] if name in variables else match.group(0)
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", substitute, text)


def find_binary(name: str, *extra: str) -> str | None:
    """A binary on PATH, in the running venv, or at one of the extra absolute paths."""
    candidates = [shutil.which(name), str(Path(sys.executable).parent / name), *extra]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_binary(name: str, *extra: str) -> str:
    """The binary's path, or skip the test saying which prerequisite is missing."""
    path = find_binary(name, *extra)
    if path is None:
        pytest.skip(f"prerequisite binary {name!r} is not installed")
    return path


# ------------------------------------------------------------------------------------------------------
# HTTP and processes

def fetch(url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 30):
    """GET (or POST data) -> (status, headers as sent, repeated names included, body); no raise on 4xx/5xx."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


_addresses = (f"198.51.{block}.{host}" for block, host in itertools.product(range(100, 116), range(1, 255)))


def client_address() -> dict[str, str]:
    """An X-Forwarded-For header naming a client address no other request of the session used (TEST-NET-2):
    nginx believes it from loopback (REAL_IP_FROM), so each caller gets rate-limit buckets of its own."""
    return {"X-Forwarded-For": next(_addresses)}


def curl(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run curl (silent, showing errors) and return the finished process."""
    return subprocess.run([require_binary("curl"), "-sS", *args], capture_output=True, timeout=timeout)


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
        time.sleep(0.25)
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


def assert_security_headers(headers, where: str) -> None:
    """Each header of the API's security.HEADERS exactly once, with the API's value."""
    from denoiser.serving import security

    for name, value in security.HEADERS.items():
        assert headers.get_all(name) == [value], f"{where}: {name} = {headers.get_all(name)}"


def digit_png(size: int = 112) -> bytes:
    """A digit as a person would upload it: one of the model's examples, dark on light, upscaled."""
    from PIL import Image, ImageOps

    model_dir = Path(os.environ.get("DEPLOY_TEST_MODEL_DIR") or ROOT / "models")
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


# ------------------------------------------------------------------------------------------------------
# nginx from the template

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


def write_nginx_config(stages, prefix: Path, listen_port: int, upstream: str, extra: str = "",
                       overrides: dict[str, str] | None = None) -> Path:
    """Render deploy/nginx/default.conf.template with the web stage's ENV defaults, changing where to listen,
    where the API is (`upstream`: host:port, or the name of an upstream block in `extra`), where the SPA
    lies and any `overrides`; `extra` is added at http level. Returns the main config's path."""
    variables = stages["web"].env()
    # NGINX_RESOLVER: what deploy/nginx/15-api-resolver.envsh reads from /etc/resolv.conf in the image;
    # an IP upstream is never looked up, but the resolver directive needs an address.
    variables.update(NGINX_RESOLVER="127.0.0.1", NGINX_PORT=f"127.0.0.1:{listen_port}", API_UPSTREAM=upstream,
                     NGINX_ROOT=str(ROOT / "frontend" / "dist"), **(overrides or {}))
    rendered = render_template(NGINX_TEMPLATE.read_text(), variables)
    # The image's entrypoint substitutes only variables that have a value: one without an ENV default in
    # the web stage would reach nginx as literal text.
    leftover = sorted(set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)\}", rendered)))
    assert not leftover, f"template variables without an ENV default in the web stage: {leftover}"
    prefix.mkdir(parents=True, exist_ok=True)
    server_conf = prefix / "default.conf"
    server_conf.write_text(extra + "\n" + rendered)
    main = prefix / "nginx.conf"
    main.write_text(nginx_main_config(prefix, server_conf))
    return main


def nginx_command(nginx: str, prefix: Path, config: Path, *extra: str) -> list[str]:
    """nginx in the foreground with everything it writes under prefix."""
    return [nginx, "-p", str(prefix), "-c", str(config), "-g",
            f"daemon off; pid {prefix / 'nginx.pid'}; error_log stderr;", *extra]


# ------------------------------------------------------------------------------------------------------
# fixtures

@pytest.fixture(scope="session")
def stages() -> dict[str, Stage]:
    """The Dockerfile's stages by name."""
    return read_dockerfile()


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """The helpers and paths above, for the test modules (importlib mode: no `from conftest import`)."""
    return SimpleNamespace(
        ROOT=ROOT, DOCKERFILE=DOCKERFILE, COMPOSE_FILE=COMPOSE_FILE, NGINX_TEMPLATE=NGINX_TEMPLATE,
        ARTIFACTS=ARTIFACTS, read_dockerfile=read_dockerfile, render_template=render_template,
        free_port=free_port, find_binary=find_binary, require_binary=require_binary, fetch=fetch,
        client_address=client_address, ask=ask, curl=curl, wait_until=wait_until, digit_png=digit_png,
        assert_security_headers=assert_security_headers,
        write_nginx_config=write_nginx_config, nginx_command=nginx_command)


@pytest.fixture(scope="session")
def api(stages, tmp_path_factory):
    """The api target's CMD, run from the repository root with the venv's gunicorn on a free loopback port,
    with the image's ENV for the API and the committed models, as the image bakes them in."""
    command = stages["api"].exec_form("CMD")
    gunicorn = find_binary(command[0])
    if gunicorn is None:
        pytest.fail("gunicorn is not installed in the venv (make install-python)")
    model_dir = Path(os.environ.get("DEPLOY_TEST_MODEL_DIR") or ROOT / "models")
    assert sorted(model_dir.glob("*/*/saved_model.pb")), (
        f"no SavedModel under {model_dir}/<name>/<version>/: the api target serves the committed models")
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = dict(os.environ)
    env.update(
        PORT=str(port), WEB_CONCURRENCY="1",
        DENOISER_MODEL_DIR=str(model_dir), DENOISER_STATIC_DIR=str(ROOT / "frontend" / "dist"),
        DENOISER_MAX_UPLOAD_BYTES=stages["api"].env()["DENOISER_MAX_UPLOAD_BYTES"], DENOISER_CORS_ORIGINS="",
        DENOISER_TF_THREADS="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # gunicorn.conf.py makes (and removes) its own
    # Same command as the image; gunicorn reads extra flags from GUNICORN_CMD_ARGS (over the config
    # file), which keeps the test's server on loopback instead of the config's 0.0.0.0.
    env["GUNICORN_CMD_ARGS"] = f"--bind 127.0.0.1:{port}"
    env["PATH"] = f"{Path(gunicorn).parent}{os.pathsep}{env.get('PATH', '')}"
    with log.open("wb") as sink:
        process = subprocess.Popen([gunicorn, *command[1:]], cwd=ROOT, env=env, stdout=sink,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: fetch(f"{base}/readyz", timeout=2)[0] == 200, READY_TIMEOUT_S,
                   "gunicorn /readyz", process, log)
        yield {"url": base, "port": port, "log": log, "process": process}
    finally:
        stop(process)


@pytest.fixture(scope="session")
def start_nginx(stages, tmp_path_factory):
    """start_nginx(upstream, extra="", **variables): Debian's nginx running the rendered template in front
    of `upstream` (host:port, or an upstream block given in `extra`), with the web image's defaults
    except `variables`; answers {url, port, log, prefix} once it serves. All are stopped at the end."""
    nginx = find_binary("nginx", "/usr/sbin/nginx")
    started: list[subprocess.Popen] = []

    def start(upstream: str, extra: str = "", **variables: str) -> dict:
        if nginx is None:
            pytest.skip("prerequisite binary 'nginx' is not installed")
        prefix, port = tmp_path_factory.mktemp("nginx"), free_port()
        config = write_nginx_config(stages, prefix, port, upstream, extra, variables)
        log = prefix / "nginx.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(nginx_command(nginx, prefix, config), stdout=sink,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: fetch(url + "/", timeout=2)[0] == 200, 30, "nginx", process, log)
        return {"url": url, "port": port, "log": log, "prefix": prefix}

    yield start
    for process in started:
        stop(process, signal.SIGQUIT)


@pytest.fixture(scope="session")
def web(api, start_nginx) -> dict:
    """nginx as the web image runs it, in front of `api`."""
    return start_nginx(f"127.0.0.1:{api['port']}")


ADMIN = "/admin/"  # operations (POST /admin/reload): on the api container only, never through nginx


def openapi_routes(api_url: str) -> list[tuple[str, str]]:
    """(method, path) of every route of the API's own /openapi.json, with {name} the default model and
    {version} its first version."""
    status, _, body = fetch(api_url + "/openapi.json")
    assert status == 200
    found = []
    for template, methods in json.loads(body)["paths"].items():
        path = template.replace("{name}", "mnist").replace("{version}", "1")
        assert "{" not in path, f"a path parameter this fixture cannot fill: {template}"
        found += [(method.upper(), path) for method in methods if method in ("get", "post", "put", "delete")]
    return found


@pytest.fixture(scope="session")
def routes(api) -> list[tuple[str, str]]:
    """(method, path) of every public route of the API (all of /openapi.json but the ADMIN ones)."""
    found = [(method, path) for method, path in openapi_routes(api["url"]) if not path.startswith(ADMIN)]
    assert ("POST", "/denoise") in found and ("GET", "/healthz") in found, found
    return found


@pytest.fixture(scope="session")
def admin_routes(api) -> list[tuple[str, str]]:
    """(method, path) of the API's ADMIN routes."""
    return [(method, path) for method, path in openapi_routes(api["url"]) if path.startswith(ADMIN)]


def ask(base: str, method: str, path: str, headers: dict | None = None):
    """One request of a route: a GET, or a POST of an empty JSON object (the API's own 400, fast)."""
    if method == "GET":
        return fetch(base + path, headers=headers)
    return fetch(base + path, b"{}", {"Content-Type": "application/json", **(headers or {})})
