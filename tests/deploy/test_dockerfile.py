"""The Dockerfile: hadolint-clean, multi-stage, and shaped as docs/deployment.md describes it.

No Docker engine is needed: hadolint reads the file, and the checks below read its stages."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys

import pytest


def test_hadolint_passes(kit):
    hadolint = kit.require_binary("hadolint")
    result = subprocess.run([hadolint, "--no-color", str(kit.DOCKERFILE)], capture_output=True, text=True,
                            timeout=60, cwd=kit.ROOT)
    assert result.returncode == 0, f"hadolint found problems:\n{result.stdout}{result.stderr}"


def test_stages_are_frontend_api_and_web(stages):
    assert {"frontend", "api", "web"} <= set(stages)
    assert stages["frontend"].base.startswith("${NODE_IMAGE}") or "node" in stages["frontend"].base
    runs = " && ".join(stages["frontend"].all("RUN"))
    assert "npm ci" in runs and "npm run build" in runs


def test_api_stage_runs_gunicorn_as_non_root_with_a_readyz_healthcheck(stages):
    api = stages["api"]
    assert api.exec_form("CMD") == ["gunicorn", "-c", "backend/gunicorn.conf.py", "denoiser.serving.wsgi:app"]
    assert api.all("EXPOSE") == ["8000"]
    user = api.all("USER")[-1].split(":")[0]
    assert user not in ("root", "0"), "the api image must not run as root"
    healthcheck = api.all("HEALTHCHECK")[-1]
    assert "/readyz" in healthcheck and '"python"' in healthcheck and "curl" not in healthcheck
    env = api.env()
    assert env["DENOISER_MODEL_DIR"] == "/app/models" and env["PORT"] == "8000"
    copies = " | ".join(api.all("COPY"))
    assert "models/ models/" in copies, "the committed models are baked in at /app/models"
    assert "--from=frontend" in copies, "the api image also serves the built SPA"
    # No VOLUME: an anonymous volume would shadow a later `COPY models/` in derived images; the
    # compose file bind-mounts ./models read-only instead.
    assert not api.all("VOLUME")


def test_python_stages_use_slim_python_and_tensorflow_cpu(stages, kit):
    text = kit.DOCKERFILE.read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", text, re.MULTILINE)
    pyproject = (kit.ROOT / "pyproject.toml").read_text()
    assert '"tensorflow-cpu' in pyproject, "the image installs pyproject's dependencies: tensorflow-cpu"
    deps = " ".join(stages["python-deps"].all("RUN"))
    assert "pip install --no-cache-dir -r requirements.lock" in deps, "the image installs the lock file"
    assert "pip install --no-cache-dir --no-deps ." in deps
    assert "requirements.lock ./" in " ".join(stages["python-deps"].all("COPY"))


def test_no_syntax_directive(kit):
    # `# syntax=...` makes BuildKit pull a frontend image first: an offline build would fail.
    assert not re.search(r"^#\s*syntax\s*=", kit.DOCKERFILE.read_text(), re.MULTILINE | re.IGNORECASE)


@pytest.mark.parametrize(("nginx_port", "url"), [("80", "http://127.0.0.1:80/"),
                                                 ("8125", "http://127.0.0.1:8125/"),
                                                 ("127.0.0.1:8125", "http://127.0.0.1:8125/"),
                                                 ("0.0.0.0:8080", "http://0.0.0.0:8080/")])
def test_web_healthcheck_probes_what_nginx_listens_on(stages, tmp_path, nginx_port, url):
    # NGINX_PORT is a bare port or host:port (the template's `listen ${NGINX_PORT}`); a fake wget
    # records the URL the healthcheck fetches.
    healthcheck = stages["web"].all("HEALTHCHECK")[-1]
    command = json.loads(healthcheck[healthcheck.index("CMD") + 3:].strip())
    (tmp_path / "wget").write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\n')
    (tmp_path / "wget").chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "NGINX_PORT": nginx_port}
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "args").read_text().split()[-1] == url


def test_web_stage_uses_the_nginx_template_mechanism(stages, kit):
    web = stages["web"]
    copies = web.all("COPY")
    assert any(c.endswith("/etc/nginx/templates/default.conf.template") for c in copies)
    assert any(c.startswith("--from=frontend") for c in copies)
    assert web.all("HEALTHCHECK"), "web needs a healthcheck of its own"
    # The official image's entrypoint only substitutes variables that are defined in the environment:
    # every ${VAR} of the template must have a default here, or nginx would see the literal text.
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)\}", kit.NGINX_TEMPLATE.read_text()))
    assert used, "the template is expected to use ${VAR} placeholders"
    # NGINX_RESOLVER (empty here) is filled in by deploy/nginx/15-api-resolver.envsh, which the image's
    # entrypoint sources before it renders the template (tests/deploy/test_nginx_resolver.py).
    assert "NGINX_RESOLVER" in used and web.env()["NGINX_RESOLVER"] == ""
    assert any(c.endswith("/docker-entrypoint.d/15-api-resolver.envsh") for c in copies)
    missing = used - set(web.env())
    assert not missing, f"template variables without an ENV default in the web stage: {sorted(missing)}"


def test_healthcheck_commands_are_valid_json(stages):
    for name in ("api", "web"):
        healthcheck = stages[name].all("HEALTHCHECK")[-1]
        command = healthcheck[healthcheck.index("CMD") + 3:].strip()
        assert isinstance(json.loads(command), list)


def test_dockerignore_keeps_the_context_small(kit):
    ignored = (kit.ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "frontend/node_modules", "frontend/dist"):
        assert entry in ignored
    for needed in ("models", "backend", "frontend", "deploy", "pyproject.toml", "requirements.lock"):
        assert needed not in ignored


def nginx_size(text: str) -> int:
    """An nginx size ("11m", "512k", "1048576") in bytes."""
    units = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    text = text.strip().lower()
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def api_upload_limit(kit) -> int:
    """The API's default DENOISER_MAX_UPLOAD_BYTES, read from the teammate's settings module itself."""
    path = kit.ROOT / "backend" / "denoiser" / "serving" / "settings.py"
    spec = importlib.util.spec_from_file_location("_deploy_api_settings", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building the class
    try:
        spec.loader.exec_module(module)
        return module.Settings().max_upload_bytes
    finally:
        del sys.modules[spec.name]


def test_nginx_body_limit_sits_just_above_the_api_upload_limit(stages, kit):
    api_limit = api_upload_limit(kit)
    image_limit = int(stages["api"].env()["DENOISER_MAX_UPLOAD_BYTES"])
    assert image_limit == api_limit, "the api image documents the API's default upload limit"
    nginx_limit = nginx_size(stages["web"].env()["CLIENT_MAX_BODY_SIZE"])
    # Equal: nginx answers 413 (in the API's JSON shape) for anything the API would refuse for its size.
    # Higher would forward bodies that the API refuses before reading them, and nginx, its write cut
    # short, would answer 502; lower would refuse uploads the API accepts.
    assert nginx_limit == api_limit
    compose = kit.COMPOSE_FILE.read_text()
    assert f"CLIENT_MAX_BODY_SIZE:-{stages['web'].env()['CLIENT_MAX_BODY_SIZE']}}}" in compose
    assert f"DENOISER_MAX_UPLOAD_BYTES:-{api_limit}}}" in compose
