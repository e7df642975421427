"""The Makefile's deployment targets, checked with `make -n` (prints the recipes, runs nothing)."""

from __future__ import annotations

import subprocess

import pytest


def dry_run(kit, *args: str) -> str:
    """`make -n ARGS` from the repository root: the commands make would run."""
    make = kit.require_binary("make")
    result = subprocess.run([make, "--no-print-directory", "-n", *args], capture_output=True, text=True,
                            timeout=60, cwd=kit.ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_run_installs_builds_then_serves_the_api_targets_command(kit, tmp_path):
    # -B: as on a fresh clone, where no stamp exists yet. VENV elsewhere so nothing here is touched.
    out = dry_run(kit, "-B", "run", f"VENV={tmp_path / 'venv'}")
    steps = ["-m venv", "pip install -q --upgrade pip", 'pip install -q -c requirements.lock -e ".[cpu,dev,baselines]"',
             "npm ci", "npm run build", "saved_model.pb", "denoiser serve"]
    positions = [out.find(step) for step in steps]
    assert -1 not in positions, dict(zip(steps, positions, strict=True))
    assert positions == sorted(positions), "make run: venv, pip, npm ci, build, model check, then serve"


def test_install_runs_again_only_when_the_dependencies_change(kit, tmp_path):
    # A venv installed after pyproject.toml and requirements.lock last changed: nothing to do. Either file
    # newer (-W: as if just edited): pip installs again. Likewise npm for package.json and its lock file.
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()
    assert "pip install" not in dry_run(kit, "install-python", f"VENV={venv}")
    for changed in ("pyproject.toml", "requirements.lock"):
        out = dry_run(kit, "-W", changed, "install-python", f"VENV={venv}")
        assert 'pip install -q -c requirements.lock -e ".[cpu,dev,baselines]"' in out, changed
    for changed in ("frontend/package.json", "frontend/package-lock.json"):
        assert "npm ci" in dry_run(kit, "-W", changed, "install-frontend"), changed
    stamp = kit.ROOT / "frontend" / "node_modules" / ".installed"
    sources = [kit.ROOT / "frontend" / name for name in ("package.json", "package-lock.json")]
    if stamp.exists() and all(stamp.stat().st_mtime >= source.stat().st_mtime for source in sources):
        assert "npm ci" not in dry_run(kit, "install-frontend")


@pytest.mark.parametrize(("compose", "expected"), [("docker-compose", "docker-compose"),
                                                   ("docker compose", "docker compose")])
def test_up_and_down_wrap_compose(kit, compose, expected):
    out = dry_run(kit, "up", "down", f"COMPOSE={compose}")
    assert f"{expected} up -d --build" in out and f"{expected} down" in out


def fake_bin(tmp_path, **scripts: str) -> dict:
    """A PATH of fake commands (name -> shell body) in front of /usr/bin:/bin."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    for name, body in scripts.items():
        (fake / name).write_text(f"#!/bin/sh\n{body}\n")
        (fake / name).chmod(0o755)
    return {"PATH": f"{fake}:/usr/bin:/bin"}


def first_command(kit, env: dict, *targets: str) -> str:
    make = kit.require_binary("make")
    out = subprocess.run([make, "-n", *targets], capture_output=True, text=True, timeout=60, cwd=kit.ROOT, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[0]


def test_compose_picks_the_tool_of_the_engine_at_hand(kit, tmp_path):
    # A Docker engine whose CLI lacks the compose plugin: the standalone docker-compose.
    env = fake_bin(tmp_path, docker='[ "$1" = info ] && exit 0; echo "unknown command: docker $1" >&2; exit 1')
    assert first_command(kit, env, "up") == "docker-compose up -d --build"
    # ... and `docker compose` when the plugin answers.
    env = fake_bin(tmp_path, docker="echo 'Docker Compose version v2.30.0'")
    assert first_command(kit, env, "up") == "docker compose up -d --build"
    # No Docker engine, but podman and podman-compose on PATH.
    env = fake_bin(tmp_path, docker="exit 1", podman="exit 0", **{"podman-compose": "exit 0"})
    assert first_command(kit, env, "up").endswith("podman-compose up -d --build")


def test_up_with_podman_installs_podman_compose_into_the_venv(kit, tmp_path):
    env = fake_bin(tmp_path, docker="exit 1", podman="exit 0")
    venv = tmp_path / "venv"
    make = kit.require_binary("make")
    out = subprocess.run([make, "-n", "up", f"VENV={venv}"], capture_output=True, text=True, timeout=60,
                         cwd=kit.ROOT, env=env).stdout
    install = out.find('pip install -q "podman-compose==')
    assert -1 < install < out.find(f"{venv}/bin/podman-compose up -d --build"), out


def test_test_containers_runs_the_container_test_driver(kit):
    out = dry_run(kit, "-W", ".venv/.installed", "-W", "frontend/node_modules/.installed", "test-containers",
                  "COMPOSE=docker-compose")
    assert 'COMPOSE="docker-compose" tests/containers/run.sh' in out


def test_lock_compiles_pyproject_for_the_images_platform(kit):
    out = dry_run(kit, "lock")
    assert "uv pip compile pyproject.toml" in out and "-o requirements.lock" in out
    assert "--python-version 3.11" in out and "--python-platform x86_64-unknown-linux-gnu" in out


def test_install_uses_the_lock_file(kit, tmp_path):
    out = dry_run(kit, "-B", "install-python", f"VENV={tmp_path / 'venv'}")
    assert 'pip install -q -c requirements.lock -e ".[cpu,dev,baselines]"' in out


def test_compose_train_runs_as_the_calling_user_with_the_data_dir(kit):
    out = dry_run(kit, "compose-train", "COMPOSE=docker-compose", "DATA_DIR=../shared/datasets", "EPOCHS=3")
    line = next(line for line in out.splitlines() if "run --rm train" in line)
    assert line.startswith("TRAIN_UID=$(id -u) TRAIN_GID=$(id -g) DATA_DIR=/")
    assert "--data-dir /data" in out and "--output-dir /app/models" in out and "--epochs 3" in out
