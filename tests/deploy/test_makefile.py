"""The Makefile's deployment targets, checked with `make -n` (prints the recipes, runs nothing)."""

from __future__ import annotations

import shlex
import subprocess

import pytest


def dry_run(kit, *args: str) -> str:
    """`make -n ARGS` from the repository root: the commands make would run."""
    make = kit.require_binary("make")
    result = subprocess.run([make, "--no-print-directory", "-n", *args], capture_output=True, text=True,
                            timeout=60, cwd=kit.ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_run_installs_builds_then_serves_the_api_targets_command(kit, stages, tmp_path):
    # -B: as on a fresh clone, where no stamp exists yet. VENV elsewhere so nothing here is touched.
    out = dry_run(kit, "-B", "run", f"VENV={tmp_path / 'venv'}")
    steps = ["-m venv", "pip install -q --upgrade pip", 'pip install -q -c requirements.lock -e ".[dev,baselines]"',
             "npm ci", "npm run build", "saved_model.pb", "gunicorn -c backend/gunicorn.conf.py"]
    positions = [out.find(step) for step in steps]
    assert -1 not in positions, dict(zip(steps, positions, strict=True))
    assert positions == sorted(positions), "make run: venv, pip, npm ci, build, model check, then serve"
    gunicorn_line = next(line for line in out.splitlines() if "gunicorn -c" in line)
    words = shlex.split(gunicorn_line)
    start = next(i for i, word in enumerate(words) if word.endswith("/gunicorn"))
    assert words[start + 1:] == stages["api"].exec_form("CMD")[1:], "make serve and the image run the same"


def test_install_is_idempotent_thanks_to_stamps(kit):
    text = (kit.ROOT / "Makefile").read_text()
    assert "$(VENV)/.installed: pyproject.toml" in text
    assert "frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json" in text


@pytest.mark.parametrize(("compose", "expected"), [("docker-compose", "docker-compose"),
                                                   ("docker compose", "docker compose")])
def test_up_and_down_wrap_compose(kit, compose, expected):
    out = dry_run(kit, "up", "down", f"COMPOSE={compose}")
    assert f"{expected} up -d --build" in out and f"{expected} down" in out


def test_compose_falls_back_to_docker_compose_v1(kit, tmp_path):
    # A PATH whose `docker` has no compose plugin: make up must use the standalone docker-compose.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "docker").write_text("#!/bin/sh\necho \"docker: '$1' is not a docker command.\" >&2\nexit 1\n")
    (fake / "docker").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin"}
    make = kit.require_binary("make")
    out = subprocess.run([make, "-n", "up"], capture_output=True, text=True, timeout=60, cwd=kit.ROOT, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[0] == "docker-compose up -d --build"
    # ... and `docker compose` when the plugin answers.
    (fake / "docker").write_text("#!/bin/sh\necho 'Docker Compose version v2.30.0'\n")
    out = subprocess.run([make, "-n", "up"], capture_output=True, text=True, timeout=60, cwd=kit.ROOT, env=env)
    assert out.stdout.strip().splitlines()[0] == "docker compose up -d --build"
