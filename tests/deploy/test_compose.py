"""docker-compose.yml: accepted by `docker-compose config` (with and without profiles) and wired as
docs/deployment.md describes; the train and evaluate entrypoints run, the CLI takes their arguments, and
gunicorn's config sets the thread count compose passes. Needs only the compose CLI, not a Docker engine;
what needs the images (the running stack's defaults and upload limits) is tests/containers/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


def ports(service: dict) -> list[dict]:
    """A service's published ports as dicts, whether the CLI printed the long or the short syntax."""
    found = []
    for port in service.get("ports", []):
        if isinstance(port, str):  # docker-compose v1: "[host_ip:]published:target[/proto]"
            *host, published, target = port.split("/")[0].split(":")
            port = {"host_ip": host[0] if host else None, "published": published, "target": target}
        found.append(port)
    return found


def compose_config(kit, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run `docker-compose [args] config` and return the resolved configuration."""
    binary = kit.require_binary("docker-compose")
    files = [] if "-f" in args else ["-f", str(kit.COMPOSE_FILE)]
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    # Variables the file reads: drop them so that the defaults are what gets checked.
    for name in ("API_PORT", "WEB_PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_WORKER_CLASS",
                 "DENOISER_CORS_ORIGINS",
                 "DENOISER_MAX_UPLOAD_BYTES", "DENOISER_MODEL_VERSION", "CLIENT_MAX_BODY_SIZE", "MODELS_DIR",
                 "DATA_DIR", "OWN_DATA", "TRAIN_UID", "TRAIN_GID", "TFSERVING_IMAGE", "GUNICORN_TIMEOUT",
                 "PROXY_READ_TIMEOUT", "DENOISER_TF_THREADS", "DENOISER_LOG_LEVEL"):
        clean_env.pop(name, None)
    clean_env.update(env or {})
    result = subprocess.run([binary, *files, *args, "config"], capture_output=True,
                            text=True, timeout=60, cwd=kit.ROOT, env=clean_env)
    assert result.returncode == 0, f"docker-compose config failed:\n{result.stderr}"
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def config(kit) -> dict:
    return compose_config(kit)


def test_config_accepts_the_file_without_profiles(config):
    assert {"api", "web"} <= set(config["services"])
    assert "profiles" not in config["services"]["api"]
    assert "profiles" not in config["services"]["web"]


@pytest.mark.parametrize("profiles", [["train"], ["tfserving"], ["train", "tfserving"]])
def test_config_accepts_the_file_with_profiles(kit, profiles):
    args = [arg for profile in profiles for arg in ("--profile", profile)]
    config = compose_config(kit, *args)
    for profile in profiles:
        service = config["services"][profile]
        assert service["profiles"] == [profile]


def test_api_service(config, kit):
    api = config["services"]["api"]
    assert api["build"]["target"] == "api"
    models = [v for v in api["volumes"] if v["target"] == "/app/models"]
    assert models and models[0]["read_only"] is True and models[0]["source"] == str(kit.ROOT / "models")
    assert api["restart"] == "unless-stopped"
    assert "/readyz" in " ".join(api["healthcheck"]["test"])
    for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_WORKER_CLASS", "GUNICORN_THREADS", "DENOISER_MODEL_DIR",
                 "DENOISER_CORS_ORIGINS", "DENOISER_MAX_UPLOAD_BYTES"):
        assert name in api["environment"]
    assert api["environment"]["DENOISER_MODEL_DIR"] == "/app/models"


def test_only_nginx_faces_the_network(config):
    # gunicorn alone is not safe against slow clients: the api publishes nothing, nginx reaches it.
    assert not config["services"]["api"].get("ports")
    assert [str(p) for p in config["services"]["api"]["expose"]] == ["8000"]
    assert [int(p["target"]) for p in ports(config["services"]["web"])] == [80]


def test_the_debug_override_publishes_the_api_on_loopback_only(kit):
    config = compose_config(kit, "-f", str(kit.COMPOSE_FILE), "-f", str(kit.ROOT / "deploy" / "compose.api-port.yml"))
    (port,) = ports(config["services"]["api"])
    assert port["host_ip"] == "127.0.0.1" and int(port["published"]) == 8000 and int(port["target"]) == 8000


def test_tf_threads_default_is_gunicorn_confs(config, kit, tmp_path):
    # backend/gunicorn.conf.py sets its default only when the variable is unset; compose always sets it, so
    # it must default to the same value. The config file, run as gunicorn runs it, says which.
    script = "import os, runpy; runpy.run_path('backend/gunicorn.conf.py'); print(os.environ['DENOISER_TF_THREADS'])"
    env = {"PATH": os.environ["PATH"], "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30,
                            cwd=kit.ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert str(config["services"]["api"]["environment"]["DENOISER_TF_THREADS"]) == result.stdout.strip()


def test_web_service_waits_for_a_healthy_api(config):
    web = config["services"]["web"]
    assert web["build"]["target"] == "web"
    assert web["depends_on"]["api"]["condition"] == "service_healthy"
    assert int(web["ports"][0]["published"]) == 8080
    assert web["environment"]["API_UPSTREAM"] == "api:8000"
    assert web["healthcheck"]["test"] and web["restart"] == "unless-stopped"


def entrypoint(config: dict, service: str, models: Path) -> list[str]:
    """The service's entrypoint as a host command, with `models` standing in for /app/models."""
    command = config["services"][service]["entrypoint"]
    return [*command[:2], command[2].replace("$$", "$").replace("/app/models", str(models)), *command[3:]]


@pytest.mark.parametrize("service", ["train", "evaluate"])
def test_the_entrypoint_runs_the_cli_with_the_arguments(config, tmp_path, service):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "denoiser").write_text('#!/bin/sh\necho "$@"\n')
    (fake / "denoiser").chmod(0o755)
    models = tmp_path / "models"
    models.mkdir()
    command = [*entrypoint(config, service, models), "--epochs", "3", "a b"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30,
                            env={"PATH": f"{fake}:/usr/bin:/bin"})
    assert result.returncode == 0 and result.stdout == f"{service} --epochs 3 a b\n", result


