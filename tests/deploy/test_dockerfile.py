"""The Dockerfile: hadolint-clean, multi-stage, and shaped as docs/deployment.md describes it.

No Docker engine is needed: hadolint reads the file, and the checks below read its stages."""

from __future__ import annotations

import json
import re
import subprocess



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
    assert api.exec_form("CMD") == ["gunicorn", "-c", "backend/gunicorn.conf.py", "denoiser.api.wsgi:app"]
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
    assert "pyproject.toml" in deps and "pip install --no-cache-dir --no-deps ." in deps


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
    for needed in ("models", "backend", "frontend", "deploy", "pyproject.toml"):
        assert needed not in ignored