@pytest.mark.parametrize("service", ["train", "evaluate"])
def test_the_entrypoint_refuses_an_unwritable_models_dir(config, kit, service):
    # As an unprivileged uid (nobody), with / standing in for a ./models it cannot write.
    command = [*entrypoint(config, service, Path("/")), "--help"]
    if os.geteuid() == 0:
        command = [kit.require_binary("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    elif os.access("/", os.W_OK):
        pytest.skip("this user can write /")
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 1 and f"make compose-{service}" in result.stderr, result


def test_train_service_writes_into_models_and_reads_the_data_dir(config, kit):
    train = config["services"]["train"]
    command = train["command"]
    assert command[command.index("--output-dir") + 1] == "/app/models"
    assert command[command.index("--data-dir") + 1] == "/data"
    models = [v for v in train["volumes"] if v["target"] == "/app/models"]
    assert models and not models[0].get("read_only"), "training writes the new version into ./models"
    data = [v for v in train["volumes"] if v["target"] == "/data"]
    shared = (kit.ROOT / ".." / "shared" / "datasets").resolve()  # ../shared may be a symlink
    assert Path(data[0]["source"]).resolve() == shared, "make train's DATA_DIR"


def test_evaluate_service_writes_the_companions_next_to_the_model(config):
    evaluate = config["services"]["evaluate"]
    assert evaluate["profiles"] == ["train"]
    models = [v for v in evaluate["volumes"] if v["target"] == "/app/models"]
    assert models and not models[0].get("read_only")


@pytest.mark.parametrize("service", ["train", "evaluate"])
def test_the_cli_accepts_the_services_arguments(config, capsys, service):
    # Each flag the service passes is one `denoiser <service>` has, with a value it accepts (argparse
    # checks the values it meets before --help; --help then lists the flags).
    from denoiser import cli

    command = config["services"][service]["command"]
    with pytest.raises(SystemExit) as stopped:
        cli.main([service, *[arg for arg in command if arg != "--help"], "--help"])
    assert stopped.value.code == 0, capsys.readouterr().err
    listed = capsys.readouterr().out
    for flag in (arg for arg in command if arg.startswith("--")):
        assert flag in listed, f"denoiser {service} has no {flag} flag"


def test_tfserving_profile_serves_the_models_listed_in_models_config(config, kit):
    service = config["services"]["tfserving"]
    assert service["image"].startswith("tensorflow/serving:")
    assert {int(p["target"]) for p in ports(service)} == {8500, 8501}
    assert {p.get("host_ip") for p in ports(service)} == {"127.0.0.1"}, "only nginx faces the network"
    flags = " ".join(service["command"])
    assert "--model_config_file=/etc/tfserving/models.config" in flags
    mounts = {v["target"]: v for v in service["volumes"]}
    assert mounts["/models"]["read_only"] is True
    config_file = Path(mounts["/etc/tfserving/models.config"]["source"])
    assert config_file == kit.ROOT / "deploy" / "tfserving" / "models.config"
    # Every base_path of the config is a model of the mounted tree, with a version TF Serving can load.
    base_paths = re.findall(r'base_path:\s*"([^"]+)"', config_file.read_text())
    assert base_paths
    for base_path in base_paths:
        local = Path(mounts["/models"]["source"]) / Path(base_path).relative_to("/models")
        assert list(local.glob("[0-9]*/saved_model.pb")), f"{base_path}: no models/<name>/<version>/ there"


def test_variables_override_the_defaults(kit):
    overrides = {"WEB_PORT": "9090", "WEB_CONCURRENCY": "4", "MODELS_DIR": "/srv/models"}
    config = compose_config(kit, env=overrides)
    assert int(config["services"]["web"]["ports"][0]["published"]) == 9090
    assert str(config["services"]["api"]["environment"]["WEB_CONCURRENCY"]) == "4"
    assert config["services"]["api"]["volumes"][0]["source"] == "/srv/models"
